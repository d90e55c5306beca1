import type { WorkflowRuns } from '../../shared/adapters/workflow-runs.js';
import { OperationalError } from '../../shared/core/errors.js';
import { failuresInARow, workflowFileOf } from '../../shared/core/incident/incident.js';

/**
 * How many checks in a row have failed, this run included, from the workflow's
 * earlier runs. Asked only when open-after is above 1 and no incident is open.
 */
export async function failureStreak(
  runs: WorkflowRuns,
  env: Readonly<Record<string, string | undefined>>,
  openAfter: number,
): Promise<number> {
  const workflow = workflowFileOf(env['GITHUB_WORKFLOW_REF']);
  if (!workflow)
    throw new OperationalError(
      'open-after needs GITHUB_WORKFLOW_REF, which the runner sets for every workflow run',
    );
  const completed = await runs.completed(workflow, { limit: openAfter });
  const previous = completed.filter((r) => String(r.id) !== env['GITHUB_RUN_ID']).slice(0, openAfter - 1);
  return failuresInARow(previous.map((r) => r.conclusion));
}
