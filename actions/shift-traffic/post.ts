import type { TrafficProvider } from '../../shared/adapters/providers/provider.js';
import { allOn, describeSplit, sameSplit } from '../../shared/core/traffic/split.js';
import { runAction } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import type { Runtime } from '../../shared/runtime/runtime.js';
import { PHASE } from './main.js';
import { shiftTrafficExamples, shiftTrafficInputs, type ShiftTrafficSettings } from './settings.js';

/**
 * Runs after the job, also when it was cancelled or failed. If the main step
 * never settled the traffic (killed by a signal mid-shift, crashed), all traffic
 * goes back to stable here.
 */
export function post(
  runtime: Runtime,
  providerFor: (s: ShiftTrafficSettings) => TrafficProvider,
): Promise<void> {
  return runAction('shift-traffic (post)', runtime, async () => {
    if (runtime.getState(PHASE) !== 'shifting') return;
    const settings = readSettings(runtime, shiftTrafficInputs, shiftTrafficExamples);
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
