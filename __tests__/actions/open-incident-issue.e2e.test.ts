/**
 * dist/open-incident-issue as the runner runs it, against a local GitHub API that
 * checks every request against GitHub's OpenAPI description.
 */
import { startGitHubApi, type GitHubApi } from '../support/github-api.js';
import { linkableText } from '../support/linkable-text.js';
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { expectOneLineError, runAction, visibleLog, type RunOptions } from '../support/run-action.js';

let github: GitHubApi;
beforeEach(async () => (github = await startGitHubApi('acme', 'shop')));
afterEach(async () => {
  expect(github.violations).toEqual([]);
  await github.close();
});

const failing = JSON.stringify({
  checkedAt: '2026-11-28T10:00:00.000Z',
  healthy: false,
  failed: ['api-health'],
  probes: [
    {
      name: 'api-health',
      url: '${API_BASE_URL}/health',
      healthy: false,
      status: 503,
      reason: 'status 503, expected 2xx; ping @octocat see https://evil.example/x ```',
      latencyMs: { p95: 812 },
    },
    { name: 'machines', url: '${API_BASE_URL}/api/v1/machines?limit=1', healthy: true, status: 200 },
  ],
});
const healthy = JSON.stringify({
  healthy: true,
  failed: [],
  probes: [{ name: 'api-health', healthy: true, status: 200 }],
});

const incident = (inputs: Record<string, string> = {}, options: RunOptions = {}) =>
  runAction('open-incident-issue', {
    ...options,
    inputs: {
      service: 'machinemate-api',
      severity: 'P1',
      report: failing,
      'github-token': github.token,
      ...inputs,
    },
    env: { GITHUB_API_URL: github.url, RELEASE_ACTIONS_RETRY_AFTER_MS: '20', ...options.env },
  });
const open = () => github.issues.filter((i) => i.state === 'open');

describe('open-incident-issue', () => {
  it('a failure with over-long text still opens its incident, shortened with a note', async () => {
    const run = await incident({
      title: `checkout down ${'x'.repeat(300)}\n::error::forged`,
      impact: 'i'.repeat(6000),
      rollback: 'r'.repeat(2500),
    });
    expect(run.code).toBe(0);
    expect(run.outputs['action']).toBe('created');
    const [issue] = open();
    expect(issue!.title.length).toBeLessThan(260);
    expect(issue!.title).not.toContain('\n');
    expect(issue!.body).toMatch(/… \(\d+ more characters/);
  });

  it('a service, environment or kind with other characters opens under the name made plain, the same one each time', async () => {
    const first = await incident({ service: 'Shop API!', environment: 'prod/eu' });
    const again = await incident({ service: 'Shop API?', environment: 'prod/eu', 'update-interval': '0s' });
    expect([first.code, again.code]).toEqual([0, 0]);
    expect([first.outputs['action'], again.outputs['action']]).toEqual(['created', 'updated']);
    expect(open()).toHaveLength(1);
    expect(open()[0]!.title).toContain('Shop API');
    expect(open()[0]!.body).toContain('prod-eu');
  });

  it('a template renders only its placeholders: {{constructor}} stays as written', async () => {
    const run = await incident(
      { template: 'docs/incident.md' },
      { files: { 'docs/incident.md': 'Service {{service}} · {{constructor}} · {{toString}}' } },
    );
    expect(run.code).toBe(0);
    expect(open()[0]!.body).toContain('Service machinemate-api · {{constructor}} · {{toString}}');
  });

  it("does not adopt an outsider's issue that carries the label and our marker, nor a marker quoted inside a body", async () => {
    const first = await incident();
    expect(first.outputs['action']).toBe('created');
    const marker = github.issues[0]!.body.split('\n')[0]!;
    github.issues[0]!.state = 'closed';
    const forged = (body: string, author: { login: string; type: 'User' | 'Bot' }) =>
      github.issues.push({
        number: github.issues.length + 1,
        title: 'all good, nothing to see',
        body,
        state: 'open',
        state_reason: null,
        labels: ['incident'],
        assignees: [],
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
        closed_at: null,
        author,
      });
    // An issue form can apply labels: anyone can file this.
    forged(`${marker}\nthe incident is handled here`, { login: 'mallory', type: 'User' });
    // Our own bot's issue that merely quotes the marker further down.
    forged(`Notes\n\n> ${marker}`, { login: 'github-actions[bot]', type: 'Bot' });
    // Another app's bot (a mirror, a dependency bot) that copied our issue whole.
    forged(`${marker}\ncopied from #1`, { login: 'renovate[bot]', type: 'Bot' });
    const again = await incident();
    expect(again.outputs['action']).toBe('created');
    expect(Number(again.outputs['issue-number'])).toBe(5);
    expect(github.issues.slice(1, 4).map((i) => i.state)).toEqual(['open', 'open', 'open']);
    expect(github.comments).toEqual([]);
  });

  it("under a GitHub App's installation token, its own bot's incident is updated and resolved; github-actions[bot]'s is not", async () => {
    await github.close();
    github = await startGitHubApi('acme', 'shop', 'ghs_app0123456789abcdefABCDEF', {
      installationLogin: 'acme-release[bot]',
    });
    const first = await incident();
    expect(first.outputs['action']).toBe('created');
    const marker = github.issues[0]!.body.split('\n')[0]!;
    // The same incident opened by another workflow under GITHUB_TOKEN: not this identity's.
    github.issues.push({
      ...github.issues[0]!,
      number: 2,
      author: { login: 'github-actions[bot]', type: 'Bot' },
    });
    expect(github.issues[1]!.body.split('\n')[0]).toBe(marker);
    const again = await incident({ 'update-interval': '0s' });
    expect(again.outputs).toMatchObject({ action: 'updated', 'issue-number': '1' });
    const resolved = await incident({ mode: 'resolve', report: healthy });
    expect(resolved.outputs).toMatchObject({ action: 'resolved', 'issue-number': '1' });
    expect(github.issues.map((i) => i.state)).toEqual(['closed', 'open']);
    expect(github.comments.map((c) => c.issue)).not.toContain(2);
    // The identity came from GraphQL's viewer: GET /user refuses an installation token.
    expect(github.requests.filter((r) => r.path === '/graphql').length).toBeGreaterThan(0);
    expect(github.requests.filter((r) => r.path === '/user')).toEqual([]);
  });

  it('issue-repository opens the incident in a central repository, linking the run in its own', async () => {
    await github.close();
    github = await startGitHubApi('acme', 'ops-incidents');
    const run = await incident(
      { 'issue-repository': 'acme/ops-incidents' },
      { env: { GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '4242' } },
    );
    expect(run.code).toBe(0);
    expect(run.outputs['issue-url']).toBe('https://github.com/acme/ops-incidents/issues/1');
    expect(open()[0]?.body).toContain('https://github.com/acme/shop/actions/runs/4242');
    expect(
      github.requests.every((r) => r.path.startsWith('/repos/acme/ops-incidents/') || r.path === '/graphql'),
    ).toBe(true);
  });

  it("opens one incident from healthcheck's report, with the runbooks' sections", async () => {
    const run = await incident();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      action: 'created',
      'issue-number': '1',
      fingerprint: 'machinemate-api/production/healthcheck',
    });
    const [issue] = open();
    expect(issue?.title).toBe('[P1] machinemate-api (production): healthcheck failing');
    // The severity is a label as well, so incidents can be filtered and counted (runbook 004).
    expect(issue?.labels).toEqual(['incident', 'P1']);
    expect(issue?.body).toContain(
      '<!-- release-actions incident: machinemate-api/production/healthcheck -->',
    );
    expect(issue?.body).toContain('**Severity P1 (High)** means partial degradation');
    expect(issue?.body).toContain('| api-health | ${API\\_BASE\\_URL}/health | 503 | 812 ms |');
    expect(issue?.body).toContain('### After the incident');
    expect(github.labels.get('incident')?.color).toBe('b60205');
  });

  it('never lets response text mention people, link out or break its fence', async () => {
    await incident();
    const body = open()[0]!.body;
    // Kept as written (copyable), but only where GitHub neither notifies nor links.
    expect(body).toContain('@octocat see https://evil.example/x');
    expect(linkableText(body)).not.toMatch(/@octocat|evil\.example/);
    expect(body).toMatch(/````text\n[^`]*```\n````/);
  });

  it('a rollout report it cannot read is left out, never a reason not to open', async () => {
    for (const report of ['not json', '{"shape": "of another version"}']) {
      const run = await incident({ 'rollout-report': report, 'update-interval': '0s' });
      expect(run.code).toBe(0);
      expect(run.outputs['action']).toMatch(/^(created|updated)$/);
    }
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]!.body).not.toContain('The rollout of');
  });

  it('a recurrence comments at most once per interval, and never opens a second issue', async () => {
    await incident();
    const quiet = await incident();
    expect(quiet.outputs).toMatchObject({ action: 'nothing', 'issue-number': '1' });
    const due = await incident({ 'update-interval': '0s' });
    expect(due.outputs).toMatchObject({ action: 'updated', 'issue-number': '1' });
    expect(github.comments.map((c) => c.body)).toEqual([expect.stringContaining('**Still failing**')]);
    expect(github.issues).toHaveLength(1);
  });

  it('resolves with the duration and closes; mode auto reads the report', async () => {
    await incident();
    const run = await incident({ mode: 'auto', report: healthy });
    expect(run.outputs).toMatchObject({ action: 'resolved', 'issue-number': '1' });
    expect(github.issues[0]).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(github.comments.at(-1)?.body).toMatch(/\*\*Resolved\*\* at .* after \d/);
    const again = await incident({ mode: 'resolve' });
    expect(again.outputs['action']).toBe('nothing');
  });

  it('a new incident links the last resolved one with the same fingerprint, and only that one', async () => {
    await incident();
    await incident({ mode: 'resolve', report: healthy });
    // An outsider's closed issue with our marker, and a duplicate closed as not planned, are not history.
    github.issues.push({
      ...github.issues[0]!,
      number: 2,
      author: { login: 'mallory', type: 'User' },
      closed_at: new Date(Date.now() + 1000).toISOString(),
      updated_at: new Date(Date.now() + 1000).toISOString(),
    });
    const other = await incident({ service: 'other-api' });
    expect(other.code).toBe(0);
    expect(github.issues.at(-1)!.body).not.toContain('This happened before');
    const again = await incident();
    expect(again.outputs['issue-number']).toBe('4');
    // GitHub turns #1 into a link, and lists this issue on #1 as a reference.
    expect(github.issues.at(-1)!.body).toMatch(
      /This happened before: #1, resolved \d{4}-\d\d-\d\d \([\d.]+m?s ago\)\./,
    );
  });

  it('fills the #incidents message from what is known: the failing probes and the impact, on one line each', async () => {
    await incident({ impact: 'checkout fails for ~30 % of EU users\n```\n@everyone' });
    const body = open()[0]!.body;
    const message = body.slice(body.indexOf('### Communication'));
    expect(message).toContain('Issue: healthcheck failing: api-health');
    expect(message).toContain('Impact: checkout fails for ~30 % of EU users ``` @\u200beveryone');
    // The impact's backticks cannot close the fence the message sits in.
    expect(message).toMatch(/^````\nPRODUCTION INCIDENT – P1\n[\s\S]*\n````$/m);
  });

  it('open-after 2 opens only on the second failed check in a row (runbook 001)', async () => {
    const monitor = (conclusion: 'success' | 'failure', minute: number) =>
      github.workflowRuns.push({
        workflow: 'monitor.yml',
        created_at: `2026-11-28T09:${String(minute).padStart(2, '0')}:00Z`,
        status: 'completed',
        conclusion,
      });
    const check = () =>
      incident(
        { mode: 'auto', 'open-after': '2' },
        {
          env: {
            GITHUB_WORKFLOW_REF: 'acme/shop/.github/workflows/monitor.yml@refs/heads/main',
            GITHUB_RUN_ID: '999',
          },
        },
      );
    monitor('success', 40);
    const first = await check();
    expect(first.code).toBe(0);
    expect(first.outputs['action']).toBe('nothing');
    expect(visibleLog(first)).toContain(
      'failed check 1 of 2 in a row; the incident opens when 2 checks in a row fail',
    );
    expect(github.issues).toHaveLength(0);
    monitor('failure', 50);
    const second = await check();
    expect(second.outputs['action']).toBe('created');
    expect(github.issues).toHaveLength(1);
    // Only the newest runs are read, one page of open-after runs.
    expect(
      github.requests.filter((r) => r.path.includes('/actions/workflows/monitor.yml/runs')),
    ).toHaveLength(2);
  });

  it("a failed run someone dispatched by hand (any branch) is not part of the scheduled checks' streak", async () => {
    github.workflowRuns.push(
      {
        workflow: 'monitor.yml',
        created_at: '2026-11-28T09:40:00Z',
        status: 'completed',
        conclusion: 'success',
      },
      {
        workflow: 'monitor.yml',
        created_at: '2026-11-28T09:45:00Z',
        status: 'completed',
        conclusion: 'failure',
        event: 'workflow_dispatch',
        head_branch: 'experiment',
      },
    );
    const run = await incident(
      { mode: 'auto', 'open-after': '2' },
      {
        env: {
          GITHUB_WORKFLOW_REF: 'acme/shop/.github/workflows/monitor.yml@refs/heads/main',
          GITHUB_RUN_ID: '999',
        },
      },
    );
    expect(run.outputs['action']).toBe('nothing');
    expect(github.issues).toHaveLength(0);
  });

  it('without a token, record-dir alone holds the incident: opened, updated, resolved, no request', async () => {
    const files = (run: { workspace: string }) => readdirSync(path.join(run.workspace, 'ops'));
    const first = await incident({ 'github-token': '', 'record-dir': 'ops' });
    expect(first.code).toBe(0);
    expect(first.outputs).toMatchObject({ action: 'created', 'issue-number': '', 'issue-url': '' });
    const [name] = files(first);
    const record = readFileSync(path.join(first.workspace, 'ops', name!), 'utf8');
    expect(record).toContain('- Issue: none (recorded in this file only)');
    expect(record).toContain('**Severity P1 (High)** means partial degradation');
    expect(github.requests).toEqual([]);
    const noToken = await incident({ 'github-token': '' });
    expect(visibleLog(noToken)).toContain("Input 'github-token' is required (the default is github.token)");
  });

  const claimLabels = () => [...github.labels.keys()].filter((l) => l.startsWith('incident-claim-'));

  it.each([
    ['ten runs', (i: number) => ({ GITHUB_RUN_ID: String(7000 + i) })],
    ['ten jobs of one run', () => ({ GITHUB_RUN_ID: '7000' })],
  ])(
    '%s failing at the same moment create exactly one issue, and every one names it',
    async (_, envOf) => {
      github.latencyMs = 30;
      const runs = await Promise.all(Array.from({ length: 10 }, (_, i) => incident({}, { env: envOf(i) })));
      expect(runs.map((r) => r.code)).toEqual(Array(10).fill(0));
      // Created once: no duplicate was ever opened, so watchers were told once.
      expect(github.issues).toHaveLength(1);
      expect(runs.filter((r) => r.outputs['action'] === 'created')).toHaveLength(1);
      expect(new Set(runs.map((r) => r.outputs['issue-url']))).toEqual(
        new Set([expect.stringMatching(/\/issues\/1$/)]),
      );
      expect(runs.filter((r) => visibleLog(r).includes('this run joined it'))).toHaveLength(9);
      expect(claimLabels()).toEqual([]);
    },
    90_000,
  );

  it('a claim left by a run that died does not block the next incident: it expires and is taken over', async () => {
    const first = await incident();
    expect(first.outputs['action']).toBe('created');
    const claim = github.requests.find(
      (r) =>
        r.method === 'POST' &&
        r.path.endsWith('/labels') &&
        String((r.body as { name?: string })?.name).startsWith('incident-claim-'),
    );
    const name = (claim!.body as { name: string }).name;
    await incident({ mode: 'resolve' });
    // The next incident's claimant died after claiming, three minutes ago.
    const threeMinutesAgo = new Date(Date.now() - 180_000).toISOString();
    github.labels.set(name, {
      name,
      color: 'ededed',
      description: `release-actions claim ${threeMinutesAgo} run 41`,
    });
    const next = await incident();
    expect(next.outputs['action']).toBe('created');
    expect(open()).toHaveLength(1);
    expect(claimLabels()).toEqual([]);
  });

  it('a claim GitHub refuses never costs the incident: the run opens it anyway', async () => {
    github.labels.set('incident', { name: 'incident', color: 'b60205', description: null });
    github.labels.set('P1', { name: 'P1', color: 'd93f0b', description: null });
    // A ruleset or an outage refuses the claim's label, and only it.
    github.fault({ method: 'POST', path: /\/labels$/, status: 403, body: { message: 'Forbidden' } });
    const run = await incident();
    expect(run.code).toBe(0);
    expect(run.outputs['action']).toBe('created');
    expect(github.issues).toHaveLength(1);
    expect(claimLabels()).toEqual([]);
    expect(github.requests.some((r) => r.method === 'POST' && r.path.endsWith('/labels'))).toBe(true);
  });

  it('retries a 502 on create and still opens exactly one issue', async () => {
    github.fault({ method: 'POST', path: /\/issues$/, status: 502, times: 1 });
    const run = await incident();
    expect(run.code).toBe(0);
    expect(github.issues).toHaveLength(1);
    expect(github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/issues'))).toHaveLength(2);
  });

  it('a 502 after GitHub created the issue: the retry duplicate is closed, and the run reports it opened #1', async () => {
    github.fault({ method: 'POST', path: /\/issues$/, status: 502, afterEffect: true, times: 1 });
    const run = await incident();
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ action: 'created', 'issue-number': '1' });
    expect(github.issues.map((i) => [i.number, i.state])).toEqual([
      [1, 'open'],
      [2, 'closed'],
    ]);
    expect(github.comments.at(-1)?.body).toBe(
      'Duplicate of #1, opened by this run before a retried request.',
    );
  });

  it("counts the update interval from the bot's own last word, so people talking on the issue never silence it", async () => {
    expect((await incident()).outputs['action']).toBe('created');
    const issue = github.issues[0]!;
    const fortyMinutesAgo = new Date(Date.now() - 40 * 60_000).toISOString();
    issue.created_at = fortyMinutesAgo;
    // A person commented a minute ago: the issue's updated_at is fresh.
    github.comments.push({
      issue: 1,
      body: 'looking into it',
      author: { login: 'alice', type: 'User' },
      created_at: new Date(Date.now() - 60_000).toISOString(),
    });
    issue.updated_at = new Date(Date.now() - 60_000).toISOString();
    const again = await incident({ 'update-interval': '30m' });
    expect(again.outputs['action']).toBe('updated');
    expect(github.comments.at(-1)?.body).toContain('Still failing');
  });

  it('waits out a secondary rate limit (403 with retry-after)', async () => {
    github.fault({
      method: 'GET',
      path: /\/issues$/,
      status: 403,
      headers: { 'retry-after': '1' },
      body: { message: 'You have exceeded a secondary rate limit.' },
      times: 1,
    });
    const run = await incident();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('secondary rate limit');
    expect(open()).toHaveLength(1);
  });

  it('retries a dropped connection', async () => {
    github.fault({ method: 'GET', path: /\/issues$/, drop: true, times: 1 });
    const run = await incident();
    expect(run.code).toBe(0);
    expect(open()).toHaveLength(1);
  });

  // A token refused at any call is told issues: write, what the incident needs
  // ("issues: read" would only move the refusal to the next call).
  it.each([
    ['create', 'POST'],
    ['list', 'GET'],
  ])('names the permission to add when the token may not %s issues', async (verb, method) => {
    github.fault({
      method,
      path: /\/issues$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    const run = await incident();
    expect(run.code).toBe(1);
    expect(visibleLog(run).trim().split('\n').pop()).toBe(
      `::error::open-incident-issue: the token may not ${verb} issues: add "permissions: issues: write" to the job`,
    );
    expect(visibleLog(run)).not.toContain(github.token);
  });

  it('writes a markdown incident record for a later commit, and appends as it goes', async () => {
    const files = { 'docs/operations/incidents/.keep': '' };
    const first = await incident({ 'record-dir': 'docs/operations/incidents' }, { files });
    expect(first.code).toBe(0);
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = `${first.workspace}/docs/operations/incidents`;
    const record = readdirSync(dir).find((f) => f.endsWith('.md'))!;
    expect(record).toMatch(/^\d{4}-\d{2}-\d{2}-machinemate-api-production-healthcheck\.md$/);
    expect(readFileSync(`${dir}/${record}`, 'utf8')).toContain(
      '# [P1] machinemate-api (production): healthcheck failing',
    );
  });

  it('builds the body from a template in the repository, keeping the marker', async () => {
    const run = await incident(
      { template: '.github/incident.md' },
      {
        files: {
          '.github/incident.md': '# {{severity}} {{service}}\n\n{{failed_probes}}\n\nRun: {{run_url}}\n',
        },
      },
    );
    expect(run.code).toBe(0);
    const body = open()[0]!.body;
    expect(
      body.startsWith(
        '<!-- release-actions incident: machinemate-api/production/healthcheck -->\n# P1 machinemate-api',
      ),
    ).toBe(true);
    expect(body).toContain('| api-health |');
  });

  it.each([
    ['template', { template: '../secrets.md' }, /points outside the repository/],
    ['record-dir', { 'record-dir': '/etc' }, /must be a path relative to the repository/],
    ['issue-repository', { 'issue-repository': 'ops-incidents' }, /must be a repository as owner\/name/],
    ['mode', { mode: 'maybe' }, /must be open, resolve or auto/],
    ['severity', { severity: 'SEV1' }, /must be P0, P1, P2 or P3/],
    ['report', { report: '{not json' }, /is not JSON/],
    ['report', { mode: 'auto', report: '' }, /is required with mode: auto/],
    ['service', { service: '' }, /is required/],
    ['update-interval', { 'update-interval': 'often' }, /must be a duration/],
    ['assignees', { assignees: 'not a login!' }, /must be GitHub logins/],
    ['runbook-url', { 'runbook-url': 'wiki' }, /must be an http\(s\) URL/],
    ['runbook-url', { 'runbook-url': 'javascript:alert(1)' }, /must be an http\(s\) URL/],
    ['runbook-url', { 'runbook-url': 'https://wiki.example.com/run book @oncall' }, /without spaces/],
    [
      'labels',
      { labels: 'incident,sev\u0007forged' },
      /without line breaks, control or invisible characters/,
    ],
    ['template', { template: '/etc/passwd' }, /points outside the repository|must be a path relative/],
    ['record-dir', { 'record-dir': '../../elsewhere' }, /points outside the repository/],
    ['report', { report: '{"probes": []}' }, /at report\.healthy: must be true or false/],
    ['report', { report: '[1, 2]' }, /must be a mapping/],
    ['kind', { kind: '' }, /is required/],
    ['fingerprint', { fingerprint: 'Shop API' }, /must be lower-case letters/],
    ['labels', { labels: ' , ' }, /must name at least one label/],
    ['labels', { labels: `incident,${'l'.repeat(51)}` }, /labels of at most 50 characters/],
    ['open-after', { 'open-after': '0' }, /must be at least 1/],
    ['open-after', { 'open-after': 'two' }, /must be a whole number from 1 to 100/],
    ['update-interval', { 'update-interval': '-5m' }, /must be a duration/],
    ['github-token', { 'github-token': '' }, /leave it empty only with record-dir/],
  ])('bad %s → one line, nothing sent', async (input, inputs, says) => {
    const run = await incident(inputs as Record<string, string>);
    expectOneLineError(run, input, says);
    expect(github.requests).toEqual([]);
  });

  it("a folder or a dangling link named like a record never stops an incident's record; a second one that day gets its own file", async () => {
    const today = `${new Date().toISOString().slice(0, 10)}-machinemate-api-production-healthcheck`;
    const setup = (workspace: string) => {
      mkdirSync(path.join(workspace, 'ops', `${today}.md`), { recursive: true });
      symlinkSync('/nonexistent/old.md', path.join(workspace, 'ops', 'old.md'));
    };
    const offline = { 'github-token': '', 'record-dir': 'ops' };
    const records = (run: { workspace: string }) =>
      readdirSync(path.join(run.workspace, 'ops'), { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => readFileSync(path.join(run.workspace, 'ops', e.name), 'utf8'));
    const first = await incident(offline, { setup });
    expect(first.code).toBe(0);
    expect(first.outputs['action']).toBe('created');
    expect(records(first)).toEqual([expect.stringContaining('machinemate-api/production/healthcheck')]);

    // Resolved, then failing again the same day: the resolved record is kept as it was.
    const resolved = `${records(first)[0]}- 2026-12-07T10:00:00.000Z resolved\n`;
    const again = await incident(offline, {
      files: { [`ops/${today}.md`]: resolved },
    });
    expect(again.outputs['action']).toBe('created');
    expect(readFileSync(path.join(again.workspace, 'ops', `${today}.md`), 'utf8')).toBe(resolved);
    expect(readdirSync(path.join(again.workspace, 'ops')).sort()).toEqual([`${today}-2.md`, `${today}.md`]);
  });

  it('a record-dir that is a dangling symbolic link is one clear line, not a crash or a write elsewhere', async () => {
    const run = await incident(
      { 'github-token': '', 'record-dir': 'ops' },
      { setup: (workspace) => symlinkSync('/nonexistent/incidents', path.join(workspace, 'ops')) },
    );
    expect(run.code).toBe(1);
    expect(visibleLog(run).trim()).toMatch(
      /^::error::Input 'record-dir' passes through a symbolic link that points nowhere \("ops"\)\. Example: /,
    );
  });
});
