/**
 * Probes aimed at a revision's own address (${CANARY_URL}, ${TARGET_URL} …), as the
 * traffic actions use them. Checked against stand-in addresses before the router
 * is asked anything, so a mistake changes nothing.
 */
import { buildProbes, type BuiltProbes, type ProbeSpec } from '../probe-spec.js';

const DEFAULTS = { timeoutMs: 5000, samples: 1, retries: 0, retryDelayMs: 500 };

/** What one pass of a revision's probes said; `none` when no probes were given. */
export type RevisionProbeVerdict =
  { kind: 'none' } | { kind: 'passed' } | { kind: 'failed'; down: readonly string[] };

type Env = Readonly<Record<string, string | undefined>>;

/** The probes with each variable set to its revision's address. */
export function revisionProbesAt(
  specs: readonly ProbeSpec[],
  env: Env,
  addresses: Readonly<Record<string, string>>,
): BuiltProbes {
  const built = buildProbes(specs, {
    input: 'probes',
    baseUrl: '',
    defaults: DEFAULTS,
    env: { ...env, ...addresses },
  });
  // A revision's address comes from the router, not from a secret: it stays readable.
  const readable = new Set(Object.values(addresses));
  return { ...built, secrets: built.secrets.filter((s) => !readable.has(s)) };
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
