/**
 * The canary's GitHub deployment during a rollout: the lease on the environment,
 * each traffic step recorded in the background and in order, and the outcome.
 */
import { deploymentStatusOf } from '../../shared/core/traffic/shift-traffic-result.js';
import type { RolloutOutcome } from '../../shared/core/traffic/rollout-report.js';
import type { Split } from '../../shared/core/traffic/split.js';
import { takeEnvironment } from '../../shared/engine/rollout-lease.js';
import { deploymentRecord, deploymentRecorder } from '../../shared/runtime/deployments-from-env.js';
import { githubContext } from '../../shared/runtime/github-context.js';
import type { ShiftTrafficDeps } from './main.js';
import type { ShiftTrafficSettings } from './settings.js';

export function rolloutRecords(
  settings: ShiftTrafficSettings,
  names: { stable: string; canary: string },
  deps: ShiftTrafficDeps,
) {
  const { runtime } = deps;
  const recorder = deploymentRecorder(settings, deps.deploymentsFor, runtime)?.forRevision(names.canary);
  const record = deploymentRecord(settings, recorder, runtime);
  let recording = Promise.resolve();
  return {
    /** Undefined when this rollout may go ahead; otherwise who holds the environment, in a sentence. */
    claim: async (): Promise<string | undefined> =>
      recorder &&
      takeEnvironment(
        recorder,
        {
          environment: settings['github-environment'],
          github: githubContext(deps.env),
          clock: deps.clock,
          what: `${names.canary} over ${names.stable}`,
        },
        record,
        (m) => runtime.warning(m),
      ),
    // A slow or rate-limited GitHub never holds a traffic step back.
    onSplit: (split: Split): void => {
      recording = recording.then(() => record('in_progress', `canary ${split[names.canary] ?? 0}%`));
    },
    settle: async (outcome: RolloutOutcome): Promise<void> => {
      await recording;
      const status = deploymentStatusOf(outcome, names);
      await record(status.state, status.description);
    },
  };
}
