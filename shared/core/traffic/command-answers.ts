/**
 * What the command provider's scripts are given and must answer: the split in
 * the environment, and JSON on the last line of stdout in the shapes below.
 */
import * as z from 'zod/mini';
import { OperationalError } from '../errors.js';
import { normalizeSplit, splitTotal, type Split } from './split.js';

export const splitJson = z.record(
  z.string().check(z.minLength(1)),
  z.number().check(z.gte(0)).check(z.lte(100)),
);
export const revisionsJson = z.array(
  z.union([
    z.pipe(
      z.string().check(z.minLength(1)),
      z.transform((name) => ({ name })),
    ),
    z.object({ name: z.string().check(z.minLength(1)), url: z.optional(z.string()) }),
  ]),
);
export const metricsJson = z.record(
  z.string(),
  z.object({ requests: z.number().check(z.gte(0)), errors5xx: z.number().check(z.gte(0)) }),
);

/** `SPLIT_GREEN_V2=10` for revision green-v2: a name made safe for the environment. */
export function splitVariable(revision: string): string {
  return `SPLIT_${revision.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * SPLIT_JSON and one SPLIT_<REVISION> per revision, 0 included for every revision
 * the provider has seen: a rollback to {off: 100} still sets SPLIT_ON=0, so a
 * recipe that reads SPLIT_ON never sends an empty value.
 * A variable two revisions share (green-v2 and green_v2, Green and green) or one that
 * is SPLIT_JSON itself (a revision named json) would tell the recipe one revision's
 * share for another's: it is set empty, so a recipe that reads it fails instead of
 * moving the wrong traffic, and SPLIT_JSON always holds the whole split.
 */
export function splitEnv(split: Split, known: Iterable<string> = []): Record<string, string> {
  const revisions = new Set([...known, ...Object.keys(split)]);
  const owners = new Map<string, number>();
  for (const revision of revisions)
    owners.set(splitVariable(revision), (owners.get(splitVariable(revision)) ?? 0) + 1);
  const env: Record<string, string> = {};
  for (const revision of revisions) {
    const variable = splitVariable(revision);
    env[variable] = owners.get(variable) === 1 ? String(split[revision] ?? 0) : '';
  }
  env['SPLIT_JSON'] = JSON.stringify(normalizeSplit(split));
  return env;
}

export const deployJson = z.object({ name: z.optional(z.string()), url: z.optional(z.string()) });

/** The JSON a command printed on its last line, in the shape `schema` wants. */
export function commandAnswer<T>(what: string, text: string, schema: z.ZodMiniType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(text.trim().split('\n').pop() ?? '');
  } catch {
    throw new OperationalError(
      `the ${what} command must print JSON on its last line; it printed ${JSON.stringify(text.trim().slice(-120))}`,
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new OperationalError(
      `the ${what} command printed JSON of the wrong shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  return parsed.data;
}

/** The split get-split reported: shares that add up to 100, or no traffic at all. */
export function reportedSplit(read: Readonly<Record<string, number>>): Split {
  const split = normalizeSplit(read);
  if (Object.keys(split).length > 0 && splitTotal(split) !== 100)
    throw new OperationalError(
      `the get-split command reported shares that add up to ${splitTotal(split)}%, not 100%`,
    );
  return split;
}

/** A deploy command may print {"name", "url"} last; anything else means "deployed as asked". */
export function deployedRevision(revision: string, out: string): { name: string; url?: string } {
  const last = out.trim().split('\n').pop() ?? '';
  if (!last.startsWith('{')) return { name: revision };
  const info = commandAnswer('deploy', out, deployJson);
  return { name: info.name ?? revision, ...(info.url && { url: info.url }) };
}
