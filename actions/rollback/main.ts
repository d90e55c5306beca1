import { providerSecrets } from '../../shared/core/traffic/provider-settings.js';
import type { DeploymentRecorder } from '../../shared/adapters/deployments.js';
import { deploymentRecord, deploymentRecorder } from '../../shared/runtime/deployments-from-env.js';
import type { TrafficActionDeps } from '../../shared/runtime/action-deps.js';
import type { Runtime } from '../../shared/runtime/runtime.js';
import { escapeCell } from '../../shared/core/markdown.js';
import { OperationalError } from '../../shared/core/errors.js';
import { planRollback, previousRevision } from '../../shared/core/traffic/rollback-plan.js';
import { commitOf, rolledBack, type RevisionRecord } from '../../shared/core/traffic/revision-history.js';
import { describeSplit, sameSplit } from '../../shared/core/traffic/split.js';
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
      const listed = await provider.listRevisions();
      const unfit = new Set([
        ...listed.filter((r) => r.ready === false).map((r) => r.name),
        ...rolledBack(history ?? []),
      ]);
      target = previousRevision(
        current,
        listed.map((r) => r.name),
        unfit,
      );
      if (!target) {
        throw new OperationalError(
          `cannot tell the previous revision: ${describeSplit(current)} serves now, and no older revision is listed. Name one in to-revision.`,
        );
      }
      runtime.info(`The previous revision is ${target}`);
    }
    const variables = { TARGET_URL: target };
    const plan = planRollback(current, target, settings.percent);
    if (plan.kind === 'move') {
      await provider.setSplit(plan.to);
      const after = await provider.readSplit();
      if (!sameSplit(after, plan.to))
        throw new OperationalError(
          `the router still reports ${describeSplit(after)} after it was told ${describeSplit(plan.to)}: the split did not take. Check the router (or the set-split command) and roll back by hand if needed.`,
        );
    }
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
    await publish(
      runtime,
      {
        outputs: {
          outcome: plan.kind === 'move' ? 'rolled-back' : 'nothing-to-do',
          split: JSON.stringify(split),
          'split-text': describeSplit(split),
          'previous-split': JSON.stringify(current),
          verified,
        },
        annotations:
          plan.kind === 'move'
            ? [
                {
                  level: 'warning',
                  message: `${plan.message}. Reason: ${reason}`,
                  properties: { title: `Rolled back to ${target}` },
                },
              ]
            : [],
        summary: [
          `## ⏪ Rollback to ${escapeCell(target)}: ${plan.kind === 'move' ? 'done' : 'nothing to do'}`,
          '',
          `- Before: ${escapeCell(describeSplit(current))}`,
          `- After: **${escapeCell(describeSplit(split))}**`,
          `- Reason: ${escapeCell(reason)}`,
          `- Verified by probes: ${verified}`,
          '',
        ].join('\n'),
        ...(failure && { failure }),
      },
      redactor,
    );
  });
}

/** How long a rollback waits for GitHub's deployment history before going on without it. */
const HISTORY_WAIT_MS = 10_000;

/** The environment's deployment history; without it (no record, no access, slow) the rollback still runs. */
async function revisionHistory(
  recorder: DeploymentRecorder | undefined,
  runtime: Pick<Runtime, 'warning'>,
): Promise<RevisionRecord[]> {
  if (!recorder) return [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), HISTORY_WAIT_MS)),
  );
  try {
    const history = await Promise.race([recorder.revisions(), late]);
    if (history) return history;
    runtime.warning(`GitHub's deployment history took over ${HISTORY_WAIT_MS / 1000}s; going on without it`);
  } catch (error) {
    runtime.warning(
      `Deployment history not read, so rolled-back revisions are not known: ${(error as Error).message}`,
    );
  } finally {
    clearTimeout(timer);
  }
  return [];
}
