import { chatWebhooksOf, postToChats } from '../../shared/adapters/chat.js';
import type { DeploymentRecorder } from '../../shared/adapters/deployments.js';
import { rollbackChatMessage } from '../../shared/core/notify/chat-message.js';
import { githubContext } from '../../shared/runtime/github-context.js';
import { providerSecrets, withRevisionExamples } from '../../shared/core/traffic/provider-settings.js';
import { refuseUnsendableProbes } from '../../shared/core/traffic/revision-probes.js';
import { rollbackPreview } from '../../shared/core/traffic/dry-run.js';
import { planRollback, rollbackResult } from '../../shared/core/traffic/rollback-plan.js';
import { describeSplit } from '../../shared/core/traffic/split.js';
import { probeOnce, revisionProbes } from '../../shared/engine/revision-probes.js';
import { setAndConfirm } from '../../shared/engine/set-split.js';
import type { TrafficActionDeps } from '../../shared/runtime/action-deps.js';
import { deploymentRecorder } from '../../shared/runtime/deployments-from-env.js';
import { runStep } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish, publishDryRun } from '../../shared/runtime/report.js';
import { rollbackExamples, rollbackInputs, type RollbackSettings } from './settings.js';
import { recordRollback, targetOf } from './target.js';

export interface RollbackDeps extends TrafficActionDeps<RollbackSettings> {
  deploymentsFor?: (settings: RollbackSettings) => DeploymentRecorder;
}

/** Immediately, without gates: the point of a rollback is to stop the harm now. */
export function run(deps: RollbackDeps): Promise<void> {
  const { runtime } = deps;
  return runStep('rollback', runtime, async () => {
    const settings = await readSettings(
      runtime,
      rollbackInputs,
      withRevisionExamples(rollbackExamples, runtime.getInput('provider')),
    );
    // A router URL may carry credentials: masked before anything can print it.
    const masked = maskSecrets(runtime, providerSecrets(settings));
    refuseUnsendableProbes(settings.probes, deps.env, ['TARGET_URL']);
    const provider = deps.providerFor(settings);

    const current = await provider.readSplit();
    const recorder = deploymentRecorder(settings, deps.deploymentsFor, runtime);
    const { target, history } = await targetOf(settings, current, provider, recorder, runtime);
    const plan = planRollback(current, target, settings.percent);
    if (settings['dry-run']) {
      const probeNames = settings.probes?.map((p) => p.name) ?? [];
      const split = JSON.stringify(current);
      const outputs = {
        outcome: 'dry-run',
        split,
        'split-text': describeSplit(current),
        'previous-split': split,
        verified: 'skipped',
      };
      return publishDryRun(runtime, 'rollback', rollbackPreview(current, plan, probeNames), outputs, masked);
    }
    if (plan.kind === 'move') {
      await setAndConfirm(provider, plan.to);
      runtime.info(`Rolled back: ${plan.message}`);
      await recordRollback(settings, recorder, runtime, target, history);
      const news = rollbackChatMessage({
        action: 'rollback',
        environment: settings['github-environment'],
        from: describeSplit(current),
        to: describeSplit(plan.to),
        reason: settings.reason || 'rolled back by hand',
        runUrl: githubContext(deps.env).runUrl,
      });
      await postToChats(deps.http, chatWebhooksOf(settings), news, {
        info: (m) => runtime.info(m),
        warning: (m) => runtime.warning(masked.redact(m)),
      });
    } else {
      runtime.info(plan.message);
    }

    const probes = settings.probes?.length
      ? await revisionProbes(settings.probes, deps.env, provider, { TARGET_URL: target })
      : undefined;
    const redactor = maskSecrets(runtime, [...providerSecrets(settings), ...(probes?.secrets ?? [])]);
    const verdict = await probeOnce(probes, deps);
    await publish(
      runtime,
      rollbackResult({ plan, target, current, reason: settings.reason, probes: verdict }),
      redactor,
    );
  });
}
