import { providerSecrets } from '../../shared/core/traffic/provider-settings.js';
import type { TrafficActionDeps } from '../../shared/runtime/action-deps.js';
import { ProviderError } from '../../shared/adapters/providers/provider.js';
import { escapeCell } from '../../shared/core/markdown.js';
import { canarySplit, describeSplit, normalizeSplit, percentOf } from '../../shared/core/traffic/split.js';
import { checkRevisionProbes, probeOnce, revisionProbes } from '../../shared/engine/revision-probes.js';
import { runAction } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish } from '../../shared/runtime/report.js';
import { deployCanaryExamples, deployCanaryInputs, type DeployCanarySettings } from './settings.js';

export type DeployCanaryDeps = TrafficActionDeps<DeployCanarySettings>;

export function run(deps: DeployCanaryDeps): Promise<void> {
  const { runtime } = deps;
  return runAction('deploy-canary', runtime, async () => {
    const settings = readSettings(runtime, deployCanaryInputs, deployCanaryExamples);
    // A router URL may carry credentials: masked before anything can print it.
    maskSecrets(runtime, providerSecrets(settings));
    const hasProbes = checkRevisionProbes(settings.probes, deps.env, { CANARY_URL: 'canary' });
    const provider = deps.providerFor(settings);
    if (!provider.deploy) throw new ProviderError(`provider ${provider.kind} cannot deploy revisions`);

    const before = await provider.readSplit();
    const named = settings['canary-revision'];
    if (named && percentOf(before, named) > 0) {
      throw new ProviderError(
        `${named} serves ${percentOf(before, named)}% of traffic (${describeSplit(before)}); deploying over it would change what users get. Roll back or finish that rollout first.`,
      );
    }
    const serving = Object.entries(normalizeSplit(before)).filter(([, w]) => w > 0);
    if (serving.length > 1) {
      throw new ProviderError(
        `traffic is split ${describeSplit(before)}: a rollout is in progress. Let it finish or roll it back before deploying another canary.`,
      );
    }
    const stable =
      settings['stable-revision'] ??
      Object.entries(normalizeSplit(before)).sort(([, a], [, b]) => b - a)[0]?.[0];
    if (!stable)
      throw new ProviderError(
        `no revision serves traffic now (${describeSplit(before)}); there is no stable revision to put a canary next to`,
      );

    const revision = await provider.deploy({
      revision: named ?? '',
      ...(settings['canary-address'] && { address: settings['canary-address'] }),
      ...(settings.image && { image: settings.image }),
    });
    const canary = revision.name;
    runtime.info(
      `Deployed ${canary} at ${revision.url ?? 'its address'} with no traffic; ${stable} keeps ${describeSplit(before)}`,
    );

    const probes = hasProbes
      ? await revisionProbes(settings.probes ?? [], deps.env, provider, { CANARY_URL: canary }, revision)
      : undefined;
    const redactor = maskSecrets(runtime, [...providerSecrets(settings), ...(probes?.secrets ?? [])]);
    let failure: string | undefined;
    if (probes) {
      const { healthy, down } = await probeOnce(probes, deps);
      if (!healthy) {
        failure = `${canary} failed its probes before any traffic reached it: ${down.join(', ')}; it still has no traffic`;
      }
    }
    const percent = settings['initial-percent'];
    let split = before;
    if (!failure && percent > 0) {
      split = canarySplit(stable, canary, percent);
      await provider.setSplit(split);
    }
    await publish(
      runtime,
      {
        outputs: {
          'canary-revision': canary,
          'stable-revision': stable,
          'canary-url': revision.url ?? '',
          split: JSON.stringify(split),
        },
        annotations: [],
        summary: [
          `## ${failure ? '❌' : '🐤'} Canary ${escapeCell(canary)} next to ${escapeCell(stable)}`,
          '',
          `- Canary address: ${escapeCell(revision.url ?? '–')}`,
          `- Probes before traffic: ${probes ? (failure ? 'failed' : 'passed') : 'none given'}`,
          `- Traffic: **${escapeCell(describeSplit(split))}**`,
          '',
        ].join('\n'),
        ...(failure && { failure }),
      },
      redactor,
    );
  });
}
