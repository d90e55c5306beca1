import { providerSecrets } from '../../shared/core/traffic/provider-settings.js';
import type { DeploymentRecorder } from '../../shared/adapters/deployments.js';
import {
  deploymentRecord,
  deploymentRecorder,
  revisionHistory,
} from '../../shared/runtime/deployments-from-env.js';
import type { TrafficActionDeps } from '../../shared/runtime/action-deps.js';
import { planRollback, rollbackResult, rollbackTarget } from '../../shared/core/traffic/rollback-plan.js';
import { setAndConfirm } from '../../shared/engine/set-split.js';
import { commitOf, rolledBack } from '../../shared/core/traffic/revision-history.js';
import { describeSplit } from '../../shared/core/traffic/split.js';
import { checkRevisionProbes, probeOnce, revisionProbes } from '../../shared/engine/revision-probes.js';
import { runAction } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish } from '../../shared/runtime/report.js';
import { rollbackExamples, rollbackInputs, type RollbackSettings } from './settings.js';

export interface RollbackDeps extends TrafficActionDeps<RollbackSettings> {
  deploymentsFor?: (settings: RollbackSettings) => DeploymentRecorder;
}

/** Immediately, without gates: the point of a rollback is to stop the harm now. */
export function run(deps: RollbackDeps): Promise<void> {
  const { runtime } = deps;
  return runAction('rollback', runtime, async () => {
    const settings = readSettings(runtime, rollbackInputs, rollbackExamples);
    // A router URL may carry credentials: masked before anything can print it.
    maskSecrets(runtime, providerSecrets(settings));
    const hasProbes = checkRevisionProbes(settings.probes, deps.env, { TARGET_URL: 'target' });
    const provider = deps.providerFor(settings);

    const current = await provider.readSplit();
    const recorder = deploymentRecorder(settings, deps.deploymentsFor, runtime);
    let target = settings['to-revision'];
    // Named target: traffic moves first and the history is read after, for the record.
    let history = target ? undefined : await revisionHistory(recorder, runtime);
    if (!target) {
      // Only providers that list revisions in creation order get here (settings check).
      target = rollbackTarget(current, await provider.listRevisions(), rolledBack(history ?? []));
      runtime.info(`The previous revision is ${target}`);
    }
    const variables = { TARGET_URL: target };
    const plan = planRollback(current, target, settings.percent);
    if (plan.kind === 'move') await setAndConfirm(provider, plan.to);
    runtime.info(plan.kind === 'move' ? `Rolled back: ${plan.message}` : plan.message);
    if (plan.kind === 'move') {
      // The rollback is what now runs in this environment.
      // Recorded for the revision now serving, at the commit it was deployed from.
      history ??= await revisionHistory(recorder, runtime);
      const sha = commitOf(history, target);
      await deploymentRecord(
        settings,
        recorder?.forRevision(target, sha),
        runtime,
      )(
        'success',
        `rolled back to ${target}${sha ? '' : ' (its commit is not on record)'}: ${settings.reason || 'no reason given'}`,
      );
    }
    const split = plan.kind === 'move' ? plan.to : plan.split;

    let verified = 'skipped';
    let failure: string | undefined;
    const probes = hasProbes
      ? await revisionProbes(settings.probes ?? [], deps.env, provider, variables)
      : undefined;
    const redactor = maskSecrets(runtime, [...providerSecrets(settings), ...(probes?.secrets ?? [])]);
    if (probes) {
      const { healthy, down } = await probeOnce(probes, deps);
      verified = String(healthy);
      if (!healthy) {
        failure = `Traffic is on ${describeSplit(split)}, but ${target} fails its probes: ${down.join(', ')}`;
      }
    }

    const reason = settings.reason || 'not given';
    await publish(runtime, rollbackResult({ plan, target, current, reason, verified, failure }), redactor);
  });
}
