import { previousRevision } from '../../../shared/core/traffic/rollback-plan.js';
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
