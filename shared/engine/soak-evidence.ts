import type { SoakRecords } from '../adapters/soak-evidence.js';
import { nextLive, soakChecks, type LiveSearch, type SoakEvidence } from '../core/soak.js';

/**
 * The evidence of a soak: when the commit went live on the environment and the
 * checks since. Reads deployments only until the core has its answer.
 */
export async function gatherSoakEvidence(
  records: SoakRecords,
  environment: string,
  sha: string,
  checksWorkflow: string,
): Promise<SoakEvidence> {
  let search: LiveSearch = { done: false };
  for await (const deployment of records.deployments(environment)) {
    search = nextLive(search, deployment, sha);
    if (search.done) break;
  }
  const { liveSince, replacedBy } = search;
  if (!liveSince) return { liveSince, ...(replacedBy && { replacedBy }), checks: [] };
  return { liveSince, checks: soakChecks(await records.completedRuns(checksWorkflow, liveSince)) };
}
