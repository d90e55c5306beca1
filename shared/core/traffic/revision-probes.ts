/**
 * Probes aimed at a revision's own address (${CANARY_URL}, ${TARGET_URL} …), as the
 * traffic actions use them. Checked against stand-in addresses before the router
 * is asked anything, so a mistake changes nothing.
 */
import type { Probe } from '../probe.js';
import { buildProbes, type BuiltProbes, type ProbeSpec } from '../probe-spec.js';

const DEFAULTS = { timeoutMs: 5000, samples: 1, retries: 0, retryDelayMs: 500 };

/** What one pass of a revision's probes said; `none` when no probes were given. */
export type RevisionProbeVerdict =
  { kind: 'none' } | { kind: 'passed' } | { kind: 'failed'; down: readonly string[] };

type Env = Readonly<Record<string, string | undefined>>;

type Headers = Readonly<Record<string, string>>;

/**
 * The probes with each variable set to its revision's address; a probe sent to that
 * address (same origin) also carries the headers the router says it needs there
 * (`headers`, by variable), under any of its own.
 */
export function revisionProbesAt(
  specs: readonly ProbeSpec[],
  env: Env,
  addresses: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, Headers>> = {},
): BuiltProbes {
  const built = buildProbes(specs, {
    input: 'probes',
    baseUrl: '',
    defaults: DEFAULTS,
    env: { ...env, ...addresses },
  });
  // A revision's address comes from the router, not from a secret: it stays readable.
  const readable = new Set(Object.values(addresses));
  const byOrigin = new Map<string, Headers>();
  for (const [variable, address] of Object.entries(addresses)) {
    const origin = originOf(address);
    if (origin && headers[variable]) byOrigin.set(origin, headers[variable]);
  }
  const withHeaders = (probe: Probe): Probe => {
    const extra = byOrigin.get(originOf(probe.url) ?? '');
    if (!extra) return probe;
    const lower = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k.toLowerCase(), v]));
    return { ...probe, headers: { ...lower, ...probe.headers } };
  };
  return {
    ...built,
    probes: built.probes.map(withHeaders),
    secrets: built.secrets.filter((s) => !readable.has(s)),
  };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Throws the ConfigurationError a user would see, with `.invalid` stand-ins for the addresses. */
export function refuseUnsendableProbes(
  specs: readonly ProbeSpec[] | undefined,
  env: Env,
  variables: readonly string[],
): void {
  if (!specs?.length) return;
  revisionProbesAt(
    specs,
    env,
    Object.fromEntries(variables.map((v) => [v, `http://${v.toLowerCase().replace(/_/g, '-')}.invalid`])),
  );
}
