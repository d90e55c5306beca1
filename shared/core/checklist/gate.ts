/**
 * Whether a set of checklists lets a release through. Every item is required unless
 * the rules narrow it: only some sections, a minimum ticked count for a section,
 * markers that make an item optional, patterns that ignore items. Struck-through and
 * "(N/A)" items are not applicable. A section the rules name but no checklist has,
 * or no items at all, fails: a gate must not pass because its checklist vanished.
 */
import { userPattern } from '../user-pattern.js';
import type { ChecklistItem } from './parse.js';

export interface ChecklistRules {
  /** Headings whose items are required; empty means every section. */
  sections: readonly string[];
  /** Sections where N ticked items are enough. */
  minimum: Readonly<Record<string, number>>;
  /** Markers (case-insensitive) that make an item optional, such as "(if needed)". */
  optional: readonly string[];
  /** Regular expressions (case-insensitive) for items to leave out. */
  ignore: readonly string[];
}

export const defaultRules: ChecklistRules = {
  sections: [],
  minimum: {},
  optional: ['(optional)', '(if needed)'],
  ignore: [],
};

export type ItemStatus = 'ticked' | 'unticked' | 'optional' | 'not-applicable' | 'ignored' | 'out-of-scope';

export interface JudgedItem extends ChecklistItem {
  status: ItemStatus;
}

export interface SectionTally {
  source: string;
  /** Heading path joined with " › " ("(no heading)" for items above the first heading). */
  section: string;
  ticked: number;
  unticked: number;
  optional: number;
  notApplicable: number;
  /** Set when a minimum rule governs the section. */
  minimum?: number;
  passed: boolean;
}

export interface ChecklistVerdict {
  passed: boolean;
  items: JudgedItem[];
  sections: SectionTally[];
  /** Required items left unticked (sections under a minimum rule report through `problems`). */
  unticked: JudgedItem[];
  /** Failures that are not a single item: a missing section, a minimum not reached, no items. */
  problems: string[];
}

const NOT_APPLICABLE = /\(\s*n\s*\/\s*a\s*\)/i;

export function sectionName(item: Pick<ChecklistItem, 'section'>): string {
  return item.section.length ? item.section.join(' › ') : '(no heading)';
}

const normalise = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** The rule key (as the user wrote it) that names one of the item's headings, if any. */
function ruleFor(keys: readonly string[], item: ChecklistItem): string | undefined {
  const headings = item.section.map(normalise);
  return keys.find((k) => headings.includes(normalise(k)));
}

export function judgeChecklists(items: readonly ChecklistItem[], rules: ChecklistRules): ChecklistVerdict {
  const status = statusRule(rules);
  const judged = items.map((item) => ({ ...item, status: status(item) }));
  const problems = missingSections(items, rules);
  const tallies = tally(judged);
  const underMinimum = applyMinimums(judged, rules, tallies, problems);
  const unticked = judged.filter((i) => i.status === 'unticked' && !underMinimum.has(i));
  for (const item of unticked) {
    const t = tallies.get(tallyId(item));
    if (t) t.passed = false;
  }
  return {
    passed: problems.length === 0 && unticked.length === 0,
    items: judged,
    sections: [...tallies.values()],
    unticked,
    problems,
  };
}

/** Each item's status under the rules; patterns compiled once for every item. */
function statusRule(rules: ChecklistRules): (item: ChecklistItem) => ItemStatus {
  const ignore = rules.ignore.map((p) => userPattern(p, { ignoreCase: true }));
  const optional = rules.optional.map((m) => m.toLowerCase());
  const scoped = [...rules.sections, ...Object.keys(rules.minimum)];
  return (item) => {
    if (rules.sections.length > 0 && ruleFor(scoped, item) === undefined) return 'out-of-scope';
    if (ignore.some((re) => re.test(item.text))) return 'ignored';
    if (item.struck || NOT_APPLICABLE.test(item.text)) return 'not-applicable';
    if (item.checked) return 'ticked';
    const text = item.text.toLowerCase();
    return optional.some((m) => text.includes(m)) ? 'optional' : 'unticked';
  };
}

/** A gate must not pass because its checklist vanished: no items, or a section the rules name is gone. */
function missingSections(items: readonly ChecklistItem[], rules: ChecklistRules): string[] {
  const problems: string[] = [];
  if (items.length === 0) problems.push('no checklist items (- [ ] …) were found in any source');
  for (const key of [...rules.sections, ...Object.keys(rules.minimum)]) {
    if (!items.some((i) => ruleFor([key], i) !== undefined))
      problems.push(`no checklist has a section "${key}", which the rules require`);
  }
  return problems;
}

const tallyId = (item: ChecklistItem) => `${item.source}\u0000${sectionName(item)}`;

/** Counts per source and section, leaving out items the rules put aside. */
function tally(judged: readonly JudgedItem[]): Map<string, SectionTally> {
  const tallies = new Map<string, SectionTally>();
  for (const item of judged) {
    if (item.status === 'out-of-scope' || item.status === 'ignored') continue;
    const t = tallies.get(tallyId(item)) ?? {
      source: item.source,
      section: sectionName(item),
      ticked: 0,
      unticked: 0,
      optional: 0,
      notApplicable: 0,
      passed: true,
    };
    tallies.set(tallyId(item), t);
    if (item.status === 'ticked') t.ticked++;
    else if (item.status === 'unticked') t.unticked++;
    else if (item.status === 'optional') t.optional++;
    else t.notApplicable++;
  }
  return tallies;
}

/**
 * A minimum applies to everything under its heading, across sub-sections of one
 * source. Marks the tallies and adds a problem per minimum not reached; returns the
 * items a minimum governs (they do not fail one by one).
 */
function applyMinimums(
  judged: readonly JudgedItem[],
  rules: ChecklistRules,
  tallies: Map<string, SectionTally>,
  problems: string[],
): Set<JudgedItem> {
  const underMinimum = new Set<JudgedItem>();
  for (const [key, need] of Object.entries(rules.minimum)) {
    for (const source of new Set(judged.map((i) => i.source))) {
      const covered = judged.filter(
        (i) => i.source === source && i.status !== 'out-of-scope' && ruleFor([key], i) !== undefined,
      );
      const ticked = covered.filter((i) => i.status === 'ticked').length;
      if (ticked < need && covered.length > 0)
        problems.push(`${source}: "${key}" has ${ticked} of the ${need} ticked items it needs`);
      for (const i of covered) {
        underMinimum.add(i);
        const t = tallies.get(tallyId(i));
        if (t) t.minimum = need;
        if (t && ticked < need) t.passed = false;
      }
    }
  }
  return underMinimum;
}
