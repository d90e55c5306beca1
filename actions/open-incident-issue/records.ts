/**
 * The incident record files under record-dir: the incident itself when there is
 * no token (rehearsals, repositories without issues), and a log beside the issue
 * otherwise, one line per event.
 */
import type { WorkspaceFiles } from '../../shared/adapters/workspace.js';
import {
  fingerprintIn,
  incidentBody,
  incidentRecord,
  freeName,
  recordFileName,
  recordIsOpen,
  type IncidentFacts,
} from '../../shared/core/incident/incident.js';
import type { IncidentOutcome } from '../../shared/engine/incidents.js';
import { incidentExamples } from './settings.js';

const example = incidentExamples['record-dir'];

/** The record files: a folder or a link named like one is skipped, never a reason to stop. */
const records = (files: WorkspaceFiles, dir: string) =>
  files
    .list('record-dir', dir, example)
    .filter((e) => e.file && e.name.endsWith('.md'))
    .map(({ name }) => ({ name, text: files.read('record-dir', `${dir}/${name}`, example) }));

/** Without GitHub, an open record file is the open incident. */
export function offlineOutcome(
  files: WorkspaceFiles,
  dir: string,
  fingerprint: string,
  mode: 'open' | 'resolve',
): IncidentOutcome {
  const open = records(files, dir).some((r) => fingerprintIn(r.text) === fingerprint && recordIsOpen(r.text));
  if (mode === 'resolve')
    return open
      ? { done: 'resolved' }
      : { done: 'nothing', note: `no open incident for ${fingerprint}; nothing to resolve` };
  return { done: open ? 'updated' : 'created' };
}

export function writeRecord(
  files: WorkspaceFiles,
  dir: string,
  facts: IncidentFacts,
  done: IncidentOutcome['done'],
  context: { issueUrl: string; offline: boolean },
): void {
  if (done === 'nothing') return;
  // Offline, a resolved record stays as it is and a new incident gets a new file.
  const mine = records(files, dir).find(
    (r) => fingerprintIn(r.text) === facts.fingerprint && (!context.offline || recordIsOpen(r.text)),
  );
  const event = done === 'created' ? 'detected' : done === 'updated' ? 'still failing' : 'resolved';
  if (mine)
    files.write('record-dir', `${dir}/${mine.name}`, `- ${facts.at.toISOString()} ${event}\n`, example, {
      append: true,
    });
  else
    files.write(
      'record-dir',
      `${dir}/${freeName(
        recordFileName(facts),
        files.list('record-dir', dir, example).map((e) => e.name),
      )}`,
      incidentRecord(
        facts,
        context.issueUrl,
        context.offline ? incidentBody(facts, { timeline: false }) : undefined,
      ),
      example,
    );
}
