/**
 * Every mistake a user can make in healthcheck's inputs ends the step with one
 * line naming the input, what is wrong and a good example: no stack trace, and
 * not a single request sent.
 */
import { expectOneLineError, runAction } from '../support/run-action.js';
import { startService, type TestService } from '../support/service.js';

let service: TestService;
beforeAll(async () => (service = await startService()));
afterAll(() => service.close());

const SECRET = 'sk-live-9f8e7d6c5b4a';
const ok = () => `[{name: api, url: "${service.url}/health"}]`;

type Case = [
  title: string,
  says: RegExp,
  input: string,
  inputs: () => Record<string, string>,
  files?: Record<string, string>,
  env?: Record<string, string>,
];

const cases: Case[] = [
  ['no probes at all', /is empty/, 'probes', () => ({})],
  [
    'probes that are not YAML',
    /is not valid YAML \(Flow sequence .* at line 2, column \d+\)/,
    'probes',
    () => ({ probes: '- name: a\n  url: [unclosed' }),
  ],
  [
    'probes as a mapping, not a list',
    /must be a list/,
    'probes',
    () => ({ probes: `name: api\nurl: ${service.url}/health` }),
  ],
  ['a probe without url', /at probes\[0\]\.url: is required/, 'probes', () => ({ probes: '[{name: api}]' })],
  [
    'a probe without name',
    /at probes\[0\]\.name: is required/,
    'probes',
    () => ({ probes: `[{url: "${service.url}/health"}]` }),
  ],
  [
    'an unknown probe field',
    /unknown field 'colour'/,
    'probes',
    () => ({ probes: `[{name: a, url: "${service.url}/", colour: red}]` }),
  ],
  [
    'a status out of range',
    /expect\.status: must be a status code/,
    'probes',
    () => ({ probes: `[{name: a, url: "${service.url}/", expect: {status: 700}}]` }),
  ],
  [
    'a status that is a word',
    /expect\.status: must be a status code/,
    'probes',
    () => ({ probes: `[{name: a, url: "${service.url}/", expect: {status: ok}}]` }),
  ],
  [
    'a header value with a line break (header injection)',
    /must have header values without line breaks/,
    'probes',
    () => ({ probes: `[{name: a, url: "${service.url}/", headers: {x-a: "1\\r\\nx-b: 2"}}]` }),
  ],
  [
    'a header name that is not a token',
    /must be a header name made of token characters/,
    'probes',
    () => ({ probes: `[{name: a, url: "${service.url}/", headers: {"bad name": "1"}}]` }),
  ],
  [
    'a probe name with a control character',
    /must not contain commas, line breaks, control or invisible characters/,
    'probes',
    () => ({ probes: `[{name: "a\\u001b[31mred", url: "${service.url}/"}]` }),
  ],
  [
    'an expectation on __proto__, which would be dropped unchecked',
    /expect\.json\.__proto__: cannot be checked/,
    'probes',
    () => ({
      probes: `[{name: a, url: "${service.url}/", expect: {json: {__proto__: 1, version: "1.0.0"}}}]`,
    }),
  ],
  [
    'an unknown method',
    /method: must be one of GET/,
    'probes',
    () => ({ probes: `[{name: a, url: "${service.url}/", method: FETCH}]` }),
  ],
  [
    'a broken body pattern',
    /body-matches: is not a regular expression this gate can run in linear time/,
    'probes',
    () => ({ probes: `[{name: a, url: "${service.url}/", expect: {body-matches: "(" }}]` }),
  ],
  [
    'a body pattern that needs backtracking (a backreference)',
    /body-matches: is not a regular expression this gate can run in linear time .*backreferences and lookaround are not supported/,
    'probes',
    () => ({ probes: `[{name: a, url: "${service.url}/", expect: {body-matches: '(a)\\1' }}]` }),
  ],
  [
    'a broken JSON path',
    /is not a JSON path/,
    'probes',
    () => ({ probes: `[{name: a, url: "${service.url}/", expect: {json: {"a..b": 1}}}]` }),
  ],
  [
    'two probes with one name',
    /names must be unique/,
    'probes',
    () => ({ probes: `[{name: a, url: "${service.url}/"}, {name: a, url: "${service.url}/x"}]` }),
  ],
  [
    'a probe name with a comma',
    /must not contain commas/,
    'probes',
    () => ({ probes: `[{name: "a,b", url: "${service.url}/"}]` }),
  ],
  [
    'zero samples on a probe',
    /samples: must be a whole number from 1 to 100/,
    'probes',
    () => ({ probes: `[{name: a, url: "${service.url}/", samples: 0}]` }),
  ],
  [
    'a path with no base-url',
    /not an absolute http\(s\) URL \(set base-url to use paths\)/,
    'probes',
    () => ({ probes: '[{name: a, url: /health}]' }),
  ],
  [
    'an ftp url',
    /"ftp:\/\/files.example.com\/", which is not an absolute http\(s\) URL\./,
    'probes',
    () => ({ probes: '[{name: a, url: "ftp://files.example.com/"}]' }),
  ],
  [
    'a base-url that is not a URL',
    /"api.example.com\/health", which is not an absolute/,
    'probes',
    () => ({ 'base-url': 'api.example.com', probes: '[{name: a, url: /health}]' }),
  ],
  [
    'an unset secret variable',
    /environment variable NOT_SET is not set/,
    'probes',
    () => ({ probes: `[{name: a, url: "${service.url}/", headers: {apikey: "\${NOT_SET}"}}]` }),
  ],
  [
    'an unset base-url variable',
    /environment variable API_BASE is not set/,
    'base-url',
    () => ({ 'base-url': '${API_BASE}', probes: '[{name: a, url: /health}]' }),
  ],
  ['a timeout that is a word', /must be a duration/, 'timeout', () => ({ probes: ok(), timeout: 'soon' })],
  ['an empty timeout', /must be a duration/, 'timeout', () => ({ probes: ok(), timeout: '' })],
  // Past Node's timer limit a setTimeout fires after 1 ms: every probe would time out at once.
  [
    "a timeout past a timer's limit",
    /must be at most 24d/,
    'timeout',
    () => ({ probes: ok(), timeout: '25d' }),
  ],
  ['a zero timeout', /must be at least 1ms/, 'timeout', () => ({ probes: ok(), timeout: '0s' })],
  ['zero samples', /must be at least 1/, 'samples', () => ({ probes: ok(), samples: '0' })],
  [
    'samples as a word',
    /must be a whole number from 1 to 100/,
    'samples',
    () => ({ probes: ok(), samples: 'many' }),
  ],
  ['too many samples', /must be at most 100/, 'samples', () => ({ probes: ok(), samples: '101' })],
  ['fractional samples', /must be a whole number/, 'samples', () => ({ probes: ok(), samples: '2.5' })],
  ['negative retries', /must be at least 0/, 'retries', () => ({ probes: ok(), retries: '-1' })],
  [
    'a retry delay that is a word',
    /must be a duration/,
    'retry-delay',
    () => ({ probes: ok(), 'retry-delay': 'fast' }),
  ],
  ['zero concurrency', /must be at least 1/, 'concurrency', () => ({ probes: ok(), concurrency: '0' })],
  [
    'fail-on-unhealthy as yes',
    /must be true or false/,
    'fail-on-unhealthy',
    () => ({ probes: ok(), 'fail-on-unhealthy': 'yes' }),
  ],
  [
    'a config path outside the repository',
    /points outside the repository/,
    'config',
    () => ({ config: '../../etc/passwd' }),
  ],
  [
    'an absolute config path',
    /must be a path relative to the repository/,
    'config',
    () => ({ config: '/etc/passwd' }),
  ],
  [
    'a config file that does not exist',
    /does not exist in the workspace/,
    'config',
    () => ({ config: '.github/nope.yml' }),
  ],
  [
    'a config path that is a folder',
    /is not a file/,
    'config',
    () => ({ config: '.github' }),
    { '.github/x.yml': '[]' },
  ],
  [
    'a config file that is not YAML',
    /is not valid YAML/,
    'config',
    () => ({ config: 'hc.yml' }),
    { 'hc.yml': 'probes: [unclosed' },
  ],
  [
    'a config file of the wrong shape',
    /at probes\[0\]\.url: must be text/,
    'config',
    () => ({ config: 'hc.yml' }),
    { 'hc.yml': 'probes:\n  - name: a\n    url: 7\n' },
  ],
  [
    'a config file repeating an inline name',
    /repeats the probe name 'api'/,
    'config',
    () => ({ probes: ok(), config: 'hc.yml' }),
    { 'hc.yml': `[{name: api, url: "http://127.0.0.1:9/"}]` },
  ],
  [
    'YAML broken on a line holding a secret',
    /is not valid YAML \(Nested mappings .* at line 3, column \d+\)/,
    'probes',
    () => ({ probes: `- name: a\n  url: http://127.0.0.1:9/\n  headers: {apikey: ${SECRET}: x: y}` }),
  ],
];

describe('healthcheck rejects bad input before sending anything', () => {
  it(`has at least 20 cases (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(20));

  // Rows differ in length, so the callback takes one rest argument: jest reads a
  // longer parameter list as a request for a done() callback.
  it.each(cases)('%s → one line: %s', async (...row: Case) => {
    const [, says, input, inputs, files, env] = row;
    const before = service.requests.length;
    const run = await runAction('healthcheck', {
      inputs: inputs(),
      ...(files && { files }),
      ...(env && { env }),
    });
    expectOneLineError(run, input, says);
    expect(run.stdout).not.toContain(SECRET);
    expect(run.summary).toBe('');
    expect(service.requests.length).toBe(before);
  });
});
