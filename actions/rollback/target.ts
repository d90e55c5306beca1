/**
 * The rollback's dealings with GitHub's deployment history: finding "the previous
 * revision" when none is named, and recording the revision put back.
 */
import type { DeploymentRecorder } from '../../shared/adapters/deployments.js';
import type { TrafficProvider } from '../../shared/adapters/providers/provider.js';
import { commitOf, rolledBack, type RevisionRecord } from '../../shared/core/traffic/revision-history.js';
import { rollbackRecordText, rollbackTarget } from '../../shared/core/traffic/rollback-plan.js';
import type { Split } from '../../shared/core/traffic/split.js';
import { deploymentRecord, revisionHistory } from '../../shared/runtime/deployments-from-env.js';
import type { Runtime } from '../../shared/runtime/runtime.js';
import type { RollbackSettings } from './settings.js';

type History = RevisionRecord[] | undefined;

/**
 * The named revision, or the previous one. A named target moves first and reads the
 * history after, for the record; an unnamed one needs the history to pass over
 * revisions rolled back before.
 */
export async function targetOf(
  settings: RollbackSettings,
  current: Split,
  provider: TrafficProvider,
  recorder: DeploymentRecorder | undefined,
  runtime: Runtime,
): Promise<{ target: string; history: History }> {
  const named = settings['to-revision'];
  if (named) return { target: named, history: undefined };
  const history = await revisionHistory(recorder, runtime);
  // Only providers that list revisions in creation order get here (settings check).
  const target = rollbackTarget(current, await provider.listRevisions(), rolledBack(history));
  runtime.info(`The previous revision is ${target}`);
  return { target, history };
}

/** The rollback is what now runs in the environment: recorded at the commit the target was deployed from. */
export async function recordRollback(
  settings: RollbackSettings,
  recorder: DeploymentRecorder | undefined,
  runtime: Runtime,
  target: string,
  history: History,
): Promise<void> {
  const sha = commitOf(history ?? (await revisionHistory(recorder, runtime)), target);
  const record = deploymentRecord(settings, recorder?.forRevision(target, sha), runtime);
  await record('success', rollbackRecordText(target, sha, settings.reason));
}
