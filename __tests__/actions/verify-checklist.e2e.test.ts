/**
 * verify-checklist as the runner starts it: checklists from files, the pull request
 * in the event payload and issues on a GitHub API that checks every request against
 * GitHub's OpenAPI description; facts against a real git history with tags; the
 * release window with the wall clock pinned (RELEASE_ACTIONS_NOW).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openIssue, startGitHubApi, type GitHubApi, type Issue } from '../support/github-api.js';
import { runAction, visibleLog, type RunOptions } from '../support/run-action.js';

const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'checklists', name), 'utf8');

let github: GitHubApi;
beforeEach(async () => (github = await startGitHubApi()));
afterEach(async () => {
  expect(github.violations).toEqual([]);
  await github.close();
});

const verify = (inputs: Record<string, string>, options: Omit<RunOptions, 'inputs'> = {}) =>
  runAction('verify-checklist', {
    ...options,
    inputs: { 'github-token': github.token, ...inputs },
    env: { GITHUB_API_URL: github.url, RELEASE_ACTIONS_RETRY_AFTER_MS: '20', ...options.env },
  });

const seedIssue = (number: number, body: string, labels: string[] = [], title = 'Release 2.3.0'): Issue => {
  const issue = openIssue(number, title, body, labels);
  github.issues.push(issue);
  return issue;
};

const json = (value: unknown) => JSON.stringify(value, null, 2);
const app = (version: string, build: number) =>
  json({ expo: { version, ios: { buildNumber: String(build) }, android: { versionCode: build } } });

/** A repository whose first commit is release v2.2.1 (build 12) and whose second is the workspace as given. */
function history(workspace: string, extraTags: string[] = []) {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: workspace,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
      stdio: 'pipe',
    });
  const write = (file: string, text: string) => writeFileSync(path.join(workspace, file), text);
  const current = readFileSync(path.join(workspace, 'app.json'), 'utf8');
  git('init', '-q', '-b', 'main');
  write('app.json', app('2.2.1', 12));
  git('add', 'app.json');
  git('commit', '-qm', 'release 2.2.1');
  git('tag', 'v2.2.1');
  for (const t of extraTags) git('tag', t);
  write('app.json', current);
  git('add', '-A');
  git('commit', '-qm', 'release 2.3.0');
}

describe('verify-checklist: checklists', () => {
  it('passes a fully ticked file, with outputs and a summary by section', async () => {
    const run = await verify(
      { sources: 'RELEASE_CHECKLIST.md' },
      { files: { 'RELEASE_CHECKLIST.md': fixture('all-ticked.md') } },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({ passed: 'true', unticked: '[]', facts: '[]' });
    expect(run.summary).toContain('## Release checklist: passed');
    expect(run.summary).toContain(
      '| RELEASE\\_CHECKLIST.md | Pre-Deployment Checklist › Database | 3 | 0 | 0 | 0 | ✅ |',
    );
    expect(run.summary).toContain(
      '| RELEASE\\_CHECKLIST.md | Pre-Deployment Checklist › Documentation | 1 | 0 | 1 | 0 | ✅ |',
    );
    expect(github.requests).toEqual([]);
  });

  it('fails on unticked items with an annotation on the exact file and line of each', async () => {
    const run = await verify(
      { sources: 'docs/RELEASE.md' },
      { files: { 'docs/RELEASE.md': fixture('mobile-release.md') } },
    );
    expect(run.code).toBe(1);
    const log = visibleLog(run);
    expect(log).toContain(
      '::error title=Release checklist,file=docs/RELEASE.md,line=8::Unticked: Linting passes (npm run lint)',
    );
    expect(log).toContain('file=docs/RELEASE.md,line=38::Unticked: Android: Back button navigation');
    // Optional, N/A, struck-through, commented-out and fenced items are not reported.
    expect(log).not.toMatch(/Privacy|Terms|Analytics|Bundle identifiers|Old step|code block/);
    expect(log.trim().split('\n').at(-1)).toBe(
      '::error::Release gate failed: 4 required items unticked (first: "Linting passes (npm run lint)" in docs/RELEASE.md:8)',
    );
    expect(run.outputs['passed']).toBe('false');
    expect(JSON.parse(run.outputs['unticked'] ?? '').map((i: { line: number }) => i.line)).toEqual([
      8, 19, 35, 38,
    ]);
    expect(run.summary).toContain('### Unticked');
  });

  it('rules: only named sections, a minimum per section, ignore patterns, optional markers off', async () => {
    const files = { 'RELEASE.md': fixture('mobile-release.md') };
    const scoped = await verify(
      { sources: 'RELEASE.md', rules: 'sections: [Assets & Content]\nminimum: {Testing: 3}' },
      { files },
    );
    expect(scoped.code).toBe(0);
    expect(scoped.summary).toContain('| 3 (needs 3) |');
    const strict = await verify(
      { sources: 'RELEASE.md', rules: 'sections: [Assets & Content]\noptional: []' },
      { files },
    );
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.outputs['unticked'] ?? '').map((i: { text: string }) => i.text)).toEqual([
      'Privacy policy updated (if needed)',
      'Terms of service updated (optional)',
    ]);
    const ignored = await verify(
      {
        sources: 'RELEASE.md',
        rules: "ignore: ['^Linting', 'permission flow$', '^Android: ', '^iOS build']",
      },
      { files },
    );
    expect(ignored.code).toBe(0);
  });

  it('reads the pull request body from the event payload', async () => {
    const body = '## Release\n- [x] Staging deployment successful\n- [ ] Smoke tests passed in staging\n';
    const run = await verify(
      { sources: 'pull-request' },
      { event: { pull_request: { number: 42, body } }, env: { GITHUB_EVENT_NAME: 'pull_request' } },
    );
    expect(run.code).toBe(1);
    expect(visibleLog(run)).toContain('"Smoke tests passed in staging" in pull request #42:3');
    // A pull request body has no file: no file annotation, just the failure.
    expect(visibleLog(run)).not.toContain('file=');
  });

  it('on a tag push, reads the pull request that merged the tagged commit (the README example on: push: tags)', async () => {
    const sha = 'c0ffee0000000000000000000000000000000001';
    const push = {
      event: { ref: 'refs/tags/v2.3.0', after: sha },
      env: { GITHUB_EVENT_NAME: 'push', GITHUB_SHA: sha },
    };
    // An open pull request whose branch also holds the commit does not speak for it.
    github.pullRequests.push(
      {
        number: 40,
        body: '- [ ] not this one',
        state: 'open',
        merged_at: null,
        merge_commit_sha: null,
        commits: [sha],
      },
      {
        number: 41,
        body: '## Release\n- [x] Staging deployment successful\n- [ ] Smoke tests passed in staging\n',
        state: 'closed',
        merged_at: '2026-12-01T10:00:00Z',
        merge_commit_sha: sha,
        commits: ['aaaa000000000000000000000000000000000001'],
      },
    );
    const run = await verify({ sources: 'pull-request' }, push);
    expect(run.code).toBe(1);
    expect(visibleLog(run)).toContain('pull request #41 merged commit c0ffee0: its checklist is checked');
    expect(visibleLog(run)).toContain('"Smoke tests passed in staging" in pull request #41:3');
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/acme/shop/commits/${sha}/pulls?per_page=100`,
    ]);

    // A tag on a commit only an open pull request holds: GitHub lists that one, unmerged.
    github.pullRequests.splice(1);
    const unmerged = await verify({ sources: 'pull-request' }, push);
    expect(visibleLog(unmerged).trim()).toMatch(/^::error::.*no merged pull request brought commit c0ffee0/);

    // Pushed without a pull request: said in one line.
    github.pullRequests.splice(0);
    const direct = await verify({ sources: 'pull-request' }, push);
    expect(direct.code).toBe(1);
    expect(visibleLog(direct).trim()).toBe(
      '::error::verify-checklist: sources names pull-request, but no merged pull request brought commit c0ffee0 (GitHub lists none: pushed directly?); name a file or issue, or run on: pull_request',
    );
  });

  it('reads an issue by number and the newest open release issue, as several sources at once', async () => {
    seedIssue(3, '## Go/no-go\n- [x] Product sign-off\n', ['release'], 'Release 2.2.0');
    seedIssue(7, '## Go/no-go\n- [x] Product sign-off\n- [x] Support briefed\n', ['release']);
    seedIssue(9, '## Database\n- [x] Migration tested in staging environment\n');
    const run = await verify(
      { sources: 'release-issue\nissue:9\nRELEASE.md' },
      { files: { 'RELEASE.md': fixture('all-ticked.md') } },
    );
    expect(run.code).toBe(0);
    expect(run.summary).toContain('| issue \\#7 | Go/no-go | 2 |');
    expect(run.summary).toContain('| issue \\#9 | Database | 1 |');
    expect(visibleLog(run)).toContain('2 open issues have the label "release"; using the newest, #7');
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/shop/issues?state=open&labels=release&sort=created&direction=desc&per_page=100',
      'GET /repos/acme/shop/issues/9',
    ]);
  });

  it('fails in one line when the issue does not exist or no release issue is open', async () => {
    const missing = await verify({ sources: 'issue:404' });
    expect(missing.code).toBe(1);
    expect(visibleLog(missing).trim()).toBe(
      '::error::verify-checklist: issue #404 does not exist in acme/shop',
    );
    const none = await verify({ sources: 'release-issue' });
    expect(visibleLog(none).trim()).toBe(
      '::error::verify-checklist: no open issue has the label "release"; open the release issue (or set release-label to the label it has)',
    );
  });

  it('fails when the checklist has no items at all (a gate must not pass on an empty template)', async () => {
    const run = await verify(
      { sources: 'pull-request' },
      { event: { pull_request: { number: 5, body: null } } },
    );
    expect(run.code).toBe(1);
    expect(visibleLog(run)).toContain('no checklist items (- [ ] …) were found in any source');
  });
});

describe('verify-checklist: facts', () => {
  const releaseFiles = {
    'CHANGELOG.md': fixture('CHANGELOG.md'),
    'package.json': json({ name: 'machinemate', version: '2.3.0' }),
    'app.json': app('2.3.0', 13),
  };

  it('passes every fact on a good release, reading the tag from GITHUB_REF', async () => {
    const run = await verify(
      {
        sources: '',
        changelog: 'CHANGELOG.md',
        'version-files': 'package.json, app.json',
        'build-numbers': 'app.json',
        'check-tag': 'true',
        'release-window': 'true',
      },
      {
        files: releaseFiles,
        setup: (ws) => history(ws),
        env: { GITHUB_REF: 'refs/tags/v2.3.0', RELEASE_ACTIONS_NOW: '2026-11-26T10:00:00Z' },
      },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs['version']).toBe('2.3.0');
    const facts = JSON.parse(run.outputs['facts'] ?? '') as { fact: string; message: string }[];
    expect(facts.map((f) => f.message)).toEqual([
      'CHANGELOG.md has a section for 2.3.0',
      'package.json version is 2.3.0',
      'app.json expo.version is 2.3.0',
      'v2.3.0 follows v2.2.1',
      'iOS expo.ios.buildNumber 12 → 13 since v2.2.1',
      'Android expo.android.versionCode 12 → 13 since v2.2.1',
      'Thu 2026-11-26 10:00 UTC is inside the release window',
    ]);
    expect(run.summary).toContain('### Facts');
  });

  it('fails each fact with what to fix, annotated on the file', async () => {
    const run = await verify(
      {
        sources: '',
        tag: 'v2.3.1',
        changelog: 'CHANGELOG.md',
        'version-files': 'package.json',
        'build-numbers': 'app.json',
        'check-tag': 'true',
      },
      { files: { ...releaseFiles, 'app.json': app('2.3.0', 12) }, setup: (ws) => history(ws, ['v2.4.0']) },
    );
    expect(run.code).toBe(1);
    const log = visibleLog(run);
    expect(log).toContain(
      '::error title=Release changelog,file=CHANGELOG.md::CHANGELOG.md has no section for 2.3.1; add a heading such as "## [2.3.1] - <date>" with the release notes',
    );
    expect(log).toContain(
      '::error title=Release version-files,file=package.json::package.json version is 2.3.0, but the release is 2.3.1; set it to 2.3.1',
    );
    expect(log).toContain('v2.3.1 is not newer than v2.4.0, the latest release tag; release 2.4.1 or later');
    expect(log).toContain('iOS expo.ios.buildNumber is 12, not more than 12 at v2.2.1; increment it');
    expect(log).toContain('Android expo.android.versionCode is 12, not more than 12 at v2.2.1; increment it');
  });

  it('an empty CHANGELOG section fails, pointing at its heading', async () => {
    const run = await verify(
      { sources: '', tag: 'v2.2.0', changelog: 'CHANGELOG.md' },
      { files: { 'CHANGELOG.md': fixture('CHANGELOG.md') } },
    );
    expect(run.code).toBe(1);
    expect(visibleLog(run)).toContain(
      'file=CHANGELOG.md,line=12::the 2.2.0 section of CHANGELOG.md is empty',
    );
  });

  it('a shallow checkout without earlier tags says to fetch them rather than pass', async () => {
    const run = await verify(
      { sources: '', 'check-tag': 'true' },
      {
        files: { 'app.json': app('2.3.0', 13) },
        setup: (ws) => {
          history(ws);
          execFileSync('git', ['tag', 'v2.3.0'], { cwd: ws });
          const full = `${ws}-full`;
          execFileSync('mv', [ws, full]);
          execFileSync('git', ['clone', '-q', '--depth', '1', `file://${full}`, ws], { stdio: 'pipe' });
          // A depth-1 clone brings only the tag on its one commit, as actions/checkout's default does.
        },
        env: { GITHUB_REF: 'refs/tags/v2.3.0' },
      },
    );
    expect(run.code).toBe(1);
    expect(visibleLog(run)).toContain(
      'the checkout is shallow and has no earlier release tags to compare with; use actions/checkout with fetch-depth: 0',
    );
  });

  const window = "{time-zone: Europe/Berlin, blocked-dates: ['2026-12-24'], hours: '09:00-16:00'}";
  it('blocks a Friday release in the team time zone', async () => {
    const run = await verify(
      { sources: '', 'release-window': window },
      { env: { RELEASE_ACTIONS_NOW: '2026-11-27T10:00:00Z' } },
    );
    expect(run.code).toBe(1);
    expect(visibleLog(run).trim().split('\n').at(-1)).toBe(
      '::error::Release gate failed: release-window: Fri 2026-11-27 11:00 Europe/Berlin: Fridays are blocked; release inside the window, or set hotfix: true for an urgent fix',
    );
  });

  it('a hotfix waives the window, with a warning and the waiver in the summary', async () => {
    const run = await verify(
      { sources: '', 'release-window': window, hotfix: 'true' },
      { env: { RELEASE_ACTIONS_NOW: '2026-11-27T10:00:00Z' } },
    );
    expect(run.code).toBe(0);
    expect(visibleLog(run)).toContain(
      '::warning title=Release release-window::Fri 2026-11-27 11:00 Europe/Berlin: Fridays are blocked, waived for a hotfix',
    );
    expect(run.summary).toContain('| release-window | ⚠️ waived |');
  });

  it('blocks outside the change window and on listed dates', async () => {
    const late = await verify(
      { sources: '', 'release-window': window },
      { env: { RELEASE_ACTIONS_NOW: '2026-11-26T15:30:00Z' } },
    );
    expect(visibleLog(late)).toContain(
      'Thu 2026-11-26 16:30 Europe/Berlin: the change window is 09:00–16:00',
    );
    const holiday = await verify(
      { sources: '', 'release-window': window },
      { env: { RELEASE_ACTIONS_NOW: '2026-12-24T09:30:00Z' } },
    );
    expect(visibleLog(holiday)).toContain('2026-12-24 is a blocked date');
  });
});
