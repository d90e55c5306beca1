/**
 * Slack and Teams are told, by the built actions run as the runner runs them: an
 * incident opens, is updated at most once per update-interval, and resolves; a
 * rollout or a rollback puts traffic back. The local webhooks refuse what Slack and
 * Teams refuse (support/chat-webhooks.ts); a chat that refuses is a warning only.
 */
import { startLocalRouter, type LocalRouter } from '../../shared/adapters/local-router/server.js';
import {
  slackAsText,
  startSlackWebhook,
  startTeamsWebhook,
  type ChatWebhook,
} from '../support/chat-webhooks.js';
import { startGitHubApi, type GitHubApi } from '../support/github-api.js';
import { freePort } from '../support/haproxy.js';
import {
  expectOneLineError,
  maskedValues,
  runAction,
  visibleLog,
  type ActionRun,
} from '../support/run-action.js';
import { shiftUnderLoad, startTwoVersions, type TestService } from '../support/service.js';

let slack: ChatWebhook;
let teams: ChatWebhook;
let github: GitHubApi;
beforeEach(async () => {
  [slack, teams, github] = await Promise.all([startSlackWebhook(), startTeamsWebhook(), startGitHubApi()]);
});
afterEach(async () => {
  expect(slack.refusals).toEqual([]);
  expect(teams.refusals).toEqual([]);
  expect(github.violations).toEqual([]);
  await Promise.all([slack.close(), teams.close(), github.close()]);
});

const failing = (reason = 'status 503, expected 2xx') =>
  JSON.stringify({
    healthy: false,
    failed: ['api-health'],
    probes: [
      { name: 'api-health', url: 'https://api.example.com/health', healthy: false, status: 503, reason },
    ],
  });

const incident = (inputs: Record<string, string> = {}) =>
  runAction('open-incident-issue', {
    inputs: {
      service: 'checkout-api',
      severity: 'P1',
      mode: 'auto',
      report: failing(),
      impact: 'checkout fails for about 20% of requests',
      rollback: 'traffic back on checkout-00041',
      'github-token': github.token,
      'slack-webhook-url': slack.url,
      'teams-webhook-url': teams.url,
      ...inputs,
    },
    env: { GITHUB_API_URL: github.url, RELEASE_ACTIONS_RETRY_AFTER_MS: '20' },
  });

/** The webhook URLs are secrets: masked, and nowhere in the log, outputs or summary. */
const expectWebhooksHidden = (run: ActionRun) => {
  for (const hook of [slack, teams]) {
    expect(maskedValues(run)).toEqual(expect.arrayContaining([hook.url, hook.key]));
    for (const text of [visibleLog(run), run.stderr, run.summary, JSON.stringify(run.outputs)])
      expect(text).not.toContain(hook.key);
  }
};

describe('the stand-ins refuse what Slack and Teams refuse', () => {
  const post = (hook: ChatWebhook, payload: unknown) =>
    fetch(hook.url, { method: 'POST', body: JSON.stringify(payload) }).then(
      async (r) => `${r.status} ${await r.text()}`,
    );
  const card = (body: unknown[], version = '1.4') => ({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: { type: 'AdaptiveCard', version, body },
      },
    ],
  });

  it('Slack: no text, too many blocks, a header over 150, eleven fields, an unknown key', async () => {
    const section = { type: 'section', text: { type: 'mrkdwn', text: 'x' } };
    expect(await post(slack, {})).toBe('400 no_text');
    expect(await post(slack, { blocks: Array(51).fill(section) })).toMatch(/^400 invalid_blocks: 51 blocks/);
    expect(
      await post(slack, {
        blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
      }),
    ).toMatch(/^400 invalid_blocks: blocks\[0\]: 151 characters/);
    expect(
      await post(slack, {
        blocks: [{ type: 'section', fields: Array(11).fill({ type: 'mrkdwn', text: 'f' }) }],
      }),
    ).toMatch(/^400 invalid_blocks: blocks\[0\]: 11 fields/);
    expect(await post({ ...slack, url: slack.url.replace(slack.key, 'wrong') }, { text: 'x' })).toBe(
      '404 no_service',
    );
    expect(await post(slack, { text: 'fine' })).toBe('200 ok');
    slack.refusals.length = 0;
    slack.received.length = 0;
  });

  it("Teams: what Microsoft's Adaptive Cards parser does not know, a version Teams cannot render, 28 KB", async () => {
    expect(await post(teams, card([{ type: 'Bogus' }]))).toMatch(/^400 .*Unknown element type "Bogus"/);
    expect(await post(teams, card([{ type: 'TextBlock', text: 'x', size: 'Huge' }]))).toMatch(
      /^400 .*"Huge"/,
    );
    expect(await post(teams, card([{ type: 'TextBlock', text: 'x' }], '1.6'))).toMatch(/^400 .*up to 1\.5/);
    expect(await post(teams, card([{ type: 'TextBlock', text: 'x'.repeat(30_000) }]))).toMatch(
      /^400 .*28 KB/,
    );
    expect(await post(teams, card([{ type: 'TextBlock', text: 'fine' }]))).toBe('202 ');
    teams.refusals.length = 0;
    teams.received.length = 0;
  });
});

describe('open-incident-issue tells Slack and Teams', () => {
  it('when the incident opens: severity, impact, what is down, the rollback and links', async () => {
    const run = await incident();
    expect(run.code).toBe(0);
    expect(visibleLog(run)).toContain('Posted to Slack.');
    expect(visibleLog(run)).toContain('Posted to Microsoft Teams.');
    expectWebhooksHidden(run);
    expect(slack.received).toHaveLength(1);
    const text = slackAsText(slack.received[0]);
    expect(text).toContain('P1 incident opened: checkout-api (production): healthcheck failing');
    expect(text).toContain('Severity: P1 (High)');
    expect(text).toContain('Impact: checkout fails for about 20% of requests');
    expect(text).toContain('Down: api-health: status 503, expected 2xx');
    expect(text).toContain('Rollback: traffic back on checkout-00041');
    expect(text).toContain(`Incident issue (${run.outputs['issue-url']})`);
    expect(text).toContain('Run (https://github.com/acme/shop/actions/runs/1234)');
    const card = teams.received[0].attachments[0].content;
    expect(card.body[0].text).toContain('P1 incident opened');
    expect(card.body[1].facts).toContainEqual({
      title: 'Impact',
      value: 'checkout fails for about 20% of requests',
    });
    expect(card.actions.map((a: { url: string }) => a.url)).toEqual([
      run.outputs['issue-url'],
      'https://github.com/acme/shop/actions/runs/1234',
    ]);
  });

  it('no more often than the comments (update-interval), then resolved with its duration', async () => {
    await incident();
    const quiet = await incident();
    expect(quiet.outputs['action']).toBe('nothing');
    expect(slack.received).toHaveLength(1);
    const due = await incident({ 'update-interval': '0s' });
    expect(due.outputs['action']).toBe('updated');
    expect(slackAsText(slack.received[1])).toContain('P1 incident updated');
    const resolved = await incident({ report: JSON.stringify({ healthy: true, failed: [], probes: [] }) });
    expect(resolved.outputs['action']).toBe('resolved');
    expect(slack.received).toHaveLength(3);
    expect(teams.received).toHaveLength(3);
    const text = slackAsText(slack.received[2]);
    expect(text).toContain('P1 incident resolved');
    expect(text).toMatch(/Duration: [\d.]+m?s/);
  });

  it('a chat that refuses, or is down, is a warning: the incident still opens', async () => {
    slack.refuseWith(410, 'channel_is_archived');
    const down = `http://127.0.0.1:${await freePort()}/webhookb2/x/IncomingWebhook/abcdefabcdefabcdef/owner`;
    const run = await incident({ 'teams-webhook-url': down });
    expect(run.code).toBe(0);
    expect(github.issues).toHaveLength(1);
    expect(run.stdout).toContain(
      '::warning::Slack did not take the message: HTTP 410 (channel_is_archived).',
    );
    expect(run.stdout).toContain('::warning::Microsoft Teams was not told: connection refused.');
    expect(visibleLog(run)).not.toContain('abcdefabcdefabcdef');
    slack.refusals.length = 0;
  });

  it('text from a failing service cannot ping the channel or hide a link, and a long report stays inside the limits', async () => {
    const hostile =
      '<!channel> see <https://evil.example|the dashboard> and [click](https://evil.example) ## big';
    const run = await incident({
      report: failing(`${hostile} ${'x'.repeat(5000)}`),
      impact: 'i'.repeat(4000),
    });
    expect(run.code).toBe(0);
    const fields = JSON.stringify(slack.received[0].blocks);
    expect(fields).not.toContain('<!channel>');
    expect(fields).toContain('&lt;!channel&gt;');
    expect(fields).not.toContain('<https://evil.example|');
    const facts = teams.received[0].attachments[0].content.body[1].facts as { value: string }[];
    expect(facts.map((f) => f.value).join()).toContain('\\[click\\]\\(https://evil.example\\)');
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/iam/secretKEY1234567890', /must be an https URL/],
    ['file:///etc/passwd#secretKEY1234567890', /must be an https URL/],
    ['javascript:alert(1)//secretKEY1234567890', /must be an https URL/],
  ])('a hostile webhook %s is refused before anything is sent', async (url, says) => {
    const run = await incident({ 'teams-webhook-url': url });
    expectOneLineError(run, 'teams-webhook-url', says);
    expect(run.stdout).not.toMatch(/::error::.*secretKEY/);
    expect(github.requests).toEqual([]);
  });

  it('a webhook input that is not a URL is refused in one line, without quoting it, and nothing opens', async () => {
    const run = await incident({ 'slack-webhook-url': 'hooks.slack.com/services/T0/B0/secretKEY1234567890' });
    expectOneLineError(run, 'slack-webhook-url', /is not a URL; pass the webhook URL from a secret/);
    expect(run.stdout).not.toMatch(/::error::.*secretKEY/);
    expect(github.requests).toEqual([]);
    expect(slack.received).toEqual([]);
  });
});

describe('traffic put back is news too', () => {
  let v1: TestService;
  let v2: TestService;
  let router: LocalRouter;
  beforeAll(async () => ({ v1, v2 } = await startTwoVersions()));
  afterAll(() => Promise.all([v1.close(), v2.close()]));
  beforeEach(async () => {
    v2.setMode('ok');
    router = await startLocalRouter({ revisions: { v1: v1.url, v2: v2.url }, split: { v1: 100 } });
  });
  afterEach(() => router.close());
  const chats = () => ({ 'slack-webhook-url': slack.url, 'teams-webhook-url': teams.url });

  it('shift-traffic rolling a failing canary back tells both, once', async () => {
    v2.setMode('error');
    const run = await shiftUnderLoad(router.url, { steps: '10,100', 'step-duration': '2s', ...chats() });
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(slack.received).toHaveLength(1);
    expect(teams.received).toHaveLength(1);
    const text = slackAsText(slack.received[0]);
    expect(text).toContain('Rolled back: v1 100%');
    expect(text).toContain('Before: v2 at 10%');
    expect(text).toContain('By: shift-traffic (v2 over v1)');
    expectWebhooksHidden(run);
  });

  it('a promotion says nothing', async () => {
    const run = await shiftUnderLoad(router.url, chats());
    expect(run.outputs['outcome']).toBe('promoted');
    expect(slack.received).toEqual([]);
  });

  it('a rollback by hand says from where, to where and why', async () => {
    await router.close();
    router = await startLocalRouter({ revisions: { v1: v1.url, v2: v2.url }, split: { v1: 50, v2: 50 } });
    const run = await runAction('rollback', {
      inputs: {
        provider: 'local',
        'local-router-url': router.url,
        'to-revision': 'v1',
        reason: 'error rate over 5% after 1.4.0',
        ...chats(),
      },
    });
    expect(run.code).toBe(0);
    const text = slackAsText(slack.received[0]);
    expect(text).toContain('Rolled back: v1 100%');
    expect(text).toContain('Before: v1 50% / v2 50%');
    expect(text).toContain('Why: error rate over 5% after 1.4.0');
    expect(teams.received).toHaveLength(1);
  });
});
