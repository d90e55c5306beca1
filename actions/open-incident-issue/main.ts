import { chatWebhooksOf, postToChats } from '../../shared/adapters/chat.js';
import type { Clock } from '../../shared/adapters/clock.js';
import type { HttpClient } from '../../shared/adapters/http.js';
import { incidentChatMessage } from '../../shared/core/notify/chat-message.js';
import type { IncidentTracker } from '../../shared/adapters/incident-tracker.js';
import type { WorkflowRuns } from '../../shared/adapters/workflow-runs.js';
import type { WorkspaceFiles } from '../../shared/adapters/workspace.js';
import { incidentResult } from '../../shared/core/incident/incident.js';
import { trackIncident } from '../../shared/engine/incidents.js';
import { runStep } from '../../shared/runtime/errors.js';
import { githubContext } from '../../shared/runtime/github-context.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish } from '../../shared/runtime/report.js';
import type { Runtime } from '../../shared/runtime/runtime.js';
import { offlineOutcome, writeRecord } from './records.js';
import {
  incidentExamples,
  incidentFactsOf,
  incidentInputs,
  incidentModeOf,
  openPolicyOf,
} from './settings.js';
import type { IncidentSettings } from './settings.js';
import { failureStreak } from './streak.js';

export interface IncidentDeps {
  runtime: Runtime;
  clock: Clock;
  files: WorkspaceFiles;
  http: HttpClient;
  env: Readonly<Record<string, string | undefined>>;
  trackerFor: (settings: IncidentSettings, log: (m: string) => void) => IncidentTracker;
  /** The workflow's earlier runs, for open-after. */
  runsFor: (settings: IncidentSettings, log: (m: string) => void) => WorkflowRuns;
}

export function run(deps: IncidentDeps): Promise<void> {
  const { runtime } = deps;
  return runStep('open-incident-issue', runtime, async () => {
    const settings = await readSettings(runtime, incidentInputs, incidentExamples);
    const template = settings.template
      ? deps.files.read('template', settings.template, incidentExamples.template)
      : undefined;
    const dir = settings['record-dir'];
    if (dir) deps.files.list('record-dir', dir, incidentExamples['record-dir']);
    const redactor = maskSecrets(runtime, [settings['github-token']]);
    const log = (m: string) => runtime.info(redactor.redact(m));
    const tracker = settings['github-token'] ? deps.trackerFor(settings, log) : undefined;
    const facts = incidentFactsOf(settings, githubContext(deps.env).runUrl, deps.clock.date());
    const mode = incidentModeOf(settings);
    const streak = () => failureStreak(deps.runsFor(settings, log), deps.env, settings['open-after']);
    const outcome = tracker
      ? await trackIncident(tracker, mode, facts, openPolicyOf(settings, template, streak, deps.clock))
      : offlineOutcome(deps.files, dir as string, facts.fingerprint, mode);
    if (outcome.note) runtime.info(outcome.note);
    const issueUrl = outcome.number === undefined || !tracker ? '' : tracker.urlOf(outcome.number);
    if (dir) writeRecord(deps.files, dir, facts, outcome.done, { issueUrl, offline: !tracker });
    if (outcome.done !== 'nothing') {
      const news = incidentChatMessage(facts, outcome.done, { issueUrl, openedAt: outcome.openedAt });
      await postToChats(deps.http, chatWebhooksOf(settings), news, {
        info: log,
        warning: (m) => runtime.warning(redactor.redact(m)),
      });
    }
    await publish(runtime, incidentResult(facts, outcome, { issueUrl, recordDir: dir }), redactor);
  });
}
