/**
 * The command recipes in workflows-examples/, run with their exact commands through
 * bash (curl and jq as the runner has them) against local servers that answer as
 * the platform does and refuse what it refuses.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { recipe } from '../support/recipes.js';
import { runAction } from '../support/run-action.js';
import { startService, type TestService } from '../support/service.js';

/**
 * A flag service's percentage rollout: GET the flag, PATCH {"percent": 0-100} with a
 * bearer token. Like the real ones, it refuses a body that is not JSON, or a percent
 * that is not a whole number from 0 to 100, with 400.
 */
async function startFlags(token: string) {
  const flag = { percent: 0, patches: [] as string[] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const answer = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.headers.authorization !== `Bearer ${token}`) return answer(401, { error: 'unauthorized' });
      if (req.url !== '/api/flags/new-checkout') return answer(404, { error: 'no such flag' });
      if (req.method === 'GET') return answer(200, { key: 'new-checkout', percent: flag.percent });
      if (req.method !== 'PATCH') return answer(405, { error: 'method' });
      flag.patches.push(body);
      let parsed: { percent?: unknown };
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        return answer(400, { error: 'body is not JSON' });
      }
      if (
        !Number.isInteger(parsed.percent) ||
        (parsed.percent as number) < 0 ||
        (parsed.percent as number) > 100
      )
        return answer(400, { error: 'percent must be a whole number from 0 to 100' });
      flag.percent = parsed.percent as number;
      return answer(200, { key: 'new-checkout', percent: flag.percent });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    flag,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('feature-flag.yml (runbook 002: the kill switch is the rollback)', () => {
  let checkout: TestService;
  beforeEach(async () => (checkout = await startService({ version: '2.0.0' })));
  afterEach(() => checkout.close());

  it('a failing flag is switched off: the rollback sends {"percent": 0}', async () => {
    const flags = await startFlags('flag-token-123');
    const step = recipe('feature-flag.yml', 'shift-traffic');
    checkout.setMode('error');
    try {
      const run = await runAction('shift-traffic', {
        inputs: {
          ...step.with,
          steps: '10,100',
          'step-duration': '2s',
          'check-interval': '200ms',
          probes: `[{name: checkout, url: "${checkout.url}/health"}]`,
        },
        env: { FLAGS_TOKEN: 'flag-token-123', FLAGS_API: flags.url },
        timeoutMs: 30_000,
      });
      expect(run.outputs['outcome']).toBe('rolled-back');
      expect(flags.flag.patches).toEqual(['{"percent": 10}', '{"percent": 0}']);
      expect(flags.flag.percent).toBe(0);
      expect(run.stdout).not.toContain('flag-token-123');
    } finally {
      await flags.close();
    }
  }, 40_000);
});

/**
 * Stand-ins for ssh and docker that run the remote side on this machine: ssh refuses
 * options OpenSSH does not have (its own words: "unknown option -- x", exit 255) and
 * runs the remote command with /srv/app inside a sandbox; docker knows only
 * `compose pull` and `compose up -d`, and logs what it ran with which TAG.
 */
function sshAndDocker() {
  const root = mkdtempSync(path.join(tmpdir(), 'ra-remote-'));
  const bin = path.join(root, 'bin');
  mkdirSync(path.join(root, 'srv', 'app'), { recursive: true });
  mkdirSync(bin);
  const log = path.join(root, 'log');
  writeFileSync(log, '');
  const script = (name: string, body: string) => {
    writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  };
  script(
    'ssh',
    `while [[ "$1" == -* ]]; do
  case "$1" in -i|-o|-p|-l|-F) shift 2 ;; -T|-q|-n|-4|-6) shift ;; *) echo "unknown option -- \${1#-}" >&2; exit 255 ;; esac
done
host="$1"; shift
[ -n "$host" ] || { echo "usage: ssh destination [command]" >&2; exit 255; }
echo "ssh $host" >> "${log}"
cmd=$(printf '%s' "$*" | sed "s#/srv/app#${root}/srv/app#g")
cd / && bash -c "$cmd"`,
  );
  script(
    'docker',
    `if [ "$1 $2" = "compose pull" ] || [ "$1 $2 $3" = "compose up -d" ]; then echo "docker $* TAG=\${TAG:-}" >> "${log}"; exit 0; fi
echo "docker: unknown command: docker $*" >&2; exit 1`,
  );
  return {
    path: `${bin}:${process.env['PATH']}`,
    current: (split: Record<string, number>) =>
      writeFileSync(path.join(root, 'srv', 'app', 'current.json'), JSON.stringify(split)),
    read: () => readFileSync(path.join(root, 'srv', 'app', 'current.json'), 'utf8').trim(),
    log: () => readFileSync(log, 'utf8').trim().split('\n'),
  };
}

describe('compose-over-ssh.yml (runbook 003: all-or-nothing with a rollback tag)', () => {
  let app: TestService;
  beforeEach(async () => (app = await startService({ version: '1.4.0' })));
  afterEach(() => app.close());

  it('compose runs the tag current.json records: the new one, then the rollback tag when the gate fails', async () => {
    const remote = sshAndDocker();
    remote.current({ 'v1.3.0': 100 });
    const step = recipe('compose-over-ssh.yml', 'shift-traffic');
    const broken = setTimeout(() => app.setMode('error'), 1500);
    const run = await runAction('shift-traffic', {
      inputs: {
        ...step.with,
        'stable-revision': 'v1.3.0',
        'canary-revision': 'v1.4.0',
        'step-duration': '4s',
        'check-interval': '200ms',
        probes: `[{name: health, url: "${app.url}/health"}]`,
      },
      env: { PATH: remote.path, DEPLOY_HOST: 'deploy@app.example.com' },
      timeoutMs: 30_000,
    });
    clearTimeout(broken);
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(remote.log().filter((l) => l.startsWith('docker'))).toEqual([
      'docker compose pull TAG=v1.4.0',
      'docker compose up -d TAG=v1.4.0',
      'docker compose pull TAG=v1.3.0',
      'docker compose up -d TAG=v1.3.0',
    ]);
    expect(JSON.parse(remote.read())).toEqual({ 'v1.3.0': 100 });
  }, 40_000);
});
