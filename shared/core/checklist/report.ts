/** What verify-checklist tells people: the job summary, the one-line failure and the outputs. */
import type { ActionResult, Annotation } from '../action-result.js';
import { escapeCell, table } from '../markdown.js';
import type { FactResult } from '../release/fact.js';
import { sectionName, type ChecklistVerdict, type JudgedItem } from './gate.js';

export interface ReleaseGate {
  checklist: ChecklistVerdict | undefined;
  facts: readonly FactResult[];
}

export const gatePassed = (gate: ReleaseGate) =>
  (gate.checklist?.passed ?? true) && gate.facts.every((f) => f.passed);

const where = (item: JudgedItem) => `${item.source}${item.line ? `:${item.line}` : ''}`;

const UNTICKED_LISTED = 500;

/** Unticked items as the `unticked` output: JSON a later step can read. */
export function untickedJson(gate: ReleaseGate): string {
  return JSON.stringify(
    (gate.checklist?.unticked ?? []).map((i) => ({
      source: i.source,
      ...(i.file !== undefined && { file: i.file }),
      line: i.line,
      section: sectionName(i),
      text: i.text,
    })),
  );
}

export function factsJson(gate: ReleaseGate): string {
  return JSON.stringify(gate.facts);
}

/** One line for the step's failure: counts first, then the first things to fix. */
export function failureLine(gate: ReleaseGate): string {
  const parts: string[] = [];
  const unticked = gate.checklist?.unticked ?? [];
  if (unticked.length)
    parts.push(
      `${unticked.length} required item${unticked.length > 1 ? 's' : ''} unticked (first: "${unticked[0]?.text}" in ${where(unticked[0] as JudgedItem)})`,
    );
  for (const problem of gate.checklist?.problems ?? []) parts.push(problem);
  for (const fact of gate.facts.filter((f) => !f.passed)) parts.push(`${fact.fact}: ${fact.message}`);
  return `Release gate failed: ${parts.join('; ')}`;
}

export function gateSummary(gate: ReleaseGate): string {
  const passed = gatePassed(gate);
  const out = [`## Release checklist: ${passed ? 'passed' : 'failed'}`, ''];
  const verdict = gate.checklist;
  if (verdict) {
    const count = (status: JudgedItem['status']) => verdict.items.filter((i) => i.status === status).length;
    const required = count('ticked') + count('unticked');
    out.push(
      `${count('ticked')} of ${required} items ticked · ${count('optional')} optional left open · ${count('not-applicable')} not applicable · ${count('ignored') + count('out-of-scope')} not checked by the rules`,
      '',
      table(
        ['Source', 'Section', 'Ticked', 'Unticked', 'Optional', 'N/A', ''],
        verdict.sections.map((s) => [
          escapeCell(s.source),
          escapeCell(s.section),
          s.minimum === undefined ? String(s.ticked) : `${s.ticked} (needs ${s.minimum})`,
          String(s.unticked),
          String(s.optional),
          String(s.notApplicable),
          s.passed ? '✅' : '❌',
        ]),
      ),
      '',
    );
    if (verdict.unticked.length) {
      out.push('### Unticked', '');
      const bySection = new Map<string, JudgedItem[]>();
      // A pull request body can hold tens of thousands of items: the summary lists the
      // first UNTICKED_LISTED, and says how many more.
      const listed = verdict.unticked.slice(0, UNTICKED_LISTED);
      for (const item of listed) {
        const key = `${item.source} › ${sectionName(item)}`;
        const items = bySection.get(key);
        if (items) items.push(item);
        else bySection.set(key, [item]);
      }
      for (const [section, items] of bySection) {
        out.push(`**${escapeCell(section)}**`, '');
        for (const item of items) out.push(`- ${escapeCell(item.text)} (${escapeCell(where(item))})`);
        out.push('');
      }
      const more = verdict.unticked.length - listed.length;
      if (more > 0) out.push(`…and ${more} more unticked items.`, '');
    }
    if (verdict.problems.length) out.push(...verdict.problems.map((p) => `- ❌ ${escapeCell(p)}`), '');
  }
  if (gate.facts.length) {
    out.push(
      '### Facts',
      '',
      table(
        ['Fact', 'Result', 'Detail'],
        gate.facts.map((f) => [
          f.fact,
          f.waived ? '⚠️ waived' : f.passed ? '✅' : '❌',
          escapeCell(f.message),
        ]),
      ),
      '',
    );
  }
  return `${out.join('\n')}\n`;
}

/** The failure line gives the count; a log of ten thousand annotations helps no one. */
const MAX_ITEM_ANNOTATIONS = 50;

/** Everything the step shows for this gate: outputs, an annotation per problem, summary, failure. */
export function checklistResult(gate: ReleaseGate, version: string | undefined): ActionResult {
  const passed = gatePassed(gate);
  const items: Annotation[] = (gate.checklist?.unticked ?? [])
    .filter((i) => i.file !== undefined)
    .slice(0, MAX_ITEM_ANNOTATIONS)
    .map((i) => ({
      level: 'error',
      message: `Unticked: ${i.text}`,
      properties: { title: 'Release checklist', file: i.file as string, startLine: i.line },
    }));
  const facts: Annotation[] = gate.facts
    .filter((f) => !f.passed || f.waived)
    .map((f) => ({
      level: f.waived ? 'warning' : 'error',
      message: f.message,
      properties: {
        title: `Release ${f.fact}`,
        ...(f.file !== undefined && { file: f.file }),
        ...(f.line !== undefined && { startLine: f.line }),
      },
    }));
  return {
    outputs: {
      passed: String(passed),
      unticked: untickedJson(gate),
      facts: factsJson(gate),
      ...(version && { version }),
    },
    annotations: [...items, ...facts],
    summary: gateSummary(gate),
    ...(!passed && { failure: failureLine(gate) }),
  };
}
