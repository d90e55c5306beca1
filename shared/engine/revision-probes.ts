/**
 * Probes aimed at a revision's own address, filled from what the router reports.
 * The pure part (filling, checking before anything moves) is core/traffic/revision-probes.
 */
import type { Clock } from '../adapters/clock.js';
import type { HttpClient } from '../adapters/http.js';
import type { Revision, TrafficProvider } from '../adapters/providers/provider.js';
import type { BuiltProbes, ProbeSpec } from '../core/probe-spec.js';
import { combineChecks, probeCheck, type CheckResult } from '../core/traffic/gates.js';
import { revisionProbesAt, type RevisionProbeVerdict } from '../core/traffic/revision-probes.js';
import type { PrometheusGate } from './prometheus-check.js';
import { runProbes } from './probe-runner.js';

/** healthcheck's defaults: up to 50 probes at once, at most 32 against one host. */
const REVISION_PROBE_BOUNDS = { concurrency: 50, perHost: 32 };

/** Which revision each variable points at: `{ CANARY_URL: 'app-00042' }`. */
export type RevisionVariables = Record<string, string>;

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
  const found = Object.entries(variables).map(
    ([v, name]) => [v, revisions.find((r) => r.name === name)] as const,
  );
  const addresses = Object.fromEntries(found.map(([v, r]) => [v, r?.url ?? '']));
  const headers = Object.fromEntries(found.flatMap(([v, r]) => (r?.headers ? [[v, r.headers]] : [])));
  return revisionProbesAt(specs, env, addresses, headers);
}

/** One pass of the probes, if there are any; `down` names each failed probe with its reason. */
export async function probeOnce(
  probes: BuiltProbes | undefined,
  deps: { http: HttpClient; clock: Clock },
): Promise<RevisionProbeVerdict> {
  if (!probes) return { kind: 'none' };
  const report = await runProbes(probes.probes, probes.displayUrls, REVISION_PROBE_BOUNDS, deps);
  if (report.healthy) return { kind: 'passed' };
  return {
    kind: 'failed',
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
      const report = await runProbes(probes.probes, probes.displayUrls, REVISION_PROBE_BOUNDS, deps);
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
