/**
 * Secrets stay secret. Each credential a release touches carries its own planted
 * value: the GitHub token, probe headers, URL user-info, a query-string key, and a
 * secret the service leaks in its error bodies. A release that breaks and rolls back
 * runs every built action with them; then every place a value could surface is
 * scanned (stdout without the runner's ::add-mask:: commands, stderr, outputs, step
 * summaries, saved state, issue bodies and comments, deployment statuses, incident
 * records): zero occurrences. The test first proves each secret really was used.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startLocalRouter, type LocalRouter } from '../../shared/adapters/local-router/server.js';
import { openIssue, startGitHubApi, type GitHubApi } from '../support/github-api.js';
import { startLoad } from '../support/load.js';
import { maskedValues, runAction, type ActionRun } from '../support/run-action.js';
import { v1ToV2OnLocalRouter, startService, type TestService } from '../support/service.js';

const SECRETS = {
  githubToken: 'ghs_PLANTEDgithubTOKEN4f9a8b7c6d5e',
  bearer: 'PLANTED-bearer-7c1e9d2a44b0',
  password: 'PLANTEDpass9q8w7e6r',
  apiKey: 'PLANTED-apikey-0b5e3c8f11aa',
  queryKey: 'PLANTEDquery31f7aa02',
  leaked: 'PLANTED-leaked-in-body-55e0c4',
  prometheusToken: 'PLANTED-prom-token-8d2f61',
  prometheusPassword: 'PLANTEDpromPass44c1',
} as const;

const env = {
  BEARER: SECRETS.bearer,
  PROBE_PASSWORD: SECRETS.password,
  ANON_KEY: SECRETS.apiKey,
  QUERY_KEY: SECRETS.queryKey,
};

let v1: TestService;
let v2: TestService;
let supabase: TestService;
let router: LocalRouter;
let github: GitHubApi;
/** A Prometheus stand-in: answers every query with 0 and records what it was sent. */
let prometheus: Server;
const prometheusRequests: IncomingHttpHeaders[] = [];
const runs: [string, ActionRun][] = [];

beforeAll(async () => {
  v1 = await startService({ version: '1.0.0', leakInBody: SECRETS.leaked });
  v2 = await startService({ version: '2.0.0', leakInBody: SECRETS.leaked });
  supabase = await startService({ anonKey: SECRETS.apiKey, leakInBody: SECRETS.leaked });
  router = await startLocalRouter({ revisions: { v1: v1.url }, split: { v1: 100 } });
  github = await startGitHubApi('acme', 'shop', SECRETS.githubToken);
  prometheus = createServer((req, res) => {
    prometheusRequests.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, value: [0, '0'] }] },
      }),
    );
  });
  await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await Promise.all([v1.close(), v2.close(), supabase.close(), router.close()]);
  prometheus.close();
  await github.close();
});

const withUserInfo = (url: string) => url.replace('http://', `http://ops:\${PROBE_PASSWORD}@`);
/** Probes that carry every kind of planted credential at a revision's own address. */
const revisionProbes = (variable: string) =>
  JSON.stringify([
    { name: 'health', url: withUserInfo(`\${${variable}}/health?key=\${QUERY_KEY}`) },
    {
      name: 'api',
      url: `\${${variable}}/api/version`,
      headers: { apikey: '${ANON_KEY}', Authorization: 'Bearer ${BEARER}' },
    },
  ]);
const githubEnv = {
  GITHUB_API_URL: '',
  GITHUB_SHA: 'a'.repeat(40),
  RELEASE_ACTIONS_RETRY_AFTER_MS: '20',
  RELEASE_ACTIONS_NOW: '2026-11-24T10:00:00Z',
};
const step = async (name: string, run: Promise<ActionRun>) => {
  const done = await run;
  runs.push([name, done]);
  return done;
};

describe('a release that breaks, with a secret in every credential', () => {
  it('runs every action with the planted secrets', async () => {
    githubEnv.GITHUB_API_URL = github.url;
    github.issues.push(
      openIssue(1, 'Release 2.0.0', '## Go/no-go\n- [x] Staging soaked\n- [ ] Support briefed\n', [
        'release',
      ]),
    );
    github.deployments.push({
      id: 1,
      sha: 'a'.repeat(40),
      ref: 'main',
      environment: 'staging',
      production: false,
      transient: false,
      statuses: [
        { state: 'success', description: 'live', environment_url: '', created_at: '2026-11-24T09:00:00Z' },
      ],
    });
    await step(
      'verify-checklist',
      runAction('verify-checklist', {
        inputs: { sources: 'issue:1', 'github-token': SECRETS.githubToken },
        env: githubEnv,
      }),
    );
    await step(
      'soak-gate',
      runAction('soak-gate', {
        inputs: {
          'checks-workflow': 'staging-monitor.yml',
          sha: 'a'.repeat(40),
          'github-token': SECRETS.githubToken,
        },
        env: githubEnv,
      }),
    );
    const health = await step(
      'healthcheck',
      runAction('healthcheck', {
        inputs: {
          probes: JSON.stringify([
            { name: 'site', url: withUserInfo(`${v1.url}/error?key=\${QUERY_KEY}`) },
            { name: 'status', url: `${v1.url}/error`, headers: { Authorization: 'Bearer ${BEARER}' } },
            {
              name: 'favorites',
              url: `${supabase.url}/rest/v1/favorites`,
              headers: { apikey: '${ANON_KEY}', Authorization: 'Bearer ${ANON_KEY}x' },
            },
          ]),
        },
        env,
      }),
    );
    await step(
      'open-incident-issue (healthcheck)',
      runAction('open-incident-issue', {
        inputs: {
          mode: 'auto',
          service: 'shop',
          severity: 'P1',
          report: health.outputs['report'] ?? '',
          'record-dir': 'incidents',
          'github-token': SECRETS.githubToken,
        },
        env: githubEnv,
      }),
    );

    const deployed = await step(
      'deploy-canary',
      runAction('deploy-canary', {
        inputs: {
          provider: 'local',
          'local-router-url': router.url,
          'canary-revision': 'v2',
          'canary-address': v2.url,
          probes: revisionProbes('CANARY_URL'),
        },
        env,
      }),
    );
    expect(deployed.code).toBe(0);
    v2.setMode('error');
    const load = startLoad(`${router.url}/health`, 100);
    const shifted = await step(
      'shift-traffic',
      runAction('shift-traffic', {
        inputs: {
          ...v1ToV2OnLocalRouter(router.url),
          steps: '25,100',
          'step-duration': '1s',
          'check-interval': '250ms',
          'min-requests': '5',
          // The checks, not the probe watch, must stop it: each secret is used at a check.
          tripwire: 'false',
          probes: revisionProbes('CANARY_URL'),
          'prometheus-url': `http://prom:${SECRETS.prometheusPassword}@127.0.0.1:${(prometheus.address() as AddressInfo).port}`,
          'prometheus-token': SECRETS.prometheusToken,
          'prometheus-query': 'sum(rate(errors_total{revision="{{revision}}"}[1m]))',
          'prometheus-max': '0.5',
          'github-environment': 'production',
          'github-token': SECRETS.githubToken,
        },
        env: { ...env, ...githubEnv },
      }),
    );
    await load.stop();
    expect(shifted.outputs['outcome']).toBe('rolled-back');
    await step(
      'shift-traffic post',
      runAction('shift-traffic', {
        post: true,
        state: shifted.state,
        inputs: {
          ...v1ToV2OnLocalRouter(router.url),
          'github-token': SECRETS.githubToken,
        },
        env: { ...env, ...githubEnv },
      }),
    );
    await step(
      'rollback',
      runAction('rollback', {
        inputs: {
          provider: 'local',
          'local-router-url': router.url,
          'to-revision': 'v1',
          probes: revisionProbes('TARGET_URL'),
          'github-environment': 'production',
          'github-token': SECRETS.githubToken,
        },
        env: { ...env, ...githubEnv },
      }),
    );
    await step(
      'open-incident-issue (rollout)',
      runAction('open-incident-issue', {
        inputs: {
          mode: 'open',
          service: 'shop',
          kind: 'rollout',
          severity: 'P1',
          rollback: shifted.outputs['reason'] ?? '',
          'github-token': SECRETS.githubToken,
        },
        env: githubEnv,
      }),
    );
    for (const [name, run] of runs) expect([name, run.stderr]).toEqual([name, '']);
  }, 60_000);

  it('really used each secret', () => {
    const sent = [...v1.requests, ...v2.requests, ...supabase.requests];
    const headers = sent.map((r) => JSON.stringify(r.headers)).join('\n');
    expect(headers).toContain(`Bearer ${SECRETS.bearer}`);
    expect(headers).toContain(SECRETS.apiKey);
    expect(headers).toContain(Buffer.from(`ops:${SECRETS.password}`).toString('base64'));
    expect(sent.some((r) => r.url.includes(SECRETS.queryKey))).toBe(true);
    const toPrometheus = JSON.stringify(prometheusRequests);
    expect(toPrometheus).toContain(SECRETS.prometheusToken);
    // The URL's user-info was given too; the bearer token takes its place on the wire.
    expect(prometheusRequests.length).toBeGreaterThan(1);
    // The probes met the bodies that leak, and GitHub accepted the token.
    expect(v2.requests.length).toBeGreaterThan(0);
    expect(github.requests.length).toBeGreaterThan(5);
    expect(github.issues.length).toBeGreaterThanOrEqual(2);
    expect(github.deployments.length).toBeGreaterThanOrEqual(2);
  });

  it('masks every credential the actions were given', () => {
    const masked = new Set(runs.flatMap(([, run]) => maskedValues(run)));
    for (const secret of [
      SECRETS.githubToken,
      SECRETS.bearer,
      SECRETS.password,
      SECRETS.apiKey,
      SECRETS.prometheusToken,
      SECRETS.prometheusPassword,
    ]) {
      expect(masked).toContain(secret);
    }
  });

  it.each(Object.entries(SECRETS))(
    '%s appears nowhere a person or a later step could read it',
    (_, secret) => {
      const places: [string, string][] = [];
      for (const [name, run] of runs) {
        const log = run.stdout
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n');
        places.push([`${name} stdout`, log], [`${name} stderr`, run.stderr]);
        places.push([`${name} outputs`, JSON.stringify(run.outputs)], [`${name} summary`, run.summary]);
        places.push([`${name} state`, JSON.stringify(run.state)]);
        for (const file of filesUnder(run.workspace))
          places.push([`${name} ${file}`, readFileSync(file, 'utf8')]);
      }
      for (const issue of github.issues)
        places.push([`issue #${issue.number}`, `${issue.title}\n${issue.body}`]);
      for (const comment of github.comments) places.push([`comment on #${comment.issue}`, comment.body]);
      for (const d of github.deployments) places.push([`deployment ${d.id}`, JSON.stringify(d)]);
      places.push(['GitHub request bodies', JSON.stringify(github.requests.map((r) => r.body ?? null))]);
      expect(places.length).toBeGreaterThan(40);
      expect(places.filter(([, text]) => text.includes(secret)).map(([where]) => where)).toEqual([]);
    },
  );
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}
