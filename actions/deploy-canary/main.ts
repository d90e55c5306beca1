import { ProviderError } from '../../shared/adapters/providers/provider.js';
import { providerSecrets, withRevisionExamples } from '../../shared/core/traffic/provider-settings.js';
import { canaryResult, splitAfterDeploy, stableFor } from '../../shared/core/traffic/canary-plan.js';
import { canaryPreview } from '../../shared/core/traffic/dry-run.js';
import { refuseUnsendableProbes } from '../../shared/core/traffic/revision-probes.js';
import { percentOf, sameSplit } from '../../shared/core/traffic/split.js';
import { probeOnce, revisionProbes } from '../../shared/engine/revision-probes.js';
import type { TrafficActionDeps } from '../../shared/runtime/action-deps.js';
import { runStep } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish, publishDryRun } from '../../shared/runtime/report.js';
import {
  deployCanaryExamples,
  deployCanaryInputs,
  deployRequestOf,
  type DeployCanarySettings,
} from './settings.js';

export type DeployCanaryDeps = TrafficActionDeps<DeployCanarySettings>;

export function run(deps: DeployCanaryDeps): Promise<void> {
  const { runtime } = deps;
  return runStep('deploy-canary', runtime, async () => {
    const settings = await readSettings(
      runtime,
      deployCanaryInputs,
      withRevisionExamples(deployCanaryExamples, runtime.getInput('provider')),
    );
    // A router URL may carry credentials: masked before anything can print it.
    const masked = maskSecrets(runtime, providerSecrets(settings));
    refuseUnsendableProbes(settings.probes, deps.env, ['CANARY_URL']);
    const provider = deps.providerFor(settings);
    if (!provider.deploy) throw new ProviderError(`provider ${provider.kind} cannot deploy revisions`);

    const before = await provider.readSplit();
    const stable = stableFor(before, {
      canary: settings['canary-revision'],
      stable: settings['stable-revision'],
    });
    if (settings['dry-run']) {
      const request = { ...deployRequestOf(settings), stable };
      const lines = canaryPreview(
        before,
        request,
        settings['initial-percent'],
        settings.probes?.map((p) => p.name) ?? [],
      );
      const outputs = {
        'canary-revision': request.revision,
        'stable-revision': stable,
        'canary-url': '',
        split: JSON.stringify(before),
      };
      return publishDryRun(runtime, 'deploy-canary', lines, outputs, masked);
    }
    const revision = await provider.deploy(deployRequestOf(settings));
    const canary = revision.name;
    runtime.info(
      `Deployed ${canary} at ${revision.url ?? 'its address'} with no traffic yet; ${stable} keeps ${percentOf(before, stable)}%.`,
    );

    const probes = settings.probes?.length
      ? await revisionProbes(settings.probes, deps.env, provider, { CANARY_URL: canary }, revision)
      : undefined;
    const redactor = maskSecrets(runtime, [...providerSecrets(settings), ...(probes?.secrets ?? [])]);
    const verdict = await probeOnce(probes, deps);
    const split = splitAfterDeploy(before, { stable, canary }, settings['initial-percent'], verdict);
    if (!sameSplit(split, before)) await provider.setSplit(split);
    await publish(
      runtime,
      canaryResult({ name: canary, stable, url: revision.url, split, probes: verdict }),
      redactor,
    );
  });
}
