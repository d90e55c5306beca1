import {
  moveTo,
  parseInspectOutput,
  parseReleaseOutput,
  parseRollbackCandidate,
  releaseSplit,
  soleDeployment,
  stagesFrom,
  type RollingRelease,
} from '../../../shared/core/traffic/vercel-release.js';

const deployment = (id: string) => ({
  id,
  url: `${id}.vercel.app`,
  target: 'production',
  readyState: 'READY',
});
const active = (percent: number, next?: number): RollingRelease => ({
  state: 'ACTIVE',
  current: deployment('dpl_a'),
  canary: deployment('dpl_b'),
  active: { index: 0, percent },
  ...(next !== undefined && { next: { index: 1, percent: next } }),
  canaryPercent: percent,
});

describe('reading the vercel CLI', () => {
  it('finds the release after "> " in what rolling-release fetch logs, among its other lines', () => {
    const output = [
      'Vercel CLI 58.10.0 (Node.js 24.21.0)',
      'Retrieving project…',
      '> {',
      '  "state": "ACTIVE", "currentCanaryPercentage": 12,',
      '  "currentDeployment": {"id": "dpl_a", "url": "a.vercel.app", "target": "production", "readyState": "READY"},',
      '  "canaryDeployment": {"id": "dpl_b", "url": "b.vercel.app", "target": "production", "readyState": "READY"},',
      '  "activeStage": {"index": 0, "targetPercentage": 10}, "nextStage": {"index": 1, "targetPercentage": 50}',
      '}',
      '> NOTE: a line the CLI may print after it',
    ].join('\n');
    const release = parseReleaseOutput(output)!;
    expect(release).toMatchObject({ state: 'ACTIVE', canaryPercent: 12, next: { index: 1, percent: 50 } });
    expect(releaseSplit(release)).toEqual({ dpl_a: 88, dpl_b: 12 });
  });

  it('reads "> null" as no release yet, and refuses output with no release in it', () => {
    expect(parseReleaseOutput('Vercel CLI 58.10.0\nRetrieving project…\n> null\n')).toBeNull();
    expect(() => parseReleaseOutput('Error: Not authorized')).toThrow(SyntaxError);
    expect(() => parseReleaseOutput('> {"state": "PAUSED"}')).toThrow('state "PAUSED"');
  });

  it('reads inspect --json, and refuses a deployment without id and url', () => {
    expect(
      parseInspectOutput('{"id":"dpl_b","url":"b.vercel.app","target":null,"readyState":"READY"}'),
    ).toEqual({
      id: 'dpl_b',
      url: 'b.vercel.app',
      target: null,
      readyState: 'READY',
    });
    expect(() => parseInspectOutput('{"name":"shop"}')).toThrow(SyntaxError);
  });

  it("reads isRollbackCandidate from vercel api's whole deployment, which inspect --json leaves out", () => {
    expect(parseRollbackCandidate(JSON.stringify({ id: 'dpl_a', isRollbackCandidate: true }))).toBe(true);
    expect(parseRollbackCandidate(JSON.stringify({ id: 'dpl_a', isRollbackCandidate: null }))).toBe(false);
    expect(parseRollbackCandidate(JSON.stringify({ id: 'dpl_a' }))).toBe(false);
    expect(() => parseRollbackCandidate('{"error": {"message": "Not authorized"}}')).toThrow(SyntaxError);
  });

  it('gives all traffic to production after a release completes or aborts', () => {
    expect(releaseSplit({ ...active(50), state: 'COMPLETE' })).toEqual({ dpl_b: 100 });
    expect(releaseSplit({ ...active(50), state: 'ABORTED' })).toEqual({ dpl_a: 100 });
  });
});

describe('moveTo: the one CLI move to a split', () => {
  const plan = { planned: [10, 50, 100], canary: 'dpl_b', production: 'dpl_a' };

  it('starts a release at the first weight with the plan as its stages', () => {
    expect(moveTo(null, { dpl_a: 90, dpl_b: 10 }, plan)).toEqual({
      kind: 'start',
      canary: 'dpl_b',
      stages: [10, 50],
    });
  });

  it('approves the next stage, completes at 100 and aborts back to stable', () => {
    expect(moveTo(active(10, 50), { dpl_a: 50, dpl_b: 50 }, plan)).toEqual({
      kind: 'approve',
      canary: 'dpl_b',
      stageIndex: 0,
    });
    expect(moveTo(active(10, 50), { dpl_b: 100 }, plan)).toEqual({ kind: 'complete', canary: 'dpl_b' });
    // The CLI's abort is a rollback to the --dpl it is given: stable, never the canary.
    expect(moveTo(active(10, 50), { dpl_a: 100 }, plan)).toEqual({
      kind: 'abort',
      canary: 'dpl_b',
      to: 'dpl_a',
    });
    expect(moveTo(active(10, 50), { dpl_a: 90, dpl_b: 10 }, plan)).toEqual({ kind: 'none' });
  });

  it('refuses a weight the release has no stage for, saying what it has', () => {
    expect(moveTo(active(10, 50), { dpl_a: 75, dpl_b: 25 }, plan)).toEqual({
      kind: 'refuse',
      why: expect.stringContaining('is at 10% and its next stage is 50%') as string,
    });
  });

  it('refuses to release another deployment while one is in progress', () => {
    expect(moveTo(active(10, 50), { dpl_a: 90, dpl_c: 10 }, { ...plan, canary: 'dpl_c' })).toMatchObject({
      kind: 'refuse',
      why: expect.stringContaining('in progress') as string,
    });
  });

  it('rolls production back with vercel rollback once no release is active, to a deployment that served production', () => {
    const after = { ...plan, production: 'dpl_b', servedProduction: true };
    expect(moveTo(null, { dpl_a: 100 }, after)).toEqual({ kind: 'rollback', to: 'dpl_a' });
    expect(moveTo(null, { dpl_b: 100 }, after)).toEqual({ kind: 'none' });
  });

  it('promotes a deployment that never served production: an instant rollback to it is refused', () => {
    expect(moveTo(null, { dpl_b: 100 }, { ...plan, servedProduction: false })).toEqual({
      kind: 'promote',
      to: 'dpl_b',
    });
    // Unknown is not enough for a rollback.
    expect(moveTo(null, { dpl_b: 100 }, plan)).toEqual({ kind: 'promote', to: 'dpl_b' });
  });

  it('finds the one deployment a split gives everything to', () => {
    expect(soleDeployment({ dpl_a: 100 })).toBe('dpl_a');
    expect(soleDeployment({ dpl_a: 100, dpl_b: 0 })).toBe('dpl_a');
    expect(soleDeployment({ dpl_a: 90, dpl_b: 10 })).toBeUndefined();
  });

  it('names the canary at 50/50 from the step, and refuses to guess without it', () => {
    expect(moveTo(null, { dpl_a: 50, dpl_b: 50 }, plan)).toMatchObject({ kind: 'start', canary: 'dpl_b' });
    expect(moveTo(null, { dpl_a: 50, dpl_b: 50 }, { planned: [] })).toMatchObject({ kind: 'refuse' });
  });

  it('stages: the first weight, then the larger planned ones below 100, once each', () => {
    expect(stagesFrom(5, [10, 10, 50, 100])).toEqual([5, 10, 50]);
    expect(stagesFrom(50, [10, 50, 100])).toEqual([50]);
  });
});
