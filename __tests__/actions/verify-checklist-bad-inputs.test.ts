/**
 * Every mistake in verify-checklist's inputs ends the step with one line naming the
 * input, what is wrong and a good example: no stack, no summary, and no request to
 * GitHub.
 */
import { startGitHubApi, type GitHubApi } from '../support/github-api.js';
import { expectOneLineError, runAction } from '../support/run-action.js';

let github: GitHubApi;
beforeAll(async () => (github = await startGitHubApi()));
afterAll(() => github.close());

const CHECKLIST = '## Release\n- [x] Staging deployment successful\n';

type Case = [
  title: string,
  says: RegExp,
  input: string,
  inputs: Record<string, string>,
  files?: Record<string, string>,
  env?: Record<string, string>,
];

const window = (w: string) => ({ sources: 'R.md', 'release-window': w });
const rules = (r: string) => ({ sources: 'R.md', rules: r });
const files = { 'R.md': CHECKLIST };

const cases: Case[] = [
  [
    'an unknown source',
    /names an unknown source "wiki": use pull-request, release-issue/,
    'sources',
    { sources: 'wiki' },
  ],
  [
    'an issue that is not a number',
    /names "issue:abc", which is not issue:<number>/,
    'sources',
    { sources: 'issue:abc' },
  ],
  ['issue zero', /names "issue:0"/, 'sources', { sources: 'R.md, issue:0' }, files],
  ['a file outside the repository', /points outside the repository/, 'sources', { sources: '../secrets.md' }],
  [
    'an absolute file path',
    /must be a path relative to the repository/,
    'sources',
    { sources: '/etc/release.md' },
  ],
  [
    'a file that does not exist',
    /names "NOPE.md", which does not exist in the workspace/,
    'sources',
    { sources: 'NOPE.md' },
  ],
  [
    'a folder, not a file',
    /names "docs", which is not a file/,
    'sources',
    { sources: 'file:docs' },
    { 'docs/a.md': CHECKLIST },
  ],
  [
    // On a push the pull request that merged the commit is asked for (verify-checklist.e2e).
    'pull-request on a schedule',
    /names pull-request, but this run was started by schedule with no pull request/,
    'sources',
    { sources: 'pull-request' },
    undefined,
    { GITHUB_EVENT_NAME: 'schedule' },
  ],
  ['nothing to verify', /is empty and no fact check is on/, 'sources', { sources: '' }],
  ['rules that are not YAML', /is not valid YAML/, 'rules', rules('sections: [unclosed'), files],
  ['rules with an unknown key', /unknown field 'section'/, 'rules', rules('section: [Testing]'), files],
  ['rules as a list', /must be/, 'rules', rules('- Testing'), files],
  [
    'sections that are not a list',
    /rules\.sections: must be a list/,
    'rules',
    rules('sections: Testing'),
    files,
  ],
  [
    'a minimum that is a word',
    /rules\.minimum\.Testing: must be a number/,
    'rules',
    rules('minimum: {Testing: three}'),
    files,
  ],
  ['a minimum of zero', /must be at least 1/, 'rules', rules('minimum: {Testing: 0}'), files],
  [
    'an ignore pattern that is not a regex',
    /must be regular expressions without backreferences or lookaround/,
    'rules',
    rules("ignore: ['(unclosed']"),
    files,
  ],
  [
    'a release window time zone that does not exist',
    /must be an IANA time zone such as Europe\/Berlin/,
    'release-window',
    window('{time-zone: Mars/Olympus}'),
    files,
  ],
  [
    'a weekday that does not exist',
    /must be weekday names such as Friday/,
    'release-window',
    window('{blocked-weekdays: [Caturday]}'),
    files,
  ],
  [
    'a blocked date that is not a date',
    /must be dates written YYYY-MM-DD/,
    'release-window',
    window("{blocked-dates: ['2026-13-01']}"),
    files,
  ],
  [
    'a blocked date that never comes (30 February)',
    /must be real dates \(2026-02-30 does not exist\)/,
    'release-window',
    window("{blocked-dates: ['2026-02-30']}"),
    files,
  ],
  [
    'hours that are not HH:MM-HH:MM',
    /must be HH:MM-HH:MM such as 09:00-16:00/,
    'release-window',
    window("{hours: '9-5'}"),
    files,
  ],
  [
    'hours past midnight',
    /must use times from 00:00 to 23:59/,
    'release-window',
    window("{hours: '09:00-24:30'}"),
    files,
  ],
  [
    'hours that end before they start',
    /must start before it ends/,
    'release-window',
    window("{hours: '16:00-09:00'}"),
    files,
  ],
  [
    'a release window with an unknown key',
    /unknown field 'timezone'/,
    'release-window',
    window('{timezone: UTC}'),
    files,
  ],
  [
    'a release window that is a word',
    /must be true or a mapping such as/,
    'release-window',
    window('always'),
    files,
  ],
  [
    'hotfix that is not a boolean',
    /must be true or false/,
    'hotfix',
    { sources: 'R.md', hotfix: 'yes' },
    files,
  ],
  [
    'check-tag that is not a boolean',
    /must be true or false/,
    'check-tag',
    { sources: 'R.md', 'check-tag': 'maybe' },
    files,
  ],
  [
    'a tag prefix with a space',
    /must be letters, digits/,
    'tag-prefix',
    { sources: 'R.md', 'tag-prefix': 'api v' },
    files,
  ],
  [
    'a version file with a broken JSON path',
    /names "x.json#..bad", which is not a file or file#json.path/,
    'version-files',
    { sources: '', tag: 'v1.0.0', 'version-files': 'x.json#..bad' },
  ],
  [
    'a CHANGELOG outside the repository',
    /points outside the repository/,
    'changelog',
    { sources: '', tag: 'v1.0.0', changelog: '../CHANGELOG.md' },
  ],
  [
    'a build-numbers file that does not exist',
    /names "app.json", which does not exist/,
    'build-numbers',
    { sources: '', tag: 'v1.0.0', 'build-numbers': 'app.json' },
  ],
  [
    'version checks without a tag',
    /is required for changelog, version-files, build-numbers and check-tag/,
    'tag',
    { sources: '', changelog: 'CHANGELOG.md' },
    undefined,
    { GITHUB_REF: 'refs/heads/main' },
  ],
  [
    'version checks on a tag that is not semver',
    /is "release-2026", which is not <semver>/,
    'tag',
    { sources: '', changelog: 'CHANGELOG.md', tag: 'release-2026' },
  ],
  [
    'a tag without the prefix',
    /is "v1.0.0", which is not api-<semver>/,
    'tag',
    { sources: '', changelog: 'CHANGELOG.md', tag: 'v1.0.0', 'tag-prefix': 'api-' },
  ],
  [
    'issues without a token',
    /is required to read checklists from issues/,
    'github-token',
    { sources: 'issue:3', 'github-token': '' },
  ],
  [
    'release-issue without a label',
    /is required for release-issue/,
    'release-label',
    { sources: 'release-issue', 'release-label': ' ' },
  ],
  [
    'a release label with a line break and a workflow command',
    /must be one label, without line breaks, control or invisible characters/,
    'release-label',
    { sources: 'release-issue', 'release-label': 'release\n::error::forged' },
  ],
];

describe('verify-checklist rejects bad input before reading anything remote', () => {
  it(`has at least 20 cases (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(20));

  // Rows differ in length, so the callback takes one rest argument: jest reads a
  // longer parameter list as a request for a done() callback.
  it.each(cases)('%s → one line: %s', async (...row: Case) => {
    const [, says, input, inputs, files, env] = row;
    const run = await runAction('verify-checklist', {
      inputs: { 'github-token': github.token, ...inputs },
      ...(files && { files }),
      env: { GITHUB_API_URL: github.url, ...env },
    });
    expectOneLineError(run, input, says);
    expect(run.summary).toBe('');
    expect(github.requests).toEqual([]);
  });
});
