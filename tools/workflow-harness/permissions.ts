/**
 * GITHUB_TOKEN's permissions across a workflow call: a called workflow's jobs may not
 * ask for more than the calling job grants, or GitHub refuses the whole run before it
 * starts (the harness fails the call; the call lint says so ahead of time).
 */
import { evaluateToken, type Value } from './expressions.js';
import { tokenAt, type WorkflowFile } from './files.js';

const ORDER = { none: 0, read: 1, write: 2 } as const;

/** A called workflow's jobs may not ask for more than the calling job grants. */
export function permissionErrors(workflow: WorkflowFile, allowed: Value | undefined): string[] {
  if (allowed === undefined || allowed === null) return [];
  const level = (p: Value | undefined, scope: string): number => {
    if (p === 'write-all') return 2;
    if (p === 'read-all') return scope === 'id-token' ? 0 : 1;
    if (p && typeof p === 'object' && !Array.isArray(p))
      return ORDER[(p as Record<string, keyof typeof ORDER>)[scope] ?? 'none'];
    return 0;
  };
  const errors: string[] = [];
  const top = evaluateToken(tokenAt(workflow.raw, 'permissions'), {});
  for (const job of workflow.template.jobs) {
    const asked = evaluateToken(tokenAt(workflow.raw, 'jobs', job.id.value, 'permissions'), {}) ?? top;
    if (!asked || typeof asked !== 'object' || Array.isArray(asked)) continue;
    for (const [scope, want] of Object.entries(asked))
      if (ORDER[want as keyof typeof ORDER] > level(allowed, scope))
        errors.push(
          `The nested job '${job.id.value}' is requesting '${scope}: ${String(want)}', but is only allowed '${scope}: ${
            Object.keys(ORDER)[level(allowed, scope)]
          }'.`,
        );
  }
  return errors;
}
