import { healthSummary } from '../../shared/core/health-summary.js';
import type { HealthReport } from '../../shared/core/verdict.js';
import type { ActionResult } from '../../shared/runtime/report.js';

/** From the core's report to what the step shows: outputs, annotations, summary, exit. */
export function healthcheckResult(
  report: HealthReport,
  failOnUnhealthy: boolean,
  checkedAt: Date,
): ActionResult {
  const down = report.probes.filter((p) => !p.healthy);
  const reasons = down.map((p) => `${p.name} (${p.reason})`).join(', ');
  return {
    outputs: {
      healthy: String(report.healthy),
      failed: report.failed.join(','),
      report: JSON.stringify({ checkedAt: checkedAt.toISOString(), ...report }),
    },
    annotations: down.map((p) => ({
      level: failOnUnhealthy ? 'error' : 'warning',
      message: `${p.method} ${p.url}: ${p.reason}`,
      properties: { title: `Probe ${p.name} is down` },
    })),
    summary: healthSummary(report, checkedAt),
    ...(failOnUnhealthy &&
      !report.healthy && { failure: `${down.length} of ${report.probes.length} probes down: ${reasons}` }),
  };
}
