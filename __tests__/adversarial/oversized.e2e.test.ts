/**
 * Oversized and deeply nested YAML, JSON and markdown: documents built to exhaust
 * a parser's stack, memory or time (alias bombs, ten thousand levels of nesting,
 * inputs near the size an environment variable can hold) end in one line, or in a
 * documented bound, within seconds.
 */
import { on, runCorpus, type Attack } from '../support/adversarial.js';
import { visibleLog } from '../support/run-action.js';

// Linux holds at most 128 KiB in one environment variable, which is how the runner
// passes an input; 120 000 characters is as large as an input can get.
const NEAR_MAX = 120_000;
const aliasBomb = [
  'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]',
].join('\n');
const deepFlow = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const failing = (extra = '') => `{"healthy": false, "probes": [{"name": "api", "healthy": false${extra}}]}`;
const quick = { timeoutMs: 15_000 };

const yaml: Attack[] = [
  {
    title: 'probes: an alias bomb (a billion laughs)',
    action: 'healthcheck',
    inputs: (t) => on.healthcheck(t, aliasBomb),
    ...quick,
    refuses: { input: 'probes', says: /alias|YAML/ },
  },
  {
    title: 'probes: ten thousand nested flow sequences',
    action: 'healthcheck',
    inputs: (t) => on.healthcheck(t, deepFlow(10_000)),
    ...quick,
    refuses: { input: 'probes', says: /nested|YAML|must/ },
  },
  {
    title: 'steps: an alias bomb',
    action: 'shift-traffic',
    inputs: (t) => on.shift(t, { steps: aliasBomb }),
    ...quick,
    refuses: { input: 'steps', says: /alias|YAML/ },
  },
  {
    title: 'steps: five thousand pauses',
    action: 'shift-traffic',
    inputs: (t) => on.shift(t, { steps: `[{weight: 10}, ${'{pause: 1s}, '.repeat(5000)}{weight: 100}]` }),
    ...quick,
    refuses: { input: 'steps', says: /must have at most 100 steps/ },
  },
  {
    title: 'rules: an alias bomb',
    action: 'verify-checklist',
    inputs: () => on.checklist({ rules: aliasBomb }),
    files: { 'RELEASE.md': '- [x] a\n' },
    ...quick,
    refuses: { input: 'rules', says: /alias|YAML/ },
  },
  {
    title: 'rules: nested ten thousand deep',
    action: 'verify-checklist',
    inputs: () => on.checklist({ rules: `sections: ${deepFlow(10_000)}` }),
    files: { 'RELEASE.md': '- [x] a\n' },
    ...quick,
    refuses: { input: 'rules', says: /nested|YAML|must/ },
  },
  {
    title: 'a healthcheck config file with an alias bomb',
    action: 'healthcheck',
    inputs: () => ({ config: 'health.yml' }),
    files: { 'health.yml': `probes: []\n${aliasBomb}\n` },
    ...quick,
    refuses: { input: 'config', says: /alias|YAML/ },
  },
  {
    title: 'a healthcheck config file nested a hundred thousand deep',
    action: 'healthcheck',
    inputs: () => ({ config: 'health.yml' }),
    files: { 'health.yml': `probes: ${deepFlow(100_000)}\n` },
    ...quick,
    refuses: { input: 'config', says: /nested|YAML|must/ },
  },
  {
    title: 'probes: two thousand probes against one host',
    action: 'healthcheck',
    inputs: (t) =>
      on.healthcheck(
        t,
        `[${Array.from({ length: 2000 }, (_, i) => `{name: p${i}, url: "${t.service.url}/"}`).join(',')}]`,
      ),
    ...quick,
    refuses: { input: 'probes', says: /must list at most 500 probes; split them across jobs/ },
  },
  {
    title: 'probes: a request body as large as an input can be',
    action: 'healthcheck',
    inputs: (t) =>
      on.healthcheck(
        t,
        `[{name: api, url: "${t.service.url}/health", method: POST, body: "${'x'.repeat(NEAR_MAX)}"}]`,
      ),
    ...quick,
    safe: {
      is: 'sent as given: the body is the user’s to choose',
      check: (run, t) => {
        expect(run.code).toBe(0);
        expect(t.service.requests.at(-1)!.body).toHaveLength(NEAR_MAX);
      },
    },
  },
  {
    title: 'a JSON expectation with a path ten thousand segments long',
    action: 'healthcheck',
    inputs: (t) =>
      on.healthcheck(
        t,
        `[{name: api, url: "${t.service.url}/health", expect: {json: {"${'a.'.repeat(10_000)}a": 1}}}]`,
      ),
    ...quick,
    safe: {
      is: 'the path is not found in the answer: the probe is down, in one line of reason',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/::error title=Probe api is down::/);
      },
    },
  },
];

const json: Attack[] = [
  {
    title: 'a report nested ten thousand deep',
    action: 'open-incident-issue',
    inputs: () => on.incident({ report: deepJson(10_000) }),
    ...quick,
    refuses: { input: 'report', says: /must|nested/ },
  },
  {
    title: 'a report with one probe repeated ten thousand times',
    action: 'open-incident-issue',
    inputs: () =>
      on.incident({
        service: 'bulk',
        report: `{"healthy": false, "probes": [${Array.from({ length: 3000 }, (_, i) => `{"name":"p${i}","healthy":false}`).join(',')}]}`,
      }),
    ...quick,
    safe: {
      is: 'the incident opens with a body under GitHub’s 65 536-character limit',
      check: (run, t) => {
        expect(run.code).toBe(0);
        expect(t.github.issues.at(-1)!.body.length).toBeLessThanOrEqual(65_536);
      },
    },
  },
  {
    title: 'a report whose probe reason is as large as an input can be',
    action: 'open-incident-issue',
    inputs: () =>
      on.incident({ service: 'reason', report: failing(`, "reason": "${'r'.repeat(NEAR_MAX)}"`) }),
    ...quick,
    safe: {
      is: 'opened with the reason shortened',
      check: (run, t) => {
        expect(run.code).toBe(0);
        expect(t.github.issues.at(-1)!.body.length).toBeLessThanOrEqual(65_536);
      },
    },
  },
  {
    title: 'an impact as large as an input can be',
    action: 'open-incident-issue',
    inputs: () => on.incident({ service: 'impact', impact: 'i'.repeat(NEAR_MAX), report: failing() }),
    ...quick,
    safe: {
      is: 'opened with the impact shortened and a note',
      check: (run, t) => {
        expect(run.code).toBe(0);
        expect(t.github.issues.at(-1)!.body).toMatch(/more characters/);
      },
    },
  },
  {
    title: 'a title as large as an input can be',
    action: 'open-incident-issue',
    inputs: () => on.incident({ service: 'title', title: 't'.repeat(NEAR_MAX), report: failing() }),
    ...quick,
    safe: {
      is: 'opened with the title shortened to GitHub’s 256 characters',
      check: (run, t) => {
        expect(run.code).toBe(0);
        expect(t.github.issues.at(-1)!.title.length).toBeLessThanOrEqual(256);
      },
    },
  },
];

const markdown: Attack[] = [
  {
    title: 'a checklist nested ten thousand blockquotes deep',
    action: 'verify-checklist',
    inputs: () => on.checklist(),
    files: { 'RELEASE.md': `${'> '.repeat(10_000)}- [x] deep\n` },
    ...quick,
    safe: {
      is: 'one line saying it is nested too deeply, not a crash',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(visibleLog(run).trim()).toBe(
          '::error::verify-checklist: RELEASE.md is nested too deeply to read as a checklist (10000 levels of >; at most 100)',
        );
      },
    },
  },
  {
    title: 'a pull request body of sixty thousand nested blockquotes (120 KiB, under the size bound)',
    action: 'verify-checklist',
    inputs: () => on.checklist(),
    files: { 'RELEASE.md': `${'>'.repeat(60_000)} - [x] deep\n` },
    timeoutMs: 5000,
    safe: {
      is: 'one line saying how deep it is and the bound, within seconds',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(visibleLog(run).trim()).toMatch(/nested too deeply .*60000 levels of >; at most 100/);
      },
    },
  },
  {
    title: 'a checklist nested five thousand lists deep',
    action: 'verify-checklist',
    inputs: () => on.checklist(),
    files: {
      'RELEASE.md': Array.from({ length: 5000 }, (_, i) => `${'  '.repeat(i)}- [x] level ${i}`).join('\n'),
    },
    ...quick,
    safe: {
      is: 'read within a bounded depth; no crash',
      check: (run) => expect([0, 1]).toContain(run.code),
    },
  },
  {
    title: 'a checklist with sixty thousand unclosed emphasis markers',
    action: 'verify-checklist',
    inputs: () => on.checklist(),
    files: { 'RELEASE.md': `- [x] ${'*a '.repeat(60_000)}\n` },
    ...quick,
    safe: {
      is: 'parsed in linear time; passes',
      check: (run) => expect(run.code).toBe(0),
    },
  },
  {
    title: 'a checklist of ninety thousand items (990 KiB, 8 s of parsing)',
    action: 'verify-checklist',
    inputs: () => on.checklist(),
    files: { 'RELEASE.md': '- [ ] item\n'.repeat(90_000) },
    ...quick,
    refuses: { input: 'sources', says: /larger than 256 KiB/ },
  },
  {
    title: 'a checklist of twenty thousand unticked items',
    action: 'verify-checklist',
    inputs: () => on.checklist(),
    files: { 'RELEASE.md': '- [ ] item\n'.repeat(20_000) },
    ...quick,
    safe: {
      is: 'fails with one error line and one annotation per item up to a bound',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(run.stdout.split('\n').filter((l) => l.startsWith('::error')).length).toBe(51);
        expect(run.stdout).toMatch(/20000 required items unticked/);
      },
    },
  },
  {
    title: 'a pull request body of 2 MiB (GitHub caps bodies at 65 536)',
    action: 'verify-checklist',
    inputs: () => on.checklist({ sources: 'pull-request' }),
    env: { GITHUB_EVENT_NAME: 'pull_request' },
    setup: () => undefined,
    ...quick,
    safe: {
      is: 'read as given, within seconds',
      check: (run) => expect([0, 1]).toContain(run.code),
    },
  },
];

runCorpus({
  'oversized and nested YAML': yaml,
  'oversized and nested JSON': json,
  'oversized and nested markdown': markdown,
});
