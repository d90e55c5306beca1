import { refuse } from './schema-kit.js';
/**
 * Probes as users write them (YAML in an input or a config file) and their
 * translation into the Probe model. Validation happens here, before any request.
 */
import * as z from 'zod/mini';
import { ConfigurationError } from './errors.js';
import { parseJsonPath } from './json-path.js';
import { fillPlaceholders } from './placeholders.js';
import { DEFAULT_STATUS, type Expectations, type Probe, type StatusRange } from './probe.js';
import { duration, timeLimit } from './schema-kit.js';
import { linearPattern } from './user-pattern.js';
import { hasScheme, isHttpUrl, joinUrl, redactUrl, urlSecrets } from './url.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
// bypass: Vercel's x-vercel-protection-bypass carries a secret that opens protected deployments.
const CREDENTIAL_HEADER =
  /^(authorization|proxy-authorization|cookie|apikey|api-key|x-api-key)$|token|secret|key|password|bypass/i;

const statusItem = z.pipe(
  z.union([z.number(), z.string()]),
  z.transform((value, ctx): StatusRange => {
    const text = String(value).trim();
    let match: RegExpExecArray | null;
    if ((match = /^([1-5])xx$/i.exec(text)))
      return { min: Number(match[1]) * 100, max: Number(match[1]) * 100 + 99 };
    if ((match = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(text))) {
      const min = Number(match[1]);
      const max = Number(match[2] ?? match[1]);
      if (min >= 100 && max <= 599 && min <= max) return { min, max };
    }
    refuse(ctx, [], 'must be a status code (200), a range (200-299) or a class (2xx)');
    return z.NEVER;
  }),
);

const count = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .number({ message })
    .check(z.refine((n: number) => Number.isSafeInteger(n), message))
    .check(z.gte(min, message))
    .check(z.lte(max, message));
};

const oneOrMany = <T extends z.ZodMiniType>(item: T) =>
  z.pipe(
    z.union([item, z.array(item).check(z.minLength(1))]),
    z.transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]),
  );

const regexSource = linearPattern(
  (problem) =>
    `is not a regular expression this gate can run in linear time (${problem}); backreferences and lookaround are not supported`,
);

/**
 * zod's record drops a "__proto__" key without a word (yaml keeps it as an own key),
 * which would leave an expectation unchecked or a header unsent: refused instead.
 */
const withoutProtoKey = (message: string) =>
  z.unknown().check(
    z.superRefine((fields, ctx) => {
      if (fields && typeof fields === 'object' && Object.hasOwn(fields, '__proto__'))
        refuse(ctx, '__proto__', message);
    }),
  );

const expectSpec = z.strictObject({
  status: z.optional(oneOrMany(statusItem)),
  'body-contains': z.optional(oneOrMany(z.string().check(z.minLength(1)))),
  'body-matches': z.optional(oneOrMany(regexSource)),
  json: z.optional(
    z
      .pipe(
        withoutProtoKey('cannot be checked: "__proto__" is not a field a probe can read'),
        z.record(z.string(), z.unknown()),
      )
      .check(
        z.superRefine((fields, ctx) => {
          for (const key of Object.keys(fields)) {
            if (!parseJsonPath(key))
              refuse(ctx, [key], 'is not a JSON path like version or data.items[0].id');
          }
        }),
      ),
  ),
  headers: z.optional(
    z.pipe(
      withoutProtoKey('cannot be checked: "__proto__" is not a header a probe can read'),
      z.record(z.string().check(z.minLength(1)), z.union([z.string(), z.literal(true)])),
    ),
  ),
  'max-latency': z.optional(timeLimit()),
  'p95-latency': z.optional(timeLimit()),
});

export const probeSpec = z.strictObject({
  name: z
    .string()
    .check(z.trim())
    .check(z.minLength(1, 'must not be empty'))
    .check(z.maxLength(80, 'must be at most 80 characters'))
    .check(
      z.regex(
        /^[^,\p{Cc}\p{Cf}]+$/u,
        'must not contain commas, line breaks, control or invisible characters',
      ),
    ),
  url: z.string().check(z.trim()).check(z.minLength(1, 'must not be empty')),
  method: z._default(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((m) => m.toUpperCase()),
      ),
      z.enum(METHODS, { message: `must be one of ${METHODS.join(', ')}` }),
    ),
    'GET',
  ),
  // RFC 9110: a field name is a token; a value holds no CR, LF or NUL. Checked here,
  // not when sent, so a monitor cannot turn a typo into a false incident.
  headers: z._default(
    z.pipe(
      withoutProtoKey('cannot be sent: "__proto__" is not a header a probe can send'),
      z
        .record(
          z.string().check(z.minLength(1)),
          z
            .pipe(z.union([z.string(), z.number(), z.boolean()]), z.transform(String))
            // Node refuses any other character when the request is sent (its
            // checkInvalidHeaderChar: /[^\t\x20-\x7e\x80-\xff]/), which would be a false incident.
            .check(
              z.refine(
                (v) => !/[^\t\x20-\x7e\x80-\xff]/.test(v),
                'must have header values without line breaks, NUL or characters past U+00FF',
              ),
            ),
        )
        .check(
          z.superRefine((headers, ctx) => {
            for (const name of Object.keys(headers))
              if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
                refuse(ctx, [name], 'must be a header name made of token characters (RFC 9110)');
          }),
        ),
    ),
    {},
  ),
  // A mapping or list is sent as the JSON it was written as: read as it came from
  // YAML, not through z.record, which would drop a "__proto__" key from the body.
  body: z.optional(
    z.pipe(
      z
        .unknown()
        .check(
          z.refine(
            (b) => typeof b === 'string' || (typeof b === 'object' && b !== null),
            'must be text, a mapping or a list',
          ),
        ),
      z.transform((b) => (typeof b === 'string' ? b : JSON.stringify(b))),
    ),
  ),
  timeout: z.optional(timeLimit()),
  samples: z.optional(count(1, 100)),
  retries: z.optional(count(0, 10)),
  'retry-delay': z.optional(duration()),
  'follow-redirects': z._default(z.boolean(), true),
  expect: z._default(expectSpec, {}),
});

export type ProbeSpec = z.output<typeof probeSpec>;

/** More than one job should probe: the run would take minutes and hammer its hosts. */
export const MAX_PROBES = 500;

export const probeList = z
  .array(probeSpec)
  .check(z.maxLength(MAX_PROBES, `must list at most ${MAX_PROBES} probes; split them across jobs`))
  .check(
    z.superRefine((probes, ctx) => {
      const seen = new Set<string>();
      probes.forEach((p, i) => {
        if (seen.has(p.name))
          refuse(ctx, [i, 'name'], `'${p.name}' is used by two probes; names must be unique`);
        seen.add(p.name);
      });
    }),
  );

/** A config file holds either a bare list of probes or `probes:` under a mapping. */
export const probeFile = z.pipe(
  z.union([probeList, z.strictObject({ probes: probeList })]),
  z.transform((f) => (Array.isArray(f) ? f : f.probes)),
);

export interface ProbeDefaults {
  timeoutMs: number;
  samples: number;
  retries: number;
  retryDelayMs: number;
}

export interface BuiltProbes {
  probes: Probe[];
  /** Printable URL per probe: the template as written, credentials redacted. */
  displayUrls: string[];
  /** Every value that must be masked before anything is printed. */
  secrets: string[];
}

interface BuildContext {
  input: string;
  baseUrl: string;
  defaults: ProbeDefaults;
  env: Readonly<Record<string, string | undefined>>;
}

/** Fills one template, naming where a missing variable was used; `secret` values join the mask list. */
type Fill = (field: string, template: string, secret: boolean) => string;

/**
 * Fills placeholders, joins URLs onto the base and applies defaults. Throws a
 * ConfigurationError naming `input` when a probe cannot be sent as written.
 */
export function buildProbes(specs: readonly ProbeSpec[], context: BuildContext): BuiltProbes {
  const secrets = new Set<string>();
  const base = fillPlaceholders(context.baseUrl, context.env);
  if (base.missing.length > 0) throw missingVariable('base-url', 'base-url', base.missing[0] as string);
  base.used.forEach((v) => secrets.add(v));

  const built = specs.map((spec, index) => {
    const where = `${context.input}[${index}] (${spec.name})`;
    const fill: Fill = (field, template, secret) => {
      const filled = fillPlaceholders(template, context.env);
      if (filled.missing.length > 0)
        throw missingVariable(context.input, `${where} ${field}`, filled.missing[0] as string);
      if (secret) filled.used.forEach((v) => secrets.add(v));
      return filled.text;
    };
    return buildProbe(spec, where, { ...context, baseText: base.text }, fill, secrets);
  });
  return {
    probes: built.map((b) => b.probe),
    displayUrls: built.map((b) => b.displayUrl),
    secrets: [...secrets].filter((s) => s.length >= 3),
  };
}

function buildProbe(
  spec: ProbeSpec,
  where: string,
  context: BuildContext & { baseText: string },
  fill: Fill,
  secrets: Set<string>,
): { probe: Probe; displayUrl: string } {
  // Join on the filled value: `${SUPABASE_URL}/rest` is absolute once filled.
  const filledUrl = fill('url', spec.url, true);
  const absolute = hasScheme(filledUrl);
  const url = absolute ? filledUrl : joinUrl(context.baseText, filledUrl);
  const urlTemplate = absolute ? spec.url : joinUrl(context.baseUrl, spec.url);
  if (!isHttpUrl(url)) {
    throw new ConfigurationError(
      context.input,
      `has ${where} url ${JSON.stringify(redactUrl(urlTemplate))}, which is not an absolute http(s) URL${context.baseUrl || hasScheme(urlTemplate) ? '' : ' (set base-url to use paths)'}${/^[a-z][a-z0-9+.-]*:\/\/[^@\s]*:[^@\s]*\/[^@\s]*@/i.test(urlTemplate) ? " (a '/' in a password is written %2F)" : ''}`,
      `url: https://api.example.com/health`,
    );
  }
  urlSecrets(url).forEach((v) => secrets.add(v));
  const probe: Probe = {
    name: spec.name,
    url,
    method: spec.method,
    headers: headersOf(spec, fill, secrets),
    ...(spec.body !== undefined && { body: fill('body', spec.body, true) }),
    timeoutMs: spec.timeout ?? context.defaults.timeoutMs,
    samples: spec.samples ?? context.defaults.samples,
    retries: spec.retries ?? context.defaults.retries,
    retryDelayMs: spec['retry-delay'] ?? context.defaults.retryDelayMs,
    followRedirects: spec['follow-redirects'],
    expect: expectationsOf(spec.expect, fill),
  };
  return { probe, displayUrl: redactUrl(urlTemplate) };
}

/** Header names lower-cased; a credential header's value (and its token after the scheme) is a secret. */
function headersOf(spec: ProbeSpec, fill: Fill, secrets: Set<string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(spec.headers)) {
    const value = fill(`header '${name}'`, template, true);
    headers[name.toLowerCase()] = value;
    if (CREDENTIAL_HEADER.test(name)) {
      secrets.add(value);
      const scheme = /^\S+\s+(\S.*)$/.exec(value);
      if (scheme?.[1]) secrets.add(scheme[1]);
    }
  }
  return headers;
}

function expectationsOf(e: ProbeSpec['expect'], fill: Fill): Expectations {
  return {
    status: e.status ?? DEFAULT_STATUS,
    bodyContains: (e['body-contains'] ?? []).map((s) => fill('expect.body-contains', s, false)),
    bodyMatches: e['body-matches'] ?? [],
    json: Object.entries(e.json ?? {}).map(([path, equals]) => ({
      path: parseJsonPath(path) as (string | number)[],
      equals: typeof equals === 'string' ? fill(`expect.json '${path}'`, equals, false) : equals,
    })),
    headers: Object.entries(e.headers ?? {}).map(([name, equals]) => ({
      name: name.toLowerCase(),
      ...(typeof equals === 'string' && { equals: fill(`expect.headers '${name}'`, equals, false) }),
    })),
    ...(e['max-latency'] !== undefined && { maxLatencyMs: e['max-latency'] }),
    ...(e['p95-latency'] !== undefined && { p95BudgetMs: e['p95-latency'] }),
  };
}

function missingVariable(input: string, where: string, name: string): ConfigurationError {
  return new ConfigurationError(
    input,
    `uses \${${name}} in ${where}, but the environment variable ${name} is not set`,
    `env: { ${name}: \${{ secrets.${name} }} } on the step`,
  );
}
