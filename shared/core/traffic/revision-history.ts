/**
 * What the environment's GitHub deployments say about revisions: which were
 * rolled back (their newest deployment ended in failure) and which commit a
 * revision was deployed from. Pure; records come newest first.
 */
export interface RevisionRecord {
  revision: string;
  sha: string;
  state?: string;
}

/** Revisions whose latest rollout was rolled back: never a place to return to. */
export function rolledBack(records: readonly RevisionRecord[]): Set<string> {
  const seen = new Set<string>();
  const out = new Set<string>();
  for (const r of records) {
    if (seen.has(r.revision)) continue;
    seen.add(r.revision);
    if (r.state === 'failure') out.add(r.revision);
  }
  return out;
}

/** The commit a revision was deployed from, per its newest deployment; undefined if none says. */
export function commitOf(records: readonly RevisionRecord[], revision: string): string | undefined {
  return records.find((r) => r.revision === revision)?.sha;
}
