import { providerSecrets } from '../../shared/core/traffic/provider-settings.js';
import type { DeploymentRecorder } from '../../shared/adapters/deployments.js';
import { deploymentRecord, deploymentRecorder } from '../../shared/runtime/deployments-from-env.js';
import { githubContext } from '../../shared/runtime/github-context.js';
import { claimEnvironment, describeHolder } from '../../shared/runtime/rollout-lease.js';
import { escapeCell } from '../../shared/core/markdown.js';
import type { TrafficActionDeps } from '../../shared/runtime/action-deps.js';
import { ConfigurationError } from '../../shared/core/errors.js';
import {
  combineChecks,
  probeCheck,
  type CheckResult,
  type GatePolicy,
} from '../../shared/core/traffic/gates.js';
import { prometheusGateFor, prometheusSecrets } from '../../shared/engine/prometheus-check.js';
import { rolloutSummary } from '../../shared/core/traffic/rollout-summary.js';
import { describeSplit } from '../../shared/core/traffic/split.js';
import { runProbes } from '../../shared/engine/probe-runner.js';
import { checkRevisionProbes, revisionProbes } from '../../shared/engine/revision-probes.js';
import { runRollout } from '../../shared/engine/rollout.js';
import { withCloudRunMetrics } from '../../shared/runtime/cloud-run-metrics.js';
import { runAction } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish } from '../../shared/runtime/report.js';
import { markSettled, markShifting } from './state.js';
import { planOf, shiftTrafficExamples, shiftTrafficInputs, type ShiftTrafficSettings } from './settings.js';

export interface ShiftTrafficDeps extends TrafficActionDeps<ShiftTrafficSettings> {
  deploymentsFor?: (settings: ShiftTrafficSettings) => DeploymentRecorder;
  signal?: AbortSignal;
}

export function run(deps: ShiftTrafficDeps): Promise<void> {
  const { runtime } = deps;
  return runAction('shift-traffic', runtime, async () => {
    const settings = readSettings(runtime, shiftTrafficInputs, shiftTrafficExamples);
    // A router URL may carry credentials: masked before anything can print it.
    maskSecrets(runtime, providerSecrets(settings));
    const plan = planOf(settings);
    const names = { stable: settings['stable-revision'], canary: settings['canary-revision'] };
    const variables = { CANARY_URL: names.canary, STABLE_URL: names.stable };
    const hasProbes = checkRevisionProbes(settings.probes, deps.env, variables);
    // Metrics matter only where a step is analysed; a plain move (staging's 100 %) needs none.
    const analysed = plan.some((step) => step.kind === 'analysis');
    const gated = await withCloudRunMetrics(
      deps.providerFor(settings),
      analysed ? settings : { ...settings, 'cloud-run-metrics': false },
      {
        http: deps.http,
        clock: deps.clock,
        env: deps.env,
        mask: (secret) => runtime.setSecret(secret),
      },
    );
    const provider = gated.provider;
    const promUrl = settings['prometheus-url'];
    if (!provider.metrics && !hasProbes && !promUrl) {
      throw new ConfigurationError(
        'probes',
        `are required with provider ${provider.kind}, which reports no router metrics, unless prometheus-url is given: without a gate nothing could stop a bad canary`,
        shiftTrafficExamples.probes,
      );
    }
    const probes = hasProbes
      ? await revisionProbes(settings.probes ?? [], deps.env, provider, variables)
      : undefined;
    const redactor = maskSecrets(runtime, [
      ...providerSecrets(settings),
      ...(probes?.secrets ?? []),
      ...prometheusSecrets(settings),
    ]);
    const say = (m: string) => runtime.info(redactor.redact(m));
    const prometheus = prometheusGateFor(
      settings,
      deps.http,
      names,
      (m) => runtime.warning(redactor.redact(m)),
      {
        query: shiftTrafficExamples['prometheus-query'],
        samplesQuery: shiftTrafficExamples['prometheus-samples-query'],
      },
    );
    await prometheus?.preflight();

    const policy: GatePolicy = {
      ...(provider.metrics && {
        errorRate: {
          maxErrorRate: settings['max-error-rate'],
          minRequests: settings['min-requests'],
          ...(settings['max-error-increase'] !== undefined && {
            maxIncreaseOverStable: settings['max-error-increase'],
          }),
        },
      }),
      failureLimit: settings['failure-limit'],
      advisory: settings.advisory,
    };

    const recorder = deploymentRecorder(settings, deps.deploymentsFor, runtime)?.forRevision(names.canary);
    const record = deploymentRecord(settings, recorder, runtime);
    if (recorder) {
      const environment = settings['github-environment'];
      const lease = await claimEnvironment(recorder, githubContext(deps.env).runUrl, deps.clock, () =>
        record('in_progress', `starting: ${names.canary} over ${names.stable}`),
      );
      if (lease.unchecked)
        runtime.warning(
          `Could not check for another rollout of ${environment} (${lease.unchecked}); relying on the workflow's concurrency group`,
        );
      if (lease.holder) {
        const reason = `${describeHolder(lease.holder, githubContext(deps.env))} is rolling out ${environment} now; nothing was changed`;
        await record('error', `not started: ${reason}`);
        return publish(
          runtime,
          {
            outputs: { outcome: 'busy', reason, 'stable-revision': names.stable, split: '', report: '' },
            annotations: [],
            summary: `## ⏸️ Not started: ${escapeCell(reason)}\n`,
            failure: `Stopped without changing traffic: ${reason}. Run it again when that rollout has finished.`,
          },
          redactor,
        );
      }
    }

    let recording = Promise.resolve();
    markShifting(runtime);
    const result = await runRollout(
      { ...names, plan, policy },
      {
        provider,
        clock: deps.clock,
        log: say,
        warn: (m) => runtime.warning(redactor.redact(m)),
        // Recorded in the background, in order: a slow or rate-limited GitHub never
        // holds a traffic step back.
        onSplit: (split) => {
          recording = recording.then(() => record('in_progress', `canary ${split[names.canary] ?? 0}%`));
        },
        ...(deps.signal && { signal: deps.signal }),
        ...(gated.metricsDelayMs !== undefined && { metricsDelayMs: gated.metricsDelayMs }),
        ...((probes || prometheus) && {
          probe: async () => {
            const checks: CheckResult[] = [];
            if (probes) {
              const report = await runProbes(probes.probes, probes.displayUrls, 8, {
                http: deps.http,
                clock: deps.clock,
              });
              checks.push(
                probeCheck(
                  report.probes.filter((p) => !p.healthy),
                  report.probes.length,
                ),
              );
            }
            if (prometheus) checks.push(await prometheus.check());
            return combineChecks(checks);
          },
        }),
      },
    );
    markSettled(runtime, result.outcome.kind);
    await recording;
    const o = result.outcome;
    if (o.kind === 'promoted' || o.kind === 'already-promoted')
      await record('success', `${names.canary} promoted to 100%`);
    else if (o.kind === 'rolled-back') await record('failure', `rolled back to ${names.stable}: ${o.reason}`);
    else if (o.kind === 'drift') await record('failure', `stopped: ${o.reason}`);
    else await record('in_progress', `held: ${o.reason}`);

    const { outcome } = result;
    const reason = 'reason' in outcome ? outcome.reason : '';
    const newStable =
      outcome.kind === 'promoted' || outcome.kind === 'already-promoted' ? names.canary : names.stable;
    const failure =
      outcome.kind === 'rolled-back'
        ? `Rolled back to ${names.stable}: ${reason}`
        : outcome.kind === 'held'
          ? `Held at ${describeSplit(result.split)}: ${reason}. Re-run to continue, or run rollback.`
          : outcome.kind === 'drift'
            ? `Stopped without changing traffic: ${reason}`
            : undefined;
    await publish(
      runtime,
      {
        outputs: {
          outcome: outcome.kind,
          reason,
          'stable-revision': newStable,
          split: JSON.stringify(result.split),
          report: JSON.stringify({
            outcome,
            split: result.split,
            steps: result.steps,
            detectionToRollbackMs: result.detectionToRollbackMs,
          }),
        },
        annotations: failure
          ? [{ level: 'error', message: failure, properties: { title: `shift-traffic: ${outcome.kind}` } }]
          : [],
        summary: rolloutSummary(result, names, gated.notes),
        ...(failure && { failure }),
      },
      redactor,
    );
  });
}
