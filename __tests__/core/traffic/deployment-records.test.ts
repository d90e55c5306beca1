import {
  deploymentDescription,
  ownLiveDeployment,
  replacedDeployments,
  revisionOf,
} from '../../../shared/core/traffic/deployment-records.js';

describe('ownLiveDeployment: the one this run may attach to', () => {
  it.each([
    ['its own, in progress', [{ id: 7, state: 'in_progress', runId: 42 }], 42, 7],
    ['its own, queued', [{ id: 7, state: 'queued', runId: 42 }], 42, 7],
    ['its own, finished: a new one', [{ id: 7, state: 'success', runId: 42 }], 42, undefined],
    ["a rival's, in progress: never", [{ id: 7, state: 'in_progress', runId: 41 }], 42, undefined],
    ['one without a status yet', [{ id: 7 }], 42, undefined],
    ['any, when this run has no id', [{ id: 7, state: 'in_progress', runId: 42 }], undefined, undefined],
  ])('%s', (_, candidates, ownRun, id) => {
    expect(ownLiveDeployment(candidates, ownRun)).toBe(id);
  });
});

it('replacedDeployments: every other deployment still marked success', () => {
  const recent = [
    { id: 9, state: 'success' },
    { id: 8, state: 'success' },
    { id: 7, state: 'failure' },
    { id: 6, state: 'inactive' },
    { id: 5 },
  ];
  expect(replacedDeployments(recent, 9)).toEqual([8]);
});

it.each([
  [{ revision: 'api-00042' }, 'api-00042'],
  [{ revision: 42 }, undefined],
  ['', undefined],
  [null, undefined],
  [{}, undefined],
])('revisionOf(%j)', (payload, revision) => {
  expect(revisionOf(payload)).toBe(revision);
});

it('deploymentDescription keeps what GitHub keeps: 140 characters, the note after a dot', () => {
  expect(deploymentDescription('canary 10%', 'v1.4.0')).toBe('canary 10% · v1.4.0');
  expect(deploymentDescription('x'.repeat(200))).toHaveLength(140);
});
