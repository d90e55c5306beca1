/**
 * What a dry run says it would do. The traffic actions read the platform and check
 * every input as for real, then describe their plan here instead of carrying it
 * out: the log and the summary say the same lines, and nothing changes.
 */
import type { ActionResult } from '../action-result.js';
import { escapeCell } from '../markdown.js';
import { formatDuration } from '../duration.js';
import { COUNTED, type GatePolicy } from './gates.js';
import type { Plan, Step } from './plan.js';
import { startOf, type RolloutNames } from './rollout-rules.js';
import { allOn, describeSplit, type Split } from './split.js';

const pct = (ratio: number) => `${+(ratio * 100).toFixed(2)}%`;

function stepText(step: Step): string {
  switch (step.kind) {
    case 'weight':
      return `the canary gets ${step.percent}%`;
    case 'pause':
      return `wait ${formatDuration(step.durationMs)}`;
    case 'analysis':
      return `analyse for ${formatDuration(step.durationMs)}, checking the gates every ${formatDuration(step.intervalMs)}`;
  }
}

/** The gates a rollout would check, as people read them. */
export interface GateOutline {
  policy: GatePolicy;
  probes: readonly string[];
  prometheus?: { query: string; max: number };
  /** Between checks: the live tripwire (with its confirm path) or the probe watch. */
  watch?: { kind: 'tripwire'; confirmPath: string } | { kind: 'probes' };
  /** Paired requests for the latency comparison, to this path at each revision. */
  latencyPairs?: { path: string };
}

export function gateLines(g: GateOutline): string[] {
  const lines: string[] = [];
  const { errorRate } = g.policy;
  if (errorRate) {
    const terms = COUNTED[errorRate.counts ?? 'requests'];
    lines.push(
      `${terms.gate} at most ${pct(errorRate.maxErrorRate)}` +
        (errorRate.maxIncreaseOverStable !== undefined
          ? ` and at most ${pct(errorRate.maxIncreaseOverStable)} above stable's`
          : '') +
        `, judged from ${errorRate.minRequests} canary ${terms.of}`,
    );
  }
  const { sequential } = g.policy;
  if (sequential?.errorIncrease !== undefined && errorRate && !errorRate.counts)
    lines.push(
      `the canary against stable, a sequential test: rolled back once its 5xx share is decisively above stable's, a step ends once it is decisively not ${pct(sequential.errorIncrease)} above`,
    );
  if (sequential?.latencyIncreaseMs !== undefined && g.latencyPairs)
    lines.push(
      `latency against stable, a sequential test on paired requests to each revision's ${g.latencyPairs.path} four times a second: rolled back once the canary is decisively more than ${sequential.latencyIncreaseMs} ms slower`,
    );
  if (g.probes.length) lines.push(`probes: ${g.probes.join(', ')}`);
  if (g.prometheus) lines.push(`Prometheus: ${g.prometheus.query} at most ${g.prometheus.max}`);
  if (g.watch?.kind === 'tripwire')
    lines.push(
      `between checks, the tripwire: the router read every 10 ms, the canary's first failed request confirmed with ${g.watch.confirmPath} (traffic stays), a hung one holds traffic on stable while confirmed`,
    );
  if (g.watch?.kind === 'probes')
    lines.push('between checks, the probes every 250 ms (three failed passes roll back)');
  lines.push(
    g.policy.advisory
      ? 'advisory: a failed gate is reported, nothing is rolled back'
      : `a rollback after ${g.policy.failureLimit + 1} failed check${g.policy.failureLimit ? 's' : ''} in a row`,
  );
  return lines;
}

/** What shift-traffic would do from the split it found. */
export function rolloutPreview(
  names: RolloutNames,
  plan: Plan,
  current: Split,
  gates: readonly string[],
): string[] {
  const lines = [`Now: ${describeSplit(current)}.`];
  const start = startOf(plan, names, current);
  if (start.kind === 'stop') {
    const why = start.outcome.kind === 'already-promoted' ? `${names.canary} already has all traffic` : '';
    return [...lines, `Would change nothing: ${'reason' in start.outcome ? start.outcome.reason : why}.`];
  }
  if (start.index > 0)
    lines.push(`Would resume at step ${start.index + 1}: the canary already has ${start.canaryPercent}%.`);
  plan.forEach((step, i) => {
    if (i >= start.index) lines.push(`Step ${i + 1}: ${stepText(step)}.`);
  });
  lines.push(`Then ${names.canary} gets 100% and becomes stable.`);
  lines.push(...gates.map((g) => `Gate: ${g}.`));
  lines.push(`On a failed gate, a cancellation or an error: ${describeSplit(allOn(names.stable))}, at once.`);
  return lines;
}

/** The step's result: the same lines in the summary, the outputs as found, and no failure. */
export function dryRunResult(
  action: string,
  lines: readonly string[],
  outputs: Record<string, string>,
): ActionResult {
  return {
    outputs,
    annotations: [],
    summary: `## 🧪 Dry run: ${action} changed nothing\n\n${lines.map((l) => `- ${escapeCell(l)}`).join('\n')}\n`,
  };
}

/** What rollback would do: the move planRollback chose, then the probes. */
export function rollbackPreview(
  current: Split,
  plan: { kind: 'move' | 'nothing-to-do'; message: string },
  probes: readonly string[],
): string[] {
  return [
    `Now: ${describeSplit(current)}.`,
    plan.kind === 'move' ? `Would move ${plan.message}.` : `Would change nothing: ${plan.message}.`,
    ...(probes.length ? [`Then the probes at the target: ${probes.join(', ')}.`] : []),
  ];
}

/** What deploy-canary would do: deploy without traffic, probe, then the initial share. */
export function canaryPreview(
  current: Split,
  deploy: { revision: string; image?: string; address?: string; stable: string },
  initialPercent: number,
  probes: readonly string[],
): string[] {
  const what = deploy.image ?? deploy.address ?? 'the new version';
  const as = deploy.revision ? ` as ${deploy.revision}` : ' as a new revision';
  return [
    `Now: ${describeSplit(current)}.`,
    `Would deploy ${what}${as} with no traffic; ${deploy.stable} keeps what it has.`,
    ...(probes.length ? [`Then the probes at the canary: ${probes.join(', ')}.`] : []),
    ...(initialPercent > 0
      ? [`Then the canary gets ${initialPercent}%${probes.length ? ' if the probes pass' : ''}.`]
      : []),
  ];
}
