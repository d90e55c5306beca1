/**
 * Properties of the parsers every input goes through, over inputs fast-check
 * generates: none of them throws on any text, what they accept lies within the
 * documented bounds, and what the code writes back reads the same again.
 */
import fc from 'fast-check';
import { parseChecklist } from '../../shared/core/checklist/parse.js';
import { formatDuration, parseDuration } from '../../shared/core/duration.js';
import { OperationalError } from '../../shared/core/errors.js';
import { formatJsonPath, jsonPathGet, parseJsonPath } from '../../shared/core/json-path.js';
import { MAX_PROBES, probeList } from '../../shared/core/probe-spec.js';
import { duration, MAX_DURATION_MS } from '../../shared/core/schema-kit.js';
import { planSpec, resumeIndex, shorthandPlan, type Plan } from '../../shared/core/traffic/plan.js';
import {
  describeSplit,
  normalizeSplit,
  sameSplit,
  splitFromWeights,
  splitTotal,
} from '../../shared/core/traffic/split.js';

const runs = { numRuns: 300 };
/** Text with the characters that matter to these parsers, and any other. */
const texty = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789.,-+ msdh%[]{}"\\$_:#>*~`|\n\t'.split('')) }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
);

describe('durations', () => {
  it('parseDuration never throws, and gives undefined or a finite, non-negative number', () =>
    fc.assert(
      fc.property(texty, (text) => {
        const ms = parseDuration(text);
        return ms === undefined || (Number.isFinite(ms) && ms >= 0) || ms === Infinity;
      }),
      runs,
    ));

  it('the duration schema never throws, and what it accepts is within a timer’s limit', () =>
    fc.assert(
      fc.property(fc.oneof(texty, fc.double(), fc.integer()), (value) => {
        const parsed = duration().safeParse(value);
        return !parsed.success || (parsed.data >= 0 && parsed.data <= MAX_DURATION_MS);
      }),
      runs,
    ));

  it('reads back what formatDuration writes, to within its rounding', () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_DURATION_MS }), (ms) => {
        const back = parseDuration(formatDuration(ms)) as number;
        const tolerance = ms < 1000 ? 0.5 : ms < 60_000 ? 50 : 500;
        return Math.abs(back - ms) <= tolerance;
      }),
      runs,
    ));

  it('adds the parts of a compound duration', () =>
    fc.assert(
      fc.property(
        fc.nat(23),
        fc.nat(59),
        fc.nat(59),
        fc.nat(999),
        (h, m, s, ms) =>
          parseDuration(`${h}h${m}m${s}s${ms}ms`) === h * 3_600_000 + m * 60_000 + s * 1000 + ms,
      ),
      runs,
    ));
});

describe('splits', () => {
  const weights = fc.dictionary(
    fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
    fc.integer({ min: 0, max: 256 }),
    { minKeys: 1, maxKeys: 6 },
  );

  it('router weights become whole percentages that sum to exactly 100 (or nothing when all are 0)', () =>
    fc.assert(
      fc.property(weights, (w) => {
        const split = splitFromWeights(w);
        const total = Object.values(w).reduce((a, b) => a + b, 0);
        if (total === 0) return Object.keys(split).length === 0;
        return splitTotal(split) === 100 && Object.values(split).every((p) => Number.isInteger(p) && p >= 0);
      }),
      runs,
    ));

  it('a revision with more weight never gets a smaller share', () =>
    fc.assert(
      fc.property(weights, (w) => {
        const split = splitFromWeights(w);
        const names = Object.keys(w);
        return names.every((a) => names.every((b) => !(w[a]! > w[b]!) || (split[a] ?? 0) >= (split[b] ?? 0)));
      }),
      runs,
    ));

  it('normalising is idempotent and keeps equality; the description names every share', () =>
    fc.assert(
      fc.property(weights, (w) => {
        const split = splitFromWeights(w);
        const once = normalizeSplit(split);
        const text = describeSplit(split);
        return (
          sameSplit(once, normalizeSplit(once)) &&
          sameSplit(split, once) &&
          Object.entries(once).every(([r, p]) => text.includes(`${r} ${p}%`))
        );
      }),
      runs,
    ));
});

describe('plans', () => {
  const increasing = fc
    .uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 12 })
    .map((xs) => [...xs].sort((a, b) => a - b));
  const weightsOf = (plan: Plan) => plan.flatMap((s) => (s.kind === 'weight' ? [s.percent] : []));

  it('shorthand never throws on any text', () =>
    fc.assert(
      fc.property(texty, (text) => {
        const plan = shorthandPlan(text, 60_000, 10_000);
        return typeof plan === 'string' || Array.isArray(plan);
      }),
      runs,
    ));

  it('increasing weights make a plan that climbs, reaches 100 % and ends in a bake', () =>
    fc.assert(
      fc.property(increasing, fc.integer({ min: 1, max: 3_600_000 }), (ws, hold) => {
        const plan = shorthandPlan(ws.join(','), hold, 10_000) as Plan;
        const seen = weightsOf(plan);
        return (
          seen.every((w, i) => i === 0 || w > seen[i - 1]!) &&
          seen.at(-1) === 100 &&
          plan.at(-1)?.kind === 'analysis'
        );
      }),
      runs,
    ));

  it('weights that go down or repeat are refused with a sentence', () =>
    fc.assert(
      fc.property(
        increasing.filter((ws) => ws.length >= 2),
        fc.nat(),
        (ws, k) => {
          const broken = [...ws];
          const i = 1 + (k % (ws.length - 1));
          broken[i] = broken[i - 1]!;
          return typeof shorthandPlan(broken.join(','), 60_000, 10_000) === 'string';
        },
      ),
      runs,
    ));

  it('a run resumes right after the step that set the share it finds, and calls any other share drift', () =>
    fc.assert(
      fc.property(increasing, fc.integer({ min: 0, max: 100 }), (ws, found) => {
        const plan = shorthandPlan(ws.join(','), 60_000, 10_000) as Plan;
        const at = resumeIndex(plan, found);
        if (found === 0) return at === 0;
        const index = plan.findIndex((s) => s.kind === 'weight' && s.percent === found);
        if (index >= 0) return at === index + 1;
        return at === 'drift';
      }),
      runs,
    ));

  it('the YAML plan schema never throws on any JSON value', () =>
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        planSpec.safeParse(value);
        return true;
      }),
      runs,
    ));
});

describe('JSON paths', () => {
  const key = fc.oneof(
    fc.stringMatching(/^[A-Za-z_][\w-]{0,8}$/),
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.constantFrom('$', '$a', 'a b', 'x"y', 'back\\slash', '0', 'constructor', '__proto__'),
  );
  const path = fc.array(fc.oneof(key, fc.nat(20)), { minLength: 1, maxLength: 6 });

  it('parseJsonPath never throws on any text', () =>
    fc.assert(
      fc.property(texty, (text) => {
        const parsed = parseJsonPath(text);
        return parsed === undefined || parsed.length > 0;
      }),
      runs,
    ));

  it('reads back what formatJsonPath writes', () =>
    fc.assert(
      fc.property(path, (p) => {
        expect(parseJsonPath(formatJsonPath(p))).toEqual(p);
      }),
      runs,
    ));

  it('finds a value wherever a document built along the path holds it', () =>
    fc.assert(
      fc.property(path, fc.jsonValue(), (p, leaf) => {
        let document: unknown = leaf;
        for (const segment of [...p].reverse()) {
          if (typeof segment === 'number') {
            const list: unknown[] = Array.from({ length: segment + 1 }, () => null);
            list[segment] = document;
            document = list;
          } else {
            document = Object.defineProperty({}, segment, { value: document, enumerable: true });
          }
        }
        const found = jsonPathGet(document, p);
        return found.present && Object.is(found.value, leaf);
      }),
      runs,
    ));
});

describe('checklist markdown', () => {
  const itemText = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,.()'-]{0,40}[A-Za-z0-9.)]$/);
  const item = fc.record({ text: itemText, checked: fc.boolean() });

  it('reads back every item written as a task list, with its tick and its line', () =>
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 30 }), (items) => {
        const markdown = `## Release\n\n${items.map((i) => `- [${i.checked ? 'x' : ' '}] ${i.text}`).join('\n')}\n`;
        const parsed = parseChecklist({ source: 'R.md', file: 'R.md', markdown });
        expect(parsed.map((p) => ({ text: p.text, checked: p.checked }))).toEqual(
          items.map((i) => ({ text: i.text.replace(/\s+/g, ' '), checked: i.checked })),
        );
        expect(parsed.map((p) => p.line)).toEqual(items.map((_, k) => k + 3));
        expect(parsed.every((p) => p.section.join() === 'Release')).toBe(true);
      }),
      runs,
    ));

  it('never throws anything but a one-line error on any markdown', () =>
    fc.assert(
      fc.property(texty, (markdown) => {
        try {
          parseChecklist({ source: 'R.md', markdown });
        } catch (error) {
          expect(error).toBeInstanceOf(OperationalError);
        }
      }),
      runs,
    ));

  it('an item inside a code block or an HTML comment is never an item', () =>
    fc.assert(
      fc.property(itemText, (text) => {
        const markdown = `\`\`\`\n- [ ] ${text}\n\`\`\`\n\n<!--\n- [ ] ${text}\n-->\n`;
        return parseChecklist({ source: 'R.md', markdown }).length === 0;
      }),
      runs,
    ));
});

describe('probe specs', () => {
  it('the probe list schema never throws on any JSON value', () =>
    fc.assert(
      // Asynchronous, as the actions parse: a body-matches pattern loads its engine.
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        await probeList.safeParseAsync(value);
        return true;
      }),
      runs,
    ));

  it('accepts well-formed probes and keeps their names; refuses a list past the bound', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
    const spec = fc.record({
      name,
      url: fc.webUrl({ validSchemes: ['http', 'https'] }),
      method: fc.constantFrom('GET', 'HEAD', 'post'),
      timeout: fc.constantFrom('500ms', '10s', '1m'),
      expect: fc.record({ status: fc.constantFrom(200, '2xx', [200, '301-302']) }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(spec, { selector: (s) => s.name, minLength: 1, maxLength: 10 }), (specs) => {
        const parsed = probeList.safeParse(specs);
        expect(parsed.success).toBe(true);
        expect(parsed.data?.map((p) => p.name)).toEqual(specs.map((s) => s.name));
      }),
      runs,
    );
    const many = Array.from({ length: MAX_PROBES + 1 }, (_, i) => ({ name: `p${i}`, url: 'http://x/' }));
    expect(probeList.safeParse(many).success).toBe(false);
  });

  it('refuses a header value that Node would refuse to send, whatever the character', () =>
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), (value) => {
        const parsed = probeList.safeParse([{ name: 'a', url: 'http://x/', headers: { 'x-v': value } }]);
        const sendable = !/[^\t\x20-\x7e\x80-\xff]/.test(value);
        return parsed.success === sendable;
      }),
      runs,
    ));
});
