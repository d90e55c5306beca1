import { providerSecrets } from '../../shared/core/traffic/provider-settings.js';
import type { DeploymentRecorder } from '../../shared/adapters/deployments.js';
import { deploymentRecord, deploymentRecorder } from '../../shared/runtime/deployments-from-env.js';
import { githubContext } from '../../shared/runtime/github-context.js';
import { takeEnvironment } from '../../shared/runtime/rollout-lease.js';
import type { TrafficActionDeps } from '../../shared/runtime/action-deps.js';
import {
  busyResult,
  deploymentStatusOf,
  gatePolicyOf,
  shiftTrafficResult,
} from '../../shared/core/traffic/shift-traffic-result.js';
import { runRollout } from '../../shared/engine/rollout.js';
import { runAction } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish } from '../../shared/runtime/report.js';
import { rolloutGates } from './gates.js';
import { markSettled, markShifting } from './state.js';
import { planOf, shiftTrafficExamples, shiftTrafficInputs, type ShiftTrafficSettings } from './settings.js';

export interface ShiftTrafficDeps extends TrafficActionDeps<ShiftTrafficSettings> {
  deploymentsFor?: (settings: ShiftTrafficSettings) => DeploymentRecorder;
  signal?: AbortSignal;
}

export function run(deps: ShiftTrafficDeps): Promise<void> {
  const { runtime } = deps;
  return runAction('shift-traffic', runtime, async () => {
    const settings = readSettings(runtime, shiftTrafficInputs, shiftTrafficExamples);
    // A router URL may carry credentials: masked before anything can print it.
    maskSecrets(runtime, providerSecrets(settings));
    const plan = planOf(settings);
    const names = { stable: settings['stable-revision'], canary: settings['canary-revision'] };
    const gates = await rolloutGates(settings, plan, names, deps);
    const { provider, redactor } = gates;
    const say = (m: string) => runtime.info(redactor.redact(m));
    const policy = gatePolicyOf(settings, Boolean(provider.metrics));

    const recorder = deploymentRecorder(settings, deps.deploymentsFor, runtime)?.forRevision(names.canary);
    const record = deploymentRecord(settings, recorder, runtime);
    const busy =
      recorder &&
      (await takeEnvironment(
        recorder,
        {
          environment: settings['github-environment'],
          github: githubContext(deps.env),
          clock: deps.clock,
          what: `${names.canary} over ${names.stable}`,
        },
        record,
        (m) => runtime.warning(m),
      ));
    if (busy) return publish(runtime, busyResult(busy, names), redactor);

    let recording = Promise.resolve();
    markShifting(runtime);
    const result = await runRollout(
      { ...names, plan, policy },
      {
        provider,
        clock: deps.clock,
        log: say,
        warn: (m) => runtime.warning(redactor.redact(m)),
        // Recorded in the background, in order: a slow or rate-limited GitHub never
        // holds a traffic step back.
        onSplit: (split) => {
          recording = recording.then(() => record('in_progress', `canary ${split[names.canary] ?? 0}%`));
        },
        ...(deps.signal && { signal: deps.signal }),
        ...(gates.metricsDelayMs !== undefined && { metricsDelayMs: gates.metricsDelayMs }),
        ...(gates.check && { probe: gates.check }),
      },
    );
    markSettled(runtime, result.outcome.kind);
    await recording;
    const status = deploymentStatusOf(result.outcome, names);
    await record(status.state, status.description);
    await publish(runtime, shiftTrafficResult(result, names, gates.notes), redactor);
  });
}
