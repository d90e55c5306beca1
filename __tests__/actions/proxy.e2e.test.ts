/**
 * A self-hosted runner behind a proxy: the built actions, run as the runner runs them,
 * send probes and GitHub calls through a real tinyproxy when HTTP(S)_PROXY is set, go
 * direct for NO_PROXY, mask proxy credentials, and say plainly when the proxy refuses
 * or is down.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGitHubApi, type GitHubApi } from '../support/github-api.js';
import { freePort } from '../support/haproxy.js';
import { maskedValues, runAction, visibleLog } from '../support/run-action.js';
import { startTinyproxy, type RunningProxy } from '../support/tinyproxy.js';

let proxy: RunningProxy;
let refusing: RunningProxy;
let service: Server;
let serviceUrl: string;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  [proxy, refusing] = await Promise.all([startTinyproxy(), startTinyproxy({ refuse: true })]);
  service = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all([proxy.stop(), refusing.stop()]);
  await new Promise((resolve) => service.close(resolve));
});
beforeEach(() => (seen.length = 0));

const probe = (env: Record<string, string>, url = `${serviceUrl}/health`) =>
  runAction('healthcheck', {
    inputs: { probes: `[{name: api, url: "${url}"}]`, retries: '0' },
    env,
  });

describe('healthcheck behind a proxy', () => {
  it('sends the probe through HTTP_PROXY and says so once', async () => {
    const before = proxy.requests().length;
    const run = await probe({ HTTP_PROXY: proxy.url });
    expect(run.outputs['healthy']).toBe('true');
    expect(seen[0]?.via).toMatch(/tinyproxy/);
    expect(proxy.requests().slice(before)).toContain(`GET ${serviceUrl}/health HTTP/1.1`);
    const said = visibleLog(run).match(/Requests go through the runner's proxy[^\n]*/g);
    expect(said).toEqual([
      `Requests go through the runner's proxy: http through ${proxy.url}/ (HTTP_PROXY).`,
    ]);
  });

  it('goes direct for a host in no_proxy, the lower-case name the runner also sets', async () => {
    const before = proxy.requests().length;
    const run = await probe({ http_proxy: proxy.url, no_proxy: 'localhost,127.0.0.1' });
    expect(run.outputs['healthy']).toBe('true');
    expect(seen[0]?.via).toBeUndefined();
    expect(proxy.requests().length).toBe(before);
    expect(visibleLog(run)).toContain('not for no_proxy=localhost,127.0.0.1');
  });

  it('uses https_proxy only for https URLs', async () => {
    const run = await probe({ https_proxy: refusing.url });
    expect(run.outputs['healthy']).toBe('true');
    expect(seen[0]?.via).toBeUndefined();
  });

  it('masks the credentials in a proxy URL', async () => {
    const password = 'pr0xyPassw0rd-7f3a9c';
    const run = await probe({ HTTP_PROXY: proxy.url.replace('//', `//ci-runner:${password}@`) });
    expect(run.outputs['healthy']).toBe('true');
    expect(maskedValues(run)).toContain(password);
    expect(visibleLog(run)).not.toContain(password);
    expect(visibleLog(run)).toContain('proxy: http through http://***:***@127.0.0.1');
  });

  it('names the proxy when it refuses a tunnel', async () => {
    const target = `https://127.0.0.1:${await freePort()}/health`;
    const run = await probe({ HTTPS_PROXY: refusing.url }, target);
    expect(run.code).toBe(1);
    const [down] = JSON.parse(run.outputs['report'] ?? '{}').probes;
    expect(down.reason).toMatch(
      /^the proxy refused the request \(.*via http:\/\/127\.0\.0\.1:\d+.*403 Access denied\)$/,
    );
  });

  it('names the proxy when nothing listens there', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const run = await probe({ HTTP_PROXY: down });
    expect(run.code).toBe(1);
    const [probe0] = JSON.parse(run.outputs['report'] ?? '{}').probes;
    expect(probe0.reason).toBe(`connection refused at the proxy ${down}/ (HTTP_PROXY)`);
    expect(seen).toEqual([]);
  });

  it('warns about a proxy variable that is not a URL, and goes direct', async () => {
    const run = await probe({ HTTP_PROXY: 'proxy.internal:3128' });
    expect(run.outputs['healthy']).toBe('true');
    expect(run.stdout).toContain(
      '::warning::HTTP_PROXY is not a proxy URL (proxy.internal:3128); http requests go direct. Example: HTTP_PROXY=http://proxy.internal:3128',
    );
  });
});

describe('GitHub calls behind a proxy', () => {
  let github: GitHubApi;
  beforeEach(async () => (github = await startGitHubApi('acme', 'shop')));
  afterEach(async () => {
    expect(github.violations).toEqual([]);
    await github.close();
  });

  const incident = (env: Record<string, string>) =>
    runAction('open-incident-issue', {
      inputs: {
        service: 'shop-api',
        severity: 'P2',
        report: JSON.stringify({
          healthy: false,
          failed: ['api'],
          probes: [{ name: 'api', healthy: false }],
        }),
        'github-token': github.token,
      },
      env: { GITHUB_API_URL: github.url, RELEASE_ACTIONS_RETRY_AFTER_MS: '20', ...env },
    });

  it('Octokit reaches the API through the proxy (a CONNECT tunnel, as Node tunnels fetch)', async () => {
    const before = proxy.requests().length;
    const run = await incident({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
    expect(run.code).toBe(0);
    expect(github.issues).toHaveLength(1);
    expect(proxy.requests().slice(before)).toContain(`CONNECT ${new URL(github.url).host} HTTP/1.1`);
  });

  it('a proxy that refuses fails the step with one line and opens nothing', async () => {
    const run = await incident({ HTTP_PROXY: refusing.url });
    expect(run.code).toBe(1);
    expect(github.requests).toEqual([]);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBe(
      '::error::open-incident-issue: GitHub could not be reached to list issues: the proxy refused the tunnel (HTTP 403); have it allow this runner, or add the host to NO_PROXY',
    );
  });
});
