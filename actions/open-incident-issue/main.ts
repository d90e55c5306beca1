import type { Clock } from '../../shared/adapters/clock.js';
import type { IncidentTracker } from '../../shared/adapters/github.js';
import type { WorkflowRuns } from '../../shared/adapters/workflow-runs.js';
import type { WorkspaceFiles } from '../../shared/adapters/workspace.js';
import { OperationalError } from '../../shared/core/errors.js';
import {
  failuresInARow,
  fingerprintOf,
  incidentResult,
  workflowFileOf,
  type IncidentFacts,
} from '../../shared/core/incident/incident.js';
import { openIncident, resolveIncident, type IncidentOutcome } from '../../shared/engine/incidents.js';
import { runAction } from '../../shared/runtime/errors.js';
import { githubContext } from '../../shared/runtime/github-context.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish } from '../../shared/runtime/report.js';
import type { Runtime } from '../../shared/runtime/runtime.js';
import { offlineOutcome, writeRecord } from './records.js';
import { incidentExamples, incidentInputs, type IncidentSettings } from './settings.js';

export interface IncidentDeps {
  runtime: Runtime;
  clock: Clock;
  files: WorkspaceFiles;
  env: Readonly<Record<string, string | undefined>>;
  trackerFor: (settings: IncidentSettings, log: (m: string) => void) => IncidentTracker;
  /** The workflow's earlier runs, for open-after. */
  runsFor: (settings: IncidentSettings, log: (m: string) => void) => WorkflowRuns;
}

export function run(deps: IncidentDeps): Promise<void> {
  const { runtime } = deps;
  return runAction('open-incident-issue', runtime, async () => {
    const settings = readSettings(runtime, incidentInputs, incidentExamples);
    const template = settings.template
      ? deps.files.read('template', settings.template, incidentExamples.template)
      : undefined;
    const dir = settings['record-dir'];
    if (dir) deps.files.list('record-dir', dir, incidentExamples['record-dir']);
    const redactor = maskSecrets(runtime, [settings['github-token']]);
    const log = (m: string) => runtime.info(redactor.redact(m));
    const tracker = settings['github-token'] ? deps.trackerFor(settings, log) : undefined;
    const facts = factsOf(settings, deps);
    const mode = settings.mode === 'auto' ? (settings.report?.healthy ? 'resolve' : 'open') : settings.mode;
    const label = settings.labels[0] as string;
    const outcome: IncidentOutcome = !tracker
      ? offlineOutcome(deps.files, dir as string, facts.fingerprint, mode)
      : mode === 'resolve'
        ? await resolveIncident(tracker, label, facts)
        : await openIncident(tracker, facts, {
            label,
            labels: settings.labels,
            assignees: settings.assignees,
            updateIntervalMs: settings['update-interval'],
            openAfter: settings['open-after'],
            template,
            streak: () => failureStreak(deps, settings, log),
          });
    if (outcome.note) runtime.info(outcome.note);
    const issueUrl = outcome.number === undefined || !tracker ? '' : tracker.urlOf(outcome.number);
    if (dir) writeRecord(deps.files, dir, facts, outcome.done, { issueUrl, offline: !tracker });
    await publish(runtime, incidentResult(facts, outcome, { issueUrl, recordDir: dir }), redactor);
  });
}

function factsOf(settings: IncidentSettings, deps: IncidentDeps): IncidentFacts {
  return {
    fingerprint: settings.fingerprint ?? fingerprintOf(settings.service, settings.environment, settings.kind),
    service: settings.service,
    environment: settings.environment,
    kind: settings.kind,
    severity: settings.severity,
    ...(settings.title && { title: settings.title }),
    ...(settings.impact.trim() && { impact: settings.impact }),
    ...(settings.rollback.trim() && { rollback: settings.rollback }),
    ...(settings.report && { report: settings.report }),
    runUrl: githubContext(deps.env).runUrl,
    ...(settings['runbook-url'] && { runbookUrl: settings['runbook-url'] }),
    at: deps.clock.date(),
  };
}

/** How many checks in a row have failed, this run included, from the workflow's earlier runs. */
async function failureStreak(
  deps: IncidentDeps,
  settings: IncidentSettings,
  log: (m: string) => void,
): Promise<number> {
  const workflow = workflowFileOf(deps.env['GITHUB_WORKFLOW_REF']);
  if (!workflow)
    throw new OperationalError(
      'open-after needs GITHUB_WORKFLOW_REF, which the runner sets for every workflow run',
    );
  const runs = await deps.runsFor(settings, log).completed(workflow, { limit: settings['open-after'] });
  const previous = runs
    .filter((r) => String(r.id) !== deps.env['GITHUB_RUN_ID'])
    .slice(0, settings['open-after'] - 1);
  return failuresInARow(previous.map((r) => r.conclusion));
}
