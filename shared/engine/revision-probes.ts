/**
 * Probes aimed at a revision's own address (${CANARY_URL}, ${TARGET_URL} …), as the
 * traffic actions use them. Validated against placeholder addresses before the
 * router is asked anything, so a mistake changes nothing.
 */
import type { Clock } from '../adapters/clock.js';
import type { HttpClient } from '../adapters/http.js';
import type { Revision, TrafficProvider } from '../adapters/providers/provider.js';
import { buildProbes, type BuiltProbes, type ProbeSpec } from '../core/probe-spec.js';
import { combineChecks, probeCheck, type CheckResult } from '../core/traffic/gates.js';
import type { PrometheusGate } from './prometheus-check.js';
import { runProbes } from './probe-runner.js';

const DEFAULTS = { timeoutMs: 5000, samples: 1, retries: 0, retryDelayMs: 500 };

export type RevisionVariables = Record<string, string>;

function build(
  specs: readonly ProbeSpec[],
  env: Readonly<Record<string, string | undefined>>,
  urls: Record<string, string>,
): BuiltProbes {
  return buildProbes(specs, { input: 'probes', baseUrl: '', defaults: DEFAULTS, env: { ...env, ...urls } });
}

/** Throws the ConfigurationError a user would see, using stand-in addresses. */
export function checkRevisionProbes(
  specs: readonly ProbeSpec[] | undefined,
  env: Readonly<Record<string, string | undefined>>,
  variables: RevisionVariables,
): boolean {
  if (!specs?.length) return false;
  build(
    specs,
    env,
    Object.fromEntries(
      Object.keys(variables).map((v) => [v, `http://${v.toLowerCase().replace(/_/g, '-')}.invalid`]),
    ),
  );
  return true;
}

/** The probes with each variable set to its revision's address, as the router reports it. */
export async function revisionProbes(
  specs: readonly ProbeSpec[],
  env: Readonly<Record<string, string | undefined>>,
  provider: TrafficProvider,
  variables: RevisionVariables,
  justDeployed?: Revision,
): Promise<BuiltProbes> {
  // The platform may not list a revision it has only just created; deploy's own answer wins.
  const listed = await provider.listRevisions();
  const revisions = justDeployed?.url ? [justDeployed, ...listed] : listed;
  const urls = Object.fromEntries(
    Object.entries(variables).map(([v, name]) => [v, revisions.find((r) => r.name === name)?.url ?? '']),
  );
  const built = build(specs, env, urls);
  // A revision's address comes from the router, not from a secret: it stays readable.
  const addresses = new Set(Object.values(urls));
  return { ...built, secrets: built.secrets.filter((s) => !addresses.has(s)) };
}

/** Runs the probes once; `down` names each failed probe with its reason. */
export async function probeOnce(
  probes: BuiltProbes,
  deps: { http: HttpClient; clock: Clock },
): Promise<{ healthy: boolean; down: string[] }> {
  const report = await runProbes(probes.probes, probes.displayUrls, 8, deps);
  return {
    healthy: report.healthy,
    down: report.probes.filter((p) => !p.healthy).map((p) => `${p.name} (${p.reason})`),
  };
}

/**
 * One gate check during a rollout: the probes (one pass) and Prometheus, combined.
 * Undefined when there is neither, and the router's own metrics are the gate.
 */
export function rolloutCheck(
  probes: BuiltProbes | undefined,
  prometheus: PrometheusGate | undefined,
  deps: { http: HttpClient; clock: Clock },
): (() => Promise<CheckResult>) | undefined {
  if (!probes && !prometheus) return undefined;
  return async () => {
    const checks: CheckResult[] = [];
    if (probes) {
      const report = await runProbes(probes.probes, probes.displayUrls, 8, deps);
      checks.push(
        probeCheck(
          report.probes.filter((p) => !p.healthy),
          report.probes.length,
        ),
      );
    }
    if (prometheus) checks.push(await prometheus.check());
    return combineChecks(checks);
  };
}
