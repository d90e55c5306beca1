import type { IncidentTracker } from '../../shared/adapters/github.js';
import type { Clock } from '../../shared/adapters/clock.js';
import type { WorkspaceFiles } from '../../shared/adapters/workspace.js';
import {
  decideOpen,
  duplicatesOf,
  customBody,
  fingerprintIn,
  fingerprintOf,
  incidentBody,
  incidentRecord,
  recordFileName,
  incidentFor,
  incidentTitle,
  recurrenceComment,
  resolutionComment,
  type IncidentFacts,
  failuresInARow,
  workflowFileOf,
  recordIsOpen,
} from '../../shared/core/incident/incident.js';
import { OperationalError } from '../../shared/core/errors.js';
import type { WorkflowRuns } from '../../shared/adapters/workflow-runs.js';
import { escapeCell } from '../../shared/core/markdown.js';
import { runAction } from '../../shared/runtime/errors.js';
import { githubContext } from '../../shared/runtime/github-context.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish } from '../../shared/runtime/report.js';
import type { Runtime } from '../../shared/runtime/runtime.js';
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
    if (settings['record-dir'])
      deps.files.list('record-dir', settings['record-dir'], incidentExamples['record-dir']);
    const redactor = maskSecrets(runtime, [settings['github-token']]);
    const offline = !settings['github-token'];
    const tracker = offline ? undefined : deps.trackerFor(settings, (m) => runtime.info(redactor.redact(m)));
    const now = deps.clock.date();
    const env = deps.env;
    const facts: IncidentFacts = {
      fingerprint:
        settings.fingerprint ?? fingerprintOf(settings.service, settings.environment, settings.kind),
      service: settings.service,
      environment: settings.environment,
      kind: settings.kind,
      severity: settings.severity,
      ...(settings.title && { title: settings.title }),
      ...(settings.impact.trim() && { impact: settings.impact }),
      ...(settings.rollback.trim() && { rollback: settings.rollback }),
      ...(settings.report && { report: settings.report }),
      runUrl: githubContext(env).runUrl,
      ...(settings['runbook-url'] && { runbookUrl: settings['runbook-url'] }),
      at: now,
    };
    const mode = settings.mode === 'auto' ? (settings.report?.healthy ? 'resolve' : 'open') : settings.mode;
    const label = settings.labels[0] as string;

    let done: 'created' | 'updated' | 'resolved' | 'nothing' = 'nothing';
    let number: number | undefined;
    let note = '';

    if (!tracker) {
      // No GitHub: the record file is the incident (rehearsals, repositories without issues).
      const dir = settings['record-dir'] as string;
      const example = incidentExamples['record-dir'];
      const openRecord = deps.files
        .list('record-dir', dir, example)
        .map((f) => deps.files.read('record-dir', `${dir}/${f}`, example))
        .some((text) => fingerprintIn(text) === facts.fingerprint && recordIsOpen(text));
      done = mode === 'resolve' ? (openRecord ? 'resolved' : 'nothing') : openRecord ? 'updated' : 'created';
      if (done === 'nothing') note = `no open incident for ${facts.fingerprint}; nothing to resolve`;
    } else if (mode === 'resolve') {
      const open = await tracker.listOpen(label);
      const existing = incidentFor(open, facts.fingerprint);
      if (existing) {
        await tracker.comment(existing.number, resolutionComment(facts, existing.createdAt));
        await tracker.close(existing.number, 'completed');
        for (const dup of duplicatesOf(open, facts.fingerprint)) await tracker.close(dup, 'not_planned');
        done = 'resolved';
        number = existing.number;
      } else note = `no open incident for ${facts.fingerprint}; nothing to resolve`;
    } else {
      let open = await tracker.listOpen(label);
      // The issue's own update time moves with any human comment; the cadence counts
      // from what this identity last wrote, so a conversation never silences the bot.
      const current = incidentFor(open, facts.fingerprint);
      if (current && now.getTime() - current.updatedAt.getTime() < settings['update-interval']) {
        const own = await tracker.lastOwnActivity(current.number, current.createdAt);
        open = open.map((i) => (i.number === current.number ? { ...i, updatedAt: own } : i));
      }
      const decision = decideOpen(open, facts.fingerprint, now, settings['update-interval']);
      const streak =
        decision.kind === 'create' && settings['open-after'] > 1
          ? await failureStreak(deps, settings, (m) => runtime.info(redactor.redact(m)))
          : settings['open-after'];
      if (decision.kind === 'create' && streak < settings['open-after']) {
        note = `failed check ${streak} of ${settings['open-after']} in a row; the incident opens when ${settings['open-after']} checks in a row fail`;
      } else if (decision.kind === 'create') {
        // The severity is a label too (runbook 004), so incidents can be filtered and counted.
        const labels = [...new Set([...settings.labels, facts.severity])];
        for (const l of labels) await tracker.ensureLabel(l, 'b60205', 'Opened by release-actions');
        const previous = await tracker.lastResolved(label, facts.fingerprint);
        const told = previous ? { ...facts, previous } : facts;
        const created = await tracker.create({
          title: incidentTitle(told),
          body: template ? customBody(template, told) : incidentBody(told),
          labels,
          assignees: settings.assignees,
        });
        number = created.number;
        done = 'created';
        // A concurrent run may have created one too: the lowest number wins, the rest close.
        const after = await tracker.listOpen(label);
        const keep = incidentFor(after, facts.fingerprint);
        if (keep && keep.number !== created.number) {
          // The one kept may be this run's own: GitHub created it, answered 502, and the
          // retry made a second. Then this run did open the incident, and says so.
          const ownEarlier = keep.detectedBy === facts.runUrl;
          await tracker.comment(
            created.number,
            `Duplicate of #${keep.number}, opened ${ownEarlier ? 'by this run before a retried request' : 'by a concurrent run'}.`,
          );
          await tracker.close(created.number, 'not_planned');
          number = keep.number;
          if (!ownEarlier) {
            done = 'nothing';
            note = `another run opened #${keep.number} at the same time; this one's duplicate was closed`;
          }
        }
      } else if (decision.kind === 'update') {
        const existing = incidentFor(open, facts.fingerprint)!;
        await tracker.comment(decision.issue, recurrenceComment(facts, existing.createdAt));
        number = decision.issue;
        done = 'updated';
      } else {
        number = decision.issue;
        note = decision.reason;
      }
    }
    if (note) runtime.info(note);
    const url = number === undefined || !tracker ? '' : tracker.urlOf(number);
    const dir = settings['record-dir'];
    if (dir && (done === 'created' || done === 'updated' || done === 'resolved')) {
      const example = incidentExamples['record-dir'];
      const mine = deps.files.list('record-dir', dir, example).find((f) => {
        if (!f.endsWith('.md')) return false;
        const text = deps.files.read('record-dir', `${dir}/${f}`, example);
        // Offline, a resolved record stays as it is and a new incident gets a new file.
        return fingerprintIn(text) === facts.fingerprint && (!offline || recordIsOpen(text));
      });
      const event = done === 'created' ? 'detected' : done === 'updated' ? 'still failing' : 'resolved';
      if (mine)
        deps.files.write('record-dir', `${dir}/${mine}`, `- ${now.toISOString()} ${event}\n`, example, {
          append: true,
        });
      else
        deps.files.write(
          'record-dir',
          `${dir}/${recordFileName(facts)}`,
          incidentRecord(facts, url, offline ? incidentBody(facts) : undefined),
          example,
        );
    }
    await publish(
      runtime,
      {
        outputs: {
          'issue-number': number === undefined ? '' : String(number),
          'issue-url': url,
          action: done,
          fingerprint: facts.fingerprint,
        },
        annotations:
          done === 'created'
            ? [
                {
                  level: 'warning',
                  message: url
                    ? `Incident opened: ${url}`
                    : `Incident recorded in ${settings['record-dir']}/`,
                  properties: { title: incidentTitle(facts) },
                },
              ]
            : [],
        summary: `## Incident ${escapeCell(facts.fingerprint)}: ${done}\n\n${number === undefined ? escapeCell(note) : `Issue: ${url}`}${note && number !== undefined ? `\n\n${escapeCell(note)}` : ''}\n`,
      },
      redactor,
    );
  });
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
