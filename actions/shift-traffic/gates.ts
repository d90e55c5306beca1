/**
 * Everything that can stop a bad canary, set up before traffic moves: the router's
 * own metrics (Cloud Monitoring's for Cloud Run), the probes at each revision's
 * address, and Prometheus, whose query runs once now so a bad one stops the start.
 */
import { providerSecrets } from '../../shared/core/traffic/provider-settings.js';
import { refuseUnsendableProbes } from '../../shared/core/traffic/revision-probes.js';
import type { Plan } from '../../shared/core/traffic/plan.js';
import { prometheusGateFor, prometheusSecrets } from '../../shared/engine/prometheus-check.js';
import type { BuiltProbes } from '../../shared/core/probe-spec.js';
import type { ProbeWatchOptions } from '../../shared/engine/probe-watch.js';
import { probeOnce, revisionProbes, rolloutCheck } from '../../shared/engine/revision-probes.js';
import { askAtRouterAddresses, type TripwireOptions } from '../../shared/engine/tripwire.js';
import { PAIR_EVERY_MS, pairAtRouterAddresses } from '../../shared/engine/latency-pairs.js';
import type { TrafficProvider } from '../../shared/adapters/providers/provider.js';
import { withCloudRunMetrics } from '../../shared/runtime/cloud-run-metrics.js';
import { maskSecrets } from '../../shared/runtime/report.js';
import type { ShiftTrafficDeps } from './main.js';
import {
  refuseShortLaunchSteps,
  requireAGate,
  shiftTrafficExamples,
  type ShiftTrafficSettings,
} from './settings.js';
import { formatDuration } from '../../shared/core/duration.js';
import { stepState } from './state.js';

/** The plan's weights in order: a Vercel release is started with them as its stages. */
const plannedWeights = (plan: Plan) => plan.flatMap((step) => (step.kind === 'weight' ? [step.percent] : []));

export async function rolloutGates(
  settings: ShiftTrafficSettings,
  plan: Plan,
  names: { stable: string; canary: string },
  deps: ShiftTrafficDeps,
) {
  const { runtime } = deps;
  const variables = { CANARY_URL: names.canary, STABLE_URL: names.stable };
  refuseUnsendableProbes(settings.probes, deps.env, Object.keys(variables));
  const hasProbes = Boolean(settings.probes?.length);
  // Metrics matter only where a step is analysed; a plain move (staging's 100 %) needs none.
  const analysed = plan.some((step) => step.kind === 'analysis');
  const gated = await withCloudRunMetrics(
    deps.providerFor({
      ...settings,
      'planned-weights': plannedWeights(plan),
      'provider-state': stepState(runtime),
    }),
    analysed ? settings : { ...settings, 'cloud-run-metrics': false },
    { http: deps.http, clock: deps.clock, env: deps.env, mask: (secret) => runtime.setSecret(secret) },
  );
  requireAGate(gated.provider, hasProbes, settings['prometheus-url']);
  const launches = gated.provider.counts === 'launches';
  if (launches && analysed) refuseShortLaunchSteps(plan, settings['launch-report-lag']);
  const probes = settings.probes?.length
    ? await revisionProbes(settings.probes, deps.env, gated.provider, variables)
    : undefined;
  const redactor = maskSecrets(runtime, [
    ...providerSecrets(settings),
    ...(probes?.secrets ?? []),
    ...prometheusSecrets(settings),
  ]);
  const prometheus = prometheusGateFor(
    settings,
    deps.http,
    names,
    (m) => runtime.warning(redactor.redact(m)),
    {
      query: shiftTrafficExamples['prometheus-query'],
      samplesQuery: shiftTrafficExamples['prometheus-samples-query'],
    },
  );
  await prometheus?.preflight();
  return {
    ...gated,
    ...(launches && {
      // A step without a verdict waits one more lag for late reports before holding.
      metricsDelayMs: settings['launch-report-lag'],
      notes: [
        ...gated.notes,
        `Failed launches: update:insights counts launches that failed before their first render, reported on the device's next update check; a crash after first render is not counted. Each check weighs the failures reported so far against the launches counted at least ${formatDuration(settings['launch-report-lag'])} (launch-report-lag) earlier.`,
      ],
    }),
    redactor,
    check: rolloutCheck(probes, prometheus, deps),
    ...watchOf(settings, gated.provider, probes, deps),
    // Never where the router's counts would take the pairs for users' answers.
    ...(analysed &&
      !gated.provider.countsDirectRequests &&
      settings['max-latency-increase'] !== undefined && {
        latencyPairs: {
          pair: pairAtRouterAddresses(gated.provider, deps.http, settings['confirm-path'], names),
          pairEveryMs: PAIR_EVERY_MS,
        },
      }),
  };
}

/**
 * Between checks: the live tripwire on routers that count requests as they happen,
 * else the revision probes every quarter second; never in advisory mode.
 */
function watchOf(
  settings: ShiftTrafficSettings,
  provider: TrafficProvider,
  probes: BuiltProbes | undefined,
  deps: ShiftTrafficDeps,
): { tripwire?: TripwireOptions; probeWatch?: ProbeWatchOptions } {
  if (!settings.tripwire || settings.advisory) return {};
  if (provider.liveCounts) return { tripwire: tripwireOf(settings, provider, deps) };
  if (!probes) return {};
  return { probeWatch: { probe: () => probeOnce(probes, deps), pollMs: 250, passes: 3 } };
}

function tripwireOf(
  settings: ShiftTrafficSettings,
  provider: TrafficProvider,
  deps: ShiftTrafficDeps,
): TripwireOptions {
  const path = settings['confirm-path'];
  return {
    read: () => provider.liveCounts!(),
    ask: askAtRouterAddresses(provider, deps.http, path),
    path,
    pollMs: 10,
    hangAfterMs: settings['hang-after'],
    restMs: settings['check-interval'],
  };
}
