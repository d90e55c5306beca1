/**
 * Numbers and durations at and past every limit: zero, negative, fractional,
 * exponent and non-finite forms, and values past what a timer, a percentage or
 * GitHub's API can hold. Each is refused before anything is sent.
 */
import { on, runCorpus, type Attack, type Targets } from '../support/adversarial.js';

type Build = (t: Targets, value: string) => Record<string, string>;
const refused = (
  action: Attack['action'],
  input: string,
  build: Build,
  values: [value: string, title: string, says: RegExp][],
): Attack[] =>
  values.map(([value, title, says]) => ({
    title: `${input} ${JSON.stringify(value)}: ${title}`,
    action,
    inputs: (t) => build(t, value),
    refuses: { input, says },
  }));

const aDuration = /must be a duration/;
const tooLong = /must be at most 24d/;
const hc =
  (input: string): Build =>
  (t, v) =>
    on.healthcheck(t, undefined, { [input]: v });
const shift =
  (input: string): Build =>
  (t, v) =>
    on.shift(t, { [input]: v });

const durations: Attack[] = [
  ...refused('healthcheck', 'timeout', hc('timeout'), [
    ['0s', 'a zero timeout would fail every probe at once', /at least 1ms/],
    ['-1s', 'negative', aDuration],
    ['24d21h', "just past a timer's limit (24d 20h 31m)", tooLong],
    ['1e309s', 'an exponent that overflows to Infinity', aDuration],
    ['NaNs', 'not a number', aDuration],
    ['10 s', 'a space inside', aDuration],
    ['1h30', 'a trailing number without a unit', aDuration],
    ['5 minutes', 'a word unit', aDuration],
    ['99999999999999999999d', 'more digits than a double holds exactly', tooLong],
  ]),
  ...refused('healthcheck', 'retry-delay', hc('retry-delay'), [['25d', "past a timer's limit", tooLong]]),
  ...refused('shift-traffic', 'step-duration', shift('step-duration'), [
    ['-2m', 'negative', aDuration],
    ['24.9d', "a fraction past a timer's limit", tooLong],
  ]),
  ...refused('shift-traffic', 'check-interval', shift('check-interval'), [
    ['0s', 'a zero interval would read the router without pause', /at least/],
    ['25d', "past a timer's limit", tooLong],
  ]),
  ...refused('shift-traffic', 'hang-after', shift('hang-after'), [
    ['0ms', 'every request would count as hung', /at least/],
  ]),
  ...refused('shift-traffic', 'cloud-run-metrics-delay', shift('cloud-run-metrics-delay'), [
    ['30d', "past a timer's limit", tooLong],
  ]),
  ...refused('deploy-canary', 'rollout-timeout', (t, v) => on.deploy(t, { 'rollout-timeout': v }), [
    ['0s', 'a zero rollout timeout', /at least/],
  ]),
  ...refused('open-incident-issue', 'update-interval', (_t, v) => on.incident({ 'update-interval': v }), [
    ['25d', "past a timer's limit", tooLong],
    ['soon', 'a word', aDuration],
  ]),
  ...refused('soak-gate', 'duration', (_t, v) => on.soak({ duration: v }), [
    ['0s', 'a zero soak proves nothing', /longer than 0s/],
    ['400d', "past a timer's limit", tooLong],
  ]),
  ...refused('soak-gate', 'interval', (_t, v) => on.soak({ interval: v }), [
    ['0s', 'a zero interval', /longer than 0s/],
  ]),
  ...refused('shift-traffic', 'steps', (t, v) => on.shift(t, { steps: v }), [
    ['[{weight: 10}, {pause: -1s}, {weight: 100}]', 'a negative pause', aDuration],
    [
      '[{weight: 10}, {analysis: {duration: 1m, interval: 0s}}]',
      'an analysis checked without pause',
      /at least 1ms/,
    ],
  ]),
];

const numbers: Attack[] = [
  ...refused('healthcheck', 'samples', hc('samples'), [
    ['0', 'no sample', /at least 1/],
    ['1.5', 'a fraction', /whole number/],
    ['1e3', 'exponent notation', /whole number/],
    ['100000', 'past the limit', /at most/],
    ['0x10', 'hexadecimal', /whole number/],
  ]),
  ...refused('healthcheck', 'retries', hc('retries'), [
    ['-1', 'negative', /at least 0/],
    ['9007199254740993', 'past a safe integer', /from 0 to 10/],
  ]),
  ...refused('healthcheck', 'concurrency', hc('concurrency'), [
    ['0', 'no probe could run', /at least 1/],
    ['100000', 'a flood of sockets', /at most/],
  ]),
  ...refused('healthcheck', 'per-host', hc('per-host'), [
    ['0', 'no probe could run', /at least 1/],
    ['100000', 'a flood of sockets at one host', /at most/],
  ]),
  ...refused('shift-traffic', 'steps', (t, v) => on.shift(t, { steps: v }), [
    ['0,100', 'a zero step', /steps/],
    ['10,101', 'past 100 %', /100/],
    ['50,10,100', 'going down', /increase|order/],
    ['10,10,100', 'a repeated step', /increase|order|twice/],
    ['ten,100', 'a word', /must be weights such as 10,50,100 or a YAML list of steps/],
    ['-5,100', 'negative', /steps/],
    ['10.5,100', 'a fraction of a percent', /whole|steps/],
    ['1e1,100', 'exponent notation', /steps/],
    ['100,100', 'all at once, twice', /weights must increase/],
  ]),
  ...refused('shift-traffic', 'max-error-rate', shift('max-error-rate'), [
    ['101%', 'past 100 %', /percent|at most/],
    ['-1%', 'negative', /percent|at least/],
    ['NaN%', 'not a number', /percent/],
    ['5%%', 'two percent signs', /percent/],
  ]),
  ...refused('shift-traffic', 'min-requests', shift('min-requests'), [['-1', 'negative', /at least 1/]]),
  ...refused('shift-traffic', 'failure-limit', shift('failure-limit'), [
    ['1.5', 'a fraction', /whole number/],
  ]),
  ...refused('rollback', 'percent', (t, v) => on.rollback(t, { percent: v }), [
    ['0', 'no traffic to the target is no rollback', /at least 1/],
    ['101', 'past 100', /at most 100/],
  ]),
  ...refused('deploy-canary', 'initial-percent', (t, v) => on.deploy(t, { 'initial-percent': v }), [
    ['100', 'a canary that takes everything is not a canary', /at most/],
    ['-1', 'negative', /at least 0/],
  ]),
  ...refused('open-incident-issue', 'open-after', (_t, v) => on.incident({ 'open-after': v }), [
    ['0', 'an incident before any failure', /at least 1/],
    ['1000000', 'past what the run history can show', /at most/],
  ]),
  ...refused('soak-gate', 'min-checks', (_t, v) => on.soak({ 'min-checks': v }), [
    ['0', 'no check proves nothing', /at least 1/],
    ['-3', 'negative', /at least 1/],
  ]),
  ...refused('verify-checklist', 'sources', (_t, v) => on.checklist({ sources: v }), [
    ['issue:99999999999999999999', 'an issue number past a safe integer', /issue/],
    ['issue:-1', 'a negative issue', /issue/],
  ]),
  ...refused('healthcheck', 'probes', (t, v) => on.healthcheck(t, v), [
    ['[{name: a, url: "http://127.0.0.1:1/", expect: {status: 99}}]', 'a status below 100', /status code/],
    [
      '[{name: a, url: "http://127.0.0.1:1/", expect: {max-latency: 0ms}}]',
      'a zero latency bound',
      /at least 1ms/,
    ],
    [
      '[{name: a, url: "http://127.0.0.1:1/", timeout: 25d}]',
      "a probe timeout past a timer's limit",
      tooLong,
    ],
    ['[{name: a, url: "http://127.0.0.1:99999/"}]', 'a port past 65535', /URL/],
  ]),
];

runCorpus({
  'durations at and past every limit': durations,
  'numbers at and past every limit': numbers,
});
