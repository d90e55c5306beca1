import fc from 'fast-check';
import { latencyChart } from '../../shared/core/health-summary.js';
import type { ProbeVerdict } from '../../shared/core/verdict.js';

const verdict = (name: string): ProbeVerdict =>
  ({
    name,
    url: 'http://127.0.0.1/',
    method: 'GET',
    healthy: true,
    samples: 1,
    failedSamples: 0,
    attempts: 1,
    blips: 0,
    latencyMs: { p50: 10, p95: 20 },
  }) as ProbeVerdict;

// Each line of the block is mermaid syntax we wrote; a name is only ever a quoted label.
const chartLines = (chart: string) => chart.split('\n').slice(4, -1);

describe('latency chart', () => {
  it("a probe name carrying mermaid's %%{init}%% directive draws as a plain label", () => {
    const chart = latencyChart([verdict('api %%{init: {"theme": "dark"}}%%')]);
    expect(chart).not.toMatch(/%%|\{|\}/);
    expect(chart).toContain('x-axis ["api init: theme: dark"]');
  });

  it('no probe name reaches the chart as anything but one quoted label', () =>
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        const lines = chartLines(latencyChart([verdict(name)]));
        expect(lines[0]).toMatch(/^ {2}x-axis \["[\p{L}\p{N} ._\-/:()]*"\]$/u);
        expect(lines.join('\n')).not.toMatch(/%%/);
      }),
    ));
});
