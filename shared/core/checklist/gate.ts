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
  const ignore = rules.ignore.map((p) => userPattern(p, { ignoreCase: true }));
  const optional = rules.optional.map((m) => m.toLowerCase());
  const minimumKeys = Object.keys(rules.minimum);

  const judged: JudgedItem[] = items.map((item) => {
    const inScope =
      rules.sections.length === 0 ||
      ruleFor(rules.sections, item) !== undefined ||
      ruleFor(minimumKeys, item) !== undefined;
    const status: ItemStatus = !inScope
      ? 'out-of-scope'
      : ignore.some((re) => re.test(item.text))
        ? 'ignored'
        : item.struck || NOT_APPLICABLE.test(item.text)
          ? 'not-applicable'
          : item.checked
            ? 'ticked'
            : optional.some((m) => item.text.toLowerCase().includes(m))
              ? 'optional'
              : 'unticked';
    return { ...item, status };
  });

  const problems: string[] = [];
  if (items.length === 0) problems.push('no checklist items (- [ ] …) were found in any source');
  for (const key of [...rules.sections, ...minimumKeys]) {
    if (!items.some((i) => ruleFor([key], i) !== undefined))
      problems.push(`no checklist has a section "${key}", which the rules require`);
  }

  const tallies = new Map<string, SectionTally>();
  for (const item of judged) {
    if (item.status === 'out-of-scope' || item.status === 'ignored') continue;
    const id = `${item.source}\u0000${sectionName(item)}`;
    const tally = tallies.get(id) ?? {
      source: item.source,
      section: sectionName(item),
      ticked: 0,
      unticked: 0,
      optional: 0,
      notApplicable: 0,
      passed: true,
    };
    tallies.set(id, tally);
    if (item.status === 'ticked') tally.ticked++;
    else if (item.status === 'unticked') tally.unticked++;
    else if (item.status === 'optional') tally.optional++;
    else tally.notApplicable++;
  }

  // A minimum applies to everything under its heading, across sub-sections of one source.
  const underMinimum = new Set<JudgedItem>();
  for (const key of minimumKeys) {
    const need = rules.minimum[key] as number;
    for (const source of new Set(judged.map((i) => i.source))) {
      const covered = judged.filter(
        (i) => i.source === source && i.status !== 'out-of-scope' && ruleFor([key], i) !== undefined,
      );
      if (covered.length === 0) continue;
      for (const i of covered) underMinimum.add(i);
      const ticked = covered.filter((i) => i.status === 'ticked').length;
      for (const i of covered) {
        const tally = tallies.get(`${i.source}\u0000${sectionName(i)}`);
        if (tally) tally.minimum = need;
      }
      if (ticked < need) {
        problems.push(`${source}: "${key}" has ${ticked} of the ${need} ticked items it needs`);
        for (const i of covered) {
          const tally = tallies.get(`${i.source}\u0000${sectionName(i)}`);
          if (tally) tally.passed = false;
        }
      }
    }
  }

  const unticked = judged.filter((i) => i.status === 'unticked' && !underMinimum.has(i));
  for (const item of unticked) {
    const tally = tallies.get(`${item.source}\u0000${sectionName(item)}`);
    if (tally) tally.passed = false;
  }
  return {
    passed: problems.length === 0 && unticked.length === 0,
    items: judged,
    sections: [...tallies.values()],
    unticked,
    problems,
  };
}
