/** dry-run: the plan from the split the router reports, and the gates it would check. */
import { gateLines, rolloutPreview } from '../../shared/core/traffic/dry-run.js';
import type { GatePolicy } from '../../shared/core/traffic/gates.js';
import type { Plan } from '../../shared/core/traffic/plan.js';
import type { rolloutGates } from './gates.js';
import type { ShiftTrafficSettings } from './settings.js';

export async function previewOf(
  settings: ShiftTrafficSettings,
  plan: Plan,
  names: { stable: string; canary: string },
  gates: Awaited<ReturnType<typeof rolloutGates>>,
  policy: GatePolicy,
): Promise<[string[], Record<string, string>]> {
  const current = await gates.provider.readSplit();
  const max = settings['prometheus-max'];
  const outline = gateLines({
    policy,
    probes: settings.probes?.map((p) => p.name) ?? [],
    ...(settings['prometheus-url'] &&
      max !== undefined && { prometheus: { query: settings['prometheus-query'], max } }),
    ...(gates.tripwire && { watch: { kind: 'tripwire', confirmPath: settings['confirm-path'] } }),
    ...(gates.probeWatch && { watch: { kind: 'probes' } }),
    ...(gates.latencyPairs && { latencyPairs: { path: settings['confirm-path'] } }),
  });
  const outputs = {
    outcome: 'dry-run',
    reason: '',
    'stable-revision': names.stable,
    split: JSON.stringify(current),
    report: '',
  };
  return [rolloutPreview(names, plan, current, outline), outputs];
}
