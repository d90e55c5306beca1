import { previousRevision } from '../../../shared/core/traffic/rollback-plan.js';

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
