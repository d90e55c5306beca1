import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultRules, judgeChecklists, type ChecklistRules } from '../../shared/core/checklist/gate.js';
import { MAX_CONTAINER_RUNS, MAX_QUOTE_NESTING, parseChecklist } from '../../shared/core/checklist/parse.js';
import { failureLine, gateSummary, untickedJson } from '../../shared/core/checklist/report.js';
import { loadPatternEngine } from '../../shared/core/user-pattern.js';

// verify-checklist loads the engine when it reads the ignore rules; these tests build rules directly.
beforeAll(() => loadPatternEngine());

const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'checklists', name), 'utf8');
const parse = (markdown: string, source = 'RELEASE.md') => parseChecklist({ source, file: source, markdown });
const mobile = parse(fixture('mobile-release.md'));
const rules = (over: Partial<ChecklistRules> = {}): ChecklistRules => ({ ...defaultRules, ...over });

describe('parseChecklist', () => {
  it('reads task items with their line, headings and state', () => {
    expect(mobile[0]).toEqual({
      source: 'RELEASE.md',
      file: 'RELEASE.md',
      line: 6,
      section: ['Mobile release 2.3.0', 'Pre-Release Checklist', 'Code Quality'],
      text: 'All tests pass (npm test)',
      checked: true,
      struck: false,
      depth: 0,
    });
  });

  it('ignores items inside HTML comments and code blocks', () => {
    expect(mobile.map((i) => i.text)).not.toContainEqual(expect.stringContaining('Old step'));
    expect(mobile.map((i) => i.text)).not.toContainEqual(expect.stringContaining('inside a code block'));
    expect(mobile).toHaveLength(18);
    // The same lines outside the comment and the fence are items.
    expect(parse('- [ ] Old step nobody does any more\n- [ ] An example item\n')).toHaveLength(2);
  });

  it('marks fully struck-through items, and nests sub-items under their parent', () => {
    expect(mobile.find((i) => i.text.startsWith('Bundle identifiers'))?.struck).toBe(true);
    expect(mobile.find((i) => i.text.startsWith('App icon'))?.struck).toBe(false);
    const nested = parse('## A\n- [x] parent\n  - [ ] child\n    - [x] grandchild\n');
    expect(nested.map((i) => [i.text, i.depth, i.checked])).toEqual([
      ['parent', 0, true],
      ['child', 1, false],
      ['grandchild', 2, true],
    ]);
    // An item under a plain bullet keeps depth 0: only task items nest.
    expect(mobile.find((i) => i.text.startsWith('Android: Back'))?.depth).toBe(0);
  });

  it('takes [X] as ticked, and a heading resets deeper headings', () => {
    const items = parse('# T\n## A\n### A1\n- [X] one\n## B\n- [ ] two\n');
    expect(items.map((i) => [i.section, i.checked])).toEqual([
      [['T', 'A', 'A1'], true],
      [['T', 'B'], false],
    ]);
  });

  it('finds items inside block quotes and ignores ordinary lists and prose brackets', () => {
    const items = parse('> - [ ] quoted\n\n- plain\n\nSome [ ] text\n1. [x] numbered\n');
    expect(items.map((i) => i.text)).toEqual(['quoted', 'numbered']);
  });
});

describe('judgeChecklists', () => {
  it('requires every item by default; N/A, struck and optional markers are not required', () => {
    const v = judgeChecklists(mobile, rules());
    expect(v.passed).toBe(false);
    expect(v.unticked.map((i) => i.text)).toEqual([
      'Linting passes (npm run lint)',
      'iOS build number incremented',
      'Photo permission flow',
      'Android: Back button navigation',
    ]);
    const status = (t: string) => v.items.find((i) => i.text.startsWith(t))?.status;
    expect(status('Privacy policy')).toBe('optional');
    expect(status('Terms of service')).toBe('optional');
    expect(status('Analytics')).toBe('not-applicable');
    expect(status('Bundle identifiers')).toBe('not-applicable');
  });

  it('optional markers can be switched off so they are required too', () => {
    const v = judgeChecklists(mobile, rules({ optional: [] }));
    expect(v.unticked.map((i) => i.text)).toContain('Privacy policy updated (if needed)');
  });

  it('passes a fully ticked checklist, leaving an optional item open', () => {
    const v = judgeChecklists(parse(fixture('all-ticked.md')), rules());
    expect(v.passed).toBe(true);
    expect(v.sections.find((s) => s.section.endsWith('Documentation'))).toMatchObject({
      ticked: 1,
      optional: 1,
      passed: true,
    });
  });

  it('only named sections are required; headings match at any level, case and punctuation aside', () => {
    const v = judgeChecklists(mobile, rules({ sections: ['assets & content', 'Configuration'] }));
    expect(v.unticked.map((i) => i.text)).toEqual(['iOS build number incremented']);
    const whole = judgeChecklists(mobile, rules({ sections: ['Pre-Release Checklist'] }));
    expect(whole.unticked).toHaveLength(4);
  });

  it('a minimum per section is enough for that section, and reported when not reached', () => {
    const enough = judgeChecklists(mobile, rules({ sections: ['Testing'], minimum: { Testing: 3 } }));
    expect(enough.passed).toBe(true);
    const short = judgeChecklists(mobile, rules({ sections: ['Testing'], minimum: { Testing: 4 } }));
    expect(short.passed).toBe(false);
    expect(short.problems).toEqual(['RELEASE.md: "Testing" has 3 of the 4 ticked items it needs']);
    expect(short.unticked).toEqual([]);
  });

  it('ignore patterns leave matching items out', () => {
    const v = judgeChecklists(mobile, rules({ ignore: ['^linting', 'permission flow$', 'android: '] }));
    expect(v.unticked.map((i) => i.text)).toEqual(['iOS build number incremented']);
  });

  it('fails when a named section or any items at all are missing', () => {
    expect(judgeChecklists(mobile, rules({ sections: ['Database'] })).problems).toEqual([
      'no checklist has a section "Database", which the rules require',
    ]);
    expect(judgeChecklists(parse('# Release\nNothing to tick.\n'), rules()).problems).toEqual([
      'no checklist items (- [ ] …) were found in any source',
    ]);
  });

  it('keeps sources apart in tallies', () => {
    const v = judgeChecklists(
      [...parse('## A\n- [x] a\n', 'one.md'), ...parse('## A\n- [ ] a\n', 'two.md')],
      rules(),
    );
    expect(v.sections.map((s) => [s.source, s.section, s.passed])).toEqual([
      ['one.md', 'A', true],
      ['two.md', 'A', false],
    ]);
  });
});

describe('report', () => {
  it('groups the summary by section with counts, and lists unticked items with their line', () => {
    const gate = { checklist: judgeChecklists(mobile, rules()), facts: [] };
    const summary = gateSummary(gate);
    expect(summary).toContain('## Release checklist: failed');
    expect(summary).toContain('10 of 14 items ticked · 2 optional left open · 2 not applicable');
    expect(summary).toContain(
      '| RELEASE.md | Mobile release 2.3.0 › Pre-Release Checklist › Code Quality | 3 | 1 | 0 | 0 | ❌ |',
    );
    expect(summary).toContain('- Linting passes (npm run lint) (RELEASE.md:8)');
    expect(JSON.parse(untickedJson(gate))[0]).toEqual({
      source: 'RELEASE.md',
      file: 'RELEASE.md',
      line: 8,
      section: 'Mobile release 2.3.0 › Pre-Release Checklist › Code Quality',
      text: 'Linting passes (npm run lint)',
    });
    expect(failureLine(gate)).toBe(
      'Release gate failed: 4 required items unticked (first: "Linting passes (npm run lint)" in RELEASE.md:8)',
    );
  });

  it('keeps item text inert in the summary', () => {
    const gate = {
      checklist: judgeChecklists(parse('## A\n- [ ] <img src=x> @team | ping\n'), rules()),
      facts: [],
    };
    expect(gateSummary(gate)).toContain('\\<img src=x\\> `@team` \\| ping');
  });
});

describe('bounded work on nested quotes', () => {
  it('60 000 nested > are refused at once, naming the depth and the bound', () => {
    const started = Date.now();
    expect(() => parse(`${'>'.repeat(60_000)} - [x] deep\n`)).toThrow(/60000 levels of >; at most 100/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('any depth up to the bound is read; past it, refused; never a crash', () =>
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 * MAX_QUOTE_NESTING }),
        fc.constantFrom('>', '> ', ' >'),
        (depth, mark) => {
          const markdown = `${mark.repeat(depth)} - [x] deep\n`;
          if (depth > MAX_QUOTE_NESTING) expect(() => parse(markdown)).toThrow(/levels of >/);
          else expect(parse(markdown).map((i) => i.text)).toEqual(['deep']);
        },
      ),
      { numRuns: 200 },
    ));

  it('the summary of 20 000 unticked items is built in linear time and lists the first 500', () => {
    const items = parse('- [ ] item\n'.repeat(20_000));
    const started = Date.now();
    const summary = gateSummary({ checklist: judgeChecklists(items, rules()), facts: [] } as never);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(summary).toContain('…and 19500 more unticked items.');
  });
});

describe('bounded work on many separate lists and quotes', () => {
  it.each([
    ['lists between paragraphs', '- [ ] item\n\ntext\n\n'],
    ['quotes between headings', '> - [ ] q\n# h\n'],
  ])('%s: thousands are refused at once; a thousand are read within a second', (_, unit) => {
    let started = Date.now();
    expect(() => parse(unit.repeat(5000))).toThrow(
      /holds 5000 separate lists or quotes; a checklist may hold at most 1000/,
    );
    expect(Date.now() - started).toBeLessThan(500);
    started = Date.now();
    expect(parse(unit.repeat(MAX_CONTAINER_RUNS)).length).toBe(unit.includes('[ ]') ? MAX_CONTAINER_RUNS : 0);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
