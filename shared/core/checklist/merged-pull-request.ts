/**
 * On a push (a tag, a merge to main) the checklist lives on the pull request that
 * brought the commit: GitHub lists the pull requests associated with a commit (the one
 * it merged, and open ones whose branch holds it). Only a merged one speaks for the
 * commit; of several, the latest merged.
 */
export interface CommitPullRequest {
  number: number;
  body: string | null;
  mergedAt: string | null;
}

export function mergedPullRequest(
  pulls: readonly CommitPullRequest[],
): { number: number; body: string } | undefined {
  const merged = pulls
    .filter((p): p is CommitPullRequest & { mergedAt: string } => p.mergedAt !== null)
    .sort((a, b) => b.mergedAt.localeCompare(a.mergedAt))[0];
  return merged && { number: merged.number, body: merged.body ?? '' };
}
