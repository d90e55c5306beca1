import {
  planRollback,
  previousRevision,
  rollbackRecordText,
  rollbackResult,
} from '../../../shared/core/traffic/rollback-plan.js';
import { commitOf, rolledBack } from '../../../shared/core/traffic/revision-history.js';

describe('previousRevision', () => {
  const newestFirst = ['api-00004', 'api-00003', 'api-00002', 'api-00001'];
  it.each([
    // A canary mid-rollout: back to stable, not to the revision before stable.
    [{ 'api-00003': 90, 'api-00004': 10 }, 'api-00003'],
    [{ 'api-00003': 50, 'api-00004': 50 }, 'api-00003'],
    [{ 'api-00003': 10, 'api-00004': 90 }, 'api-00003'],
    // All on one revision: the one before it.
    [{ 'api-00004': 100 }, 'api-00003'],
    [{ 'api-00002': 100 }, 'api-00001'],
    [{ 'api-00001': 100 }, undefined],
    [{}, undefined],
  ])('%p → %p', (split, expected) => expect(previousRevision(split, newestFirst)).toBe(expected));
});

describe('previousRevision passes over revisions unfit to return to', () => {
  const newestFirst = ['api-00004', 'api-00003', 'api-00002', 'api-00001'];
  it('skips a never-Ready or rolled-back revision for the next older one', () => {
    expect(previousRevision({ 'api-00004': 100 }, newestFirst, new Set(['api-00003']))).toBe('api-00002');
    expect(previousRevision({ 'api-00004': 100 }, newestFirst, new Set(['api-00003', 'api-00002']))).toBe(
      'api-00001',
    );
    expect(previousRevision({ 'api-00002': 100 }, newestFirst, new Set(['api-00001']))).toBeUndefined();
  });
  it('during a split, stable is the target whatever the history says', () => {
    expect(previousRevision({ 'api-00003': 90, 'api-00004': 10 }, newestFirst, new Set(['api-00003']))).toBe(
      'api-00003',
    );
  });
});

describe('revision history from deployments', () => {
  const records = [
    { revision: 'v3', sha: '3', state: 'success' },
    { revision: 'v2', sha: '2b', state: 'failure' },
    { revision: 'v1', sha: '1', state: 'inactive' },
    { revision: 'v2', sha: '2a', state: 'inactive' },
  ];
  it("a revision counts as rolled back by its newest deployment's state only", () => {
    expect(rolledBack(records)).toEqual(new Set(['v2']));
    expect(rolledBack([{ revision: 'v2', sha: '2c', state: 'success' }, ...records])).toEqual(new Set());
  });
  it("a revision's commit is its newest deployment's", () => {
    expect(commitOf(records, 'v2')).toBe('2b');
    expect(commitOf(records, 'v9')).toBeUndefined();
  });
});

describe('rollbackResult: what the probes on the target said', () => {
  const plan = planRollback({ blue: 10, green: 90 }, 'blue', 100);
  const done = { plan, target: 'blue', current: { blue: 10, green: 90 }, reason: '' };
  it.each([
    [{ kind: 'none' } as const, 'skipped', undefined],
    [{ kind: 'passed' } as const, 'true', undefined],
    [
      { kind: 'failed', down: ['api (503)'] } as const,
      'false',
      'Traffic is on blue 100%, but blue fails its probes: api (503)',
    ],
  ])('%j', (probes, verified, failure) => {
    const result = rollbackResult({ ...done, probes });
    expect(result.outputs.verified).toBe(verified);
    expect(result.failure).toBe(failure);
    expect(result.summary).toContain('Reason: not given');
  });
  it('records the rollback at its commit, or says the commit is not on record', () => {
    expect(rollbackRecordText('blue', 'abc', 'error spike')).toBe('rolled back to blue: error spike');
    expect(rollbackRecordText('blue', undefined, '')).toBe(
      'rolled back to blue (its commit is not on record): no reason given',
    );
  });
});
