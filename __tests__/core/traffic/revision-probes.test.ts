import { revisionProbesAt } from '../../../shared/core/traffic/revision-probes.js';
import { probeList } from '../../../shared/core/probe-spec.js';

const specs = probeList.parse([
  { name: 'canary', url: '${CANARY_URL}/health' },
  { name: 'own-header', url: '${CANARY_URL}/api', headers: { 'X-Vercel-Protection-Bypass': 'mine' } },
  { name: 'stable', url: '${STABLE_URL}/health' },
  { name: 'elsewhere', url: 'https://status.example.com/${CANARY_URL}' },
]);

describe('revision probes with the headers a revision needs', () => {
  it("adds them to probes sent to that revision's own address, and nowhere else", () => {
    const built = revisionProbesAt(
      specs,
      {},
      { CANARY_URL: 'https://canary.vercel.app', STABLE_URL: 'https://stable.vercel.app' },
      { CANARY_URL: { 'X-Vercel-Protection-Bypass': 'secret' } },
    );
    const headers = Object.fromEntries(built.probes.map((p) => [p.name, p.headers]));
    expect(headers['canary']).toEqual({ 'x-vercel-protection-bypass': 'secret' });
    // A probe's own header wins.
    expect(headers['own-header']).toEqual({ 'x-vercel-protection-bypass': 'mine' });
    expect(headers['stable']).toEqual({});
    expect(headers['elsewhere']).toEqual({});
  });

  it('masks a bypass a probe writes itself (healthcheck has no provider to add it)', () => {
    const own = probeList.parse([
      {
        name: 'site',
        url: 'https://shop.vercel.app/',
        headers: { 'x-vercel-protection-bypass': '${BYPASS}' },
      },
    ]);
    expect(revisionProbesAt(own, { BYPASS: 'bypass0123456789' }, {}).secrets).toContain('bypass0123456789');
  });
});
