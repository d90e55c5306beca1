import { chatWebhooksOf, postToChats } from '../../shared/adapters/chat.js';
import type { DeploymentRecorder } from '../../shared/adapters/deployments.js';
import { rollbackChatMessage } from '../../shared/core/notify/chat-message.js';
import { lastCanaryWeight } from '../../shared/core/traffic/rollout-report.js';
import { describeSplit } from '../../shared/core/traffic/split.js';
import { githubContext } from '../../shared/runtime/github-context.js';
import { providerSecrets, withRevisionExamples } from '../../shared/core/traffic/provider-settings.js';
import {
  busyResult,
  gatePolicyOf,
  shiftTrafficResult,
} from '../../shared/core/traffic/shift-traffic-result.js';
import { runRollout } from '../../shared/engine/rollout.js';
import type { TrafficActionDeps } from '../../shared/runtime/action-deps.js';
import { runStep } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish, publishDryRun } from '../../shared/runtime/report.js';
import { rolloutGates } from './gates.js';
import { previewOf } from './preview.js';
import { rolloutRecords } from './records.js';
import { planOf, shiftTrafficExamples, shiftTrafficInputs, type ShiftTrafficSettings } from './settings.js';
import { markSettled, markShifting, putBack } from './state.js';

export interface ShiftTrafficDeps extends TrafficActionDeps<ShiftTrafficSettings> {
  deploymentsFor?: (settings: ShiftTrafficSettings) => DeploymentRecorder;
  signal?: AbortSignal;
}

export function run(deps: ShiftTrafficDeps): Promise<void> {
  const { runtime } = deps;
  return runStep('shift-traffic', runtime, async () => {
    const settings = await readSettings(
      runtime,
      shiftTrafficInputs,
      withRevisionExamples(shiftTrafficExamples, runtime.getInput('provider')),
    );
    // A router URL may carry credentials: masked before anything can print it.
    maskSecrets(runtime, providerSecrets(settings));
    const plan = await planOf(settings);
    const names = { stable: settings['stable-revision'], canary: settings['canary-revision'] };
    const gates = await rolloutGates(settings, plan, names, deps);
    const { provider, redactor } = gates;
    const counts = provider.counts ?? 'requests';
    const policy = gatePolicyOf(settings, Boolean(provider.metrics), counts);

    if (settings['dry-run'])
      return publishDryRun(
        runtime,
        'shift-traffic',
        ...(await previewOf(settings, plan, names, gates, policy)),
        redactor,
      );
    const records = rolloutRecords(settings, names, deps);
    const busy = await records.claim();
    if (busy) return publish(runtime, busyResult(busy, names), redactor);

    markShifting(runtime);
    const warn = (m: string) => runtime.warning(redactor.redact(m));
    let result: Awaited<ReturnType<typeof runRollout>>;
    try {
      result = await runRollout(
        { ...names, plan, policy },
        {
          provider,
          clock: deps.clock,
          log: (m) => runtime.info(redactor.redact(m)),
          warn,
          onSplit: records.onSplit,
          ...(deps.signal && { signal: deps.signal }),
          ...(gates.metricsDelayMs !== undefined && { metricsDelayMs: gates.metricsDelayMs }),
          ...(gates.check && { probe: gates.check }),
          ...(gates.tripwire && { tripwire: gates.tripwire }),
          ...(gates.probeWatch && { probeWatch: gates.probeWatch }),
          ...(gates.latencyPairs && { latencyPairs: gates.latencyPairs }),
        },
      );
      markSettled(runtime, result.outcome.kind);
    } finally {
      // Settled first: a kill while this runs must not send a promoted canary's traffic back.
      await putBack(provider, warn);
    }
    await records.settle(result.outcome);
    if (result.outcome.kind === 'rolled-back') {
      const news = rollbackChatMessage({
        action: `shift-traffic (${names.canary} over ${names.stable})`,
        environment: settings['github-environment'],
        from: `${names.canary} at ${lastCanaryWeight(result.timeline)}%`,
        to: describeSplit(result.split),
        reason: result.outcome.reason,
        runUrl: githubContext(deps.env).runUrl,
      });
      await postToChats(deps.http, chatWebhooksOf(settings), news, {
        info: (m) => runtime.info(m),
        warning: (m) => runtime.warning(redactor.redact(m)),
      });
    }
    await publish(runtime, shiftTrafficResult(result, names, gates.notes, counts), redactor);
  });
}
