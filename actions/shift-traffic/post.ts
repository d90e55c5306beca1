import { providerFor as realProviderFor } from '../../shared/adapters/providers/index.js';
import type { TrafficProvider } from '../../shared/adapters/providers/provider.js';
import { routeThroughRunnerProxy } from '../../shared/adapters/proxy.js';
import { actionsRuntime } from '../../shared/runtime/actions-runtime.js';
import { allOn, describeSplit, sameSplit } from '../../shared/core/traffic/split.js';
import { runStep } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import type { Runtime } from '../../shared/runtime/runtime.js';
import { leftShifting } from './state.js';
import { z } from 'zod';
import {
  checkProviderInputs,
  providerExamples,
  providerInputs,
  revisionName,
  type ProviderSettings,
} from '../../shared/core/traffic/provider-settings.js';

/**
 * Only what putting traffic back needs: the main step already checked every input,
 * and the rest (probes, gates, plans) would bring the whole engine into this bundle.
 */
const postInputs = z
  .object({ ...providerInputs, 'stable-revision': revisionName, 'canary-revision': revisionName })
  .superRefine(checkProviderInputs);
const postExamples = {
  ...providerExamples,
  'stable-revision': 'stable-revision: blue',
  'canary-revision': 'canary-revision: green',
};
type PostSettings = ProviderSettings & { 'stable-revision': string; 'canary-revision': string };

/**
 * Runs after the job, also when it was cancelled or failed. If the main step
 * never settled the traffic (killed by a signal mid-shift, crashed), all traffic
 * goes back to stable here.
 */
export function post(runtime: Runtime, providerFor: (s: PostSettings) => TrafficProvider): Promise<void> {
  return runStep('shift-traffic (post)', runtime, async () => {
    if (!leftShifting(runtime)) return;
    const settings = readSettings(runtime, postInputs, postExamples);
    const stable = settings['stable-revision'];
    const provider = providerFor(settings);
    const before = await provider.readSplit();
    if (sameSplit(before, allOn(stable))) {
      runtime.info(`shift-traffic did not finish, and traffic is already all on ${stable}.`);
      return;
    }
    await provider.setSplit(allOn(stable));
    runtime.error(
      `shift-traffic did not finish (cancelled or crashed) with traffic at ${describeSplit(before)}; all traffic is back on ${stable}.`,
      {
        title: 'shift-traffic: rolled back after an unfinished run',
      },
    );
  });
}

/** The post step with the real runner and routers; post-index loads it only when needed. */
export function postWithRealDependencies(): Promise<void> {
  const runtime = actionsRuntime();
  routeThroughRunnerProxy(process.env, runtime);
  return post(runtime, realProviderFor);
}
