/**
 * What the people in #incidents are told (runbook 004: post in the channel when an
 * incident opens, update every 30 minutes until it is resolved), as one neutral
 * message that slack.ts and teams.ts each render in their service's format.
 */
import { formatDuration } from '../duration.js';
import { SEVERITIES, type IncidentFacts } from '../incident/incident.js';
import { withoutBidi } from '../plain-text.js';

export type ChatEvent = 'opened' | 'updated' | 'resolved' | 'rolled-back';

export interface ChatMessage {
  event: ChatEvent;
  /** One line, written by us around the user's words. */
  headline: string;
  /** Label and value; values may hold text we did not write, which each renderer escapes. */
  facts: [string, string][];
  links: { label: string; url: string }[];
}

/** Text for a chat: one line, no control characters or bidi overrides, capped. */
export function chatText(text: string, max: number): string {
  const flat = withoutBidi(text)
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/\p{Cc}/gu, '')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const VERB = { created: 'opened', updated: 'updated', resolved: 'resolved' } as const;

/** The message for an incident the tracker just created, updated or resolved. */
export function incidentChatMessage(
  f: IncidentFacts,
  done: keyof typeof VERB,
  where: { issueUrl: string; openedAt?: Date | undefined },
): ChatMessage {
  const event = VERB[done];
  const down = f.report?.probes.filter((p) => !p.healthy) ?? [];
  const facts: [string, string][] = [
    ['Severity', `${f.severity} (${SEVERITIES[f.severity].name})`],
    ['Service', `${f.service} in ${f.environment}`],
  ];
  if (event === 'resolved') {
    if (where.openedAt) facts.push(['Duration', formatDuration(f.at.getTime() - where.openedAt.getTime())]);
  } else {
    facts.push(['Impact', f.impact ?? 'not assessed yet']);
    if (down.length) facts.push(['Down', down.map((p) => `${p.name}: ${p.reason ?? 'down'}`).join('; ')]);
    facts.push(['Rollback', f.rollback ?? 'none recorded']);
  }
  const links = [
    ...(where.issueUrl ? [{ label: 'Incident issue', url: where.issueUrl }] : []),
    ...(f.runUrl ? [{ label: event === 'resolved' ? 'Run that saw it recover' : 'Run', url: f.runUrl }] : []),
    ...(f.runbookUrl ? [{ label: 'Runbook', url: f.runbookUrl }] : []),
  ];
  const what = f.title ?? `${f.service} (${f.environment}): ${f.kind} failing`;
  return { event, headline: `${f.severity} incident ${event}: ${what}`, facts, links };
}

export interface RollbackNews {
  action: string;
  environment?: string | undefined;
  from: string;
  to: string;
  reason: string;
  runUrl: string;
}

/** The message for traffic that was put back on a known-good revision. */
export function rollbackChatMessage(r: RollbackNews): ChatMessage {
  const where = r.environment ? ` in ${r.environment}` : '';
  return {
    event: 'rolled-back',
    headline: `Rolled back${where}: ${r.to}`,
    facts: [
      ['Before', r.from],
      ['Now', r.to],
      ['Why', r.reason],
      ['By', r.action],
    ],
    links: r.runUrl ? [{ label: 'Run', url: r.runUrl }] : [],
  };
}
