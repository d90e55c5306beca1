/**
 * GITHUB_TOKEN's permissions across a workflow call: a called workflow's jobs may not
 * ask for more than the calling job grants, or GitHub refuses the whole run before it
 * starts (the harness fails the call; the call lint says so ahead of time).
 */
import { evaluateToken, type Value } from './expressions.js';
import { tokenAt, type WorkflowFile } from './files.js';

const ORDER = { none: 0, read: 1, write: 2 } as const;

/** A nested job asking for more than the call grants: GitHub's one refusal of the run. */
export interface Overreach {
  job: string;
  scope: string;
  want: string;
  allowed: string;
}

/** A called workflow's jobs may not ask for more than the calling job grants. */
export function overreaches(workflow: WorkflowFile, allowed: Value | undefined): Overreach[] {
  if (allowed === undefined || allowed === null) return [];
  const level = (p: Value | undefined, scope: string): number => {
    if (p === 'write-all') return 2;
    if (p === 'read-all') return scope === 'id-token' ? 0 : 1;
    if (p && typeof p === 'object' && !Array.isArray(p))
      return ORDER[(p as Record<string, keyof typeof ORDER>)[scope] ?? 'none'];
    return 0;
  };
  const found: Overreach[] = [];
  const top = evaluateToken(tokenAt(workflow.raw, 'permissions'), {});
  for (const job of workflow.template.jobs) {
    const asked = evaluateToken(tokenAt(workflow.raw, 'jobs', job.id.value, 'permissions'), {}) ?? top;
    if (!asked || typeof asked !== 'object' || Array.isArray(asked)) continue;
    for (const [scope, want] of Object.entries(asked))
      if (ORDER[want as keyof typeof ORDER] > level(allowed, scope))
        found.push({
          job: job.id.value,
          scope,
          want: String(want),
          allowed: Object.keys(ORDER)[level(allowed, scope)] as string,
        });
  }
  return found;
}

/** GitHub's own words for each, as the run's start-up error shows them. */
export function permissionErrors(workflow: WorkflowFile, allowed: Value | undefined): string[] {
  return overreaches(workflow, allowed).map(
    (o) =>
      `The nested job '${o.job}' is requesting '${o.scope}: ${o.want}', but is only allowed '${o.scope}: ${o.allowed}'.`,
  );
}

/** What to add to the calling job, each scope once at the highest level asked: "id-token: write". */
export function permissionsToGrant(found: readonly Overreach[]): string[] {
  const wanted = new Map<string, string>();
  for (const o of found)
    if (
      !wanted.has(o.scope) ||
      ORDER[o.want as keyof typeof ORDER] > ORDER[wanted.get(o.scope) as keyof typeof ORDER]
    )
      wanted.set(o.scope, o.want);
  return [...wanted].sort(([a], [b]) => a.localeCompare(b)).map(([scope, want]) => `${scope}: ${want}`);
}
