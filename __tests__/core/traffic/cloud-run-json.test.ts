import { parseService, revisionUrl } from '../../../shared/core/traffic/cloud-run-json.js';

const service = (traffic: unknown[]) =>
  parseService(JSON.stringify({ status: { url: 'https://api-abc-uc.a.run.app', traffic } }));

describe('revisionUrl', () => {
  it('is the tag URL of a tagged revision', () => {
    const s = service([
      { revisionName: 'api-1', percent: 90 },
      { revisionName: 'api-2', percent: 10, tag: 'canary', url: 'https://canary---api-abc-uc.a.run.app' },
    ]);
    expect(revisionUrl(s, 'api-2')).toBe('https://canary---api-abc-uc.a.run.app');
    // Untagged with a share: no address of its own, never the shared service URL.
    expect(revisionUrl(s, 'api-1')).toBeUndefined();
  });

  it("is the service's URL for a revision that has all traffic (a rollback's target)", () => {
    const s = service([{ revisionName: 'api-1', percent: 100 }]);
    expect(revisionUrl(s, 'api-1')).toBe('https://api-abc-uc.a.run.app');
    expect(revisionUrl(s, 'api-2')).toBeUndefined();
  });
});
