import type { Clock } from '../../shared/adapters/clock.js';
import type { SoakRecords } from '../../shared/adapters/soak-evidence.js';
import { judgeSoak } from '../../shared/core/soak.js';
import { soakLine, soakResult } from '../../shared/core/soak-result.js';
import { gatherSoakEvidence } from '../../shared/engine/soak-evidence.js';
import { runStep } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish } from '../../shared/runtime/report.js';
import type { Runtime } from '../../shared/runtime/runtime.js';
import { soakContextOf, soakExamples, soakInputs, soakPolicyOf, type SoakSettings } from './settings.js';

export interface SoakDeps {
  runtime: Runtime;
  clock: Clock;
  recordsFor: (settings: SoakSettings, log: (m: string) => void) => SoakRecords;
}

export function run(deps: SoakDeps): Promise<void> {
  const { runtime } = deps;
  return runStep('soak-gate', runtime, async () => {
    const settings = await readSettings(runtime, soakInputs, soakExamples);
    const redactor = maskSecrets(runtime, [settings['github-token']]);
    const records = deps.recordsFor(settings, (m) => runtime.info(redactor.redact(m)));
    const evidence = await gatherSoakEvidence(
      records,
      settings.environment,
      settings.sha,
      settings['checks-workflow'],
    );
    const verdict = judgeSoak(evidence, soakPolicyOf(settings), deps.clock.date());
    const result = soakResult(soakContextOf(settings), evidence, verdict);
    if (!result.failure) runtime.info(`Soak ${verdict.status}: ${soakLine(verdict)}`);
    await publish(runtime, result, redactor);
  });
}
