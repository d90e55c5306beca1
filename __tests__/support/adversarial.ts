/**
 * The adversarial corpus's harness. Every attack runs a built action against
 * targets that record everything they receive: an HAProxy admin socket, the local
 * GitHub API, an HTTP service (probes, routers, Prometheus), and gcloud, kubectl,
 * vercel and eas stand-ins on PATH that log each call. An attack either is refused
 * by the one-line contract with nothing sent, or ends in a documented safe
 * behaviour; in both cases no secret reaches the log and no stack is printed.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGitHubApi, type GitHubApi } from './github-api.js';
import { expectOneLineError, runAction, visibleLog, type ActionRun } from './run-action.js';
import { startService, type TestService } from './service.js';

export const TOKEN = 'ghs_adversarialSECRET0123456789ab';
export const PROBE_SECRET = 'sk-live-ADVERSARIAL-7f6e5d4c';
export const PROM_TOKEN = 'prom-ADVERSARIAL-SECRET-1a2b3c';

export interface Targets {
  socket: string;
  github: GitHubApi;
  service: TestService;
  /** The directory the CLI stand-ins log to; `cliCalls()` reads it. */
  binDir: string;
  /** A file commands touch, to prove a command ran. */
  marker: string;
  cliCalls(): string;
  socketConnections(): number;
  close(): Promise<void>;
}

const STAND_INS = ['gcloud', 'kubectl', 'vercel', 'eas'];

export async function startTargets(): Promise<Targets> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ra-attack-'));
  const socket = path.join(dir, 'admin.sock');
  let connections = 0;
  const server: Server = createServer((c) => {
    connections++;
    c.destroy();
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  const binDir = path.join(dir, 'bin');
  mkdirSync(binDir);
  const log = path.join(dir, 'cli.log');
  writeFileSync(log, '');
  for (const cli of STAND_INS) {
    const file = path.join(binDir, cli);
    writeFileSync(file, `#!/bin/sh\necho "${cli} $*" >> '${log}'\nexit 1\n`);
    chmodSync(file, 0o755);
  }
  const github = await startGitHubApi('acme', 'shop', TOKEN);
  const service = await startService({ leakInBody: PROBE_SECRET });
  return {
    socket,
    github,
    service,
    binDir,
    marker: path.join(dir, 'command-ran'),
    cliCalls: () => readFileSync(log, 'utf8'),
    socketConnections: () => connections,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await github.close();
      await service.close();
    },
  };
}

export type ActionName =
  | 'verify-checklist'
  | 'deploy-canary'
  | 'shift-traffic'
  | 'healthcheck'
  | 'rollback'
  | 'open-incident-issue'
  | 'soak-gate';

export interface Attack {
  title: string;
  action: ActionName;
  inputs: (t: Targets) => Record<string, string>;
  files?: Record<string, string>;
  setup?: (workspace: string, t: Targets) => void;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** The contract: exit 1, one line naming this input, nothing sent. */
  refuses?: { input: string; says: RegExp };
  /** Or a documented safe behaviour, checked by `check`. */
  safe?: { is: string; check: (run: ActionRun, t: Targets) => void };
}

export type Corpus = Record<string, Attack[]>;

/** What every run must hold, whatever the attack. */
function expectNoLeak(run: ActionRun): void {
  const log = visibleLog(run) + run.stderr;
  for (const secret of [TOKEN, PROBE_SECRET, PROM_TOKEN]) expect(log).not.toContain(secret);
  expect(log).not.toMatch(/\n\s+at \S+ \(|a bug in release-actions/);
}

export async function perform(attack: Attack, t: Targets): Promise<ActionRun> {
  const before = {
    socket: t.socketConnections(),
    github: t.github.requests.length,
    service: t.service.requests.length,
    cli: t.cliCalls(),
  };
  const run = await runAction(attack.action, {
    inputs: attack.inputs(t),
    ...(attack.files && { files: attack.files }),
    ...(attack.setup && { setup: (workspace: string) => attack.setup!(workspace, t) }),
    env: {
      GITHUB_API_URL: t.github.url,
      PATH: `${t.binDir}:${process.env['PATH'] ?? ''}`,
      RELEASE_ACTIONS_RETRY_AFTER_MS: '20',
      ...attack.env,
    },
    timeoutMs: attack.timeoutMs ?? 20_000,
  });
  expectNoLeak(run);
  if (attack.refuses) {
    expectOneLineError(run, attack.refuses.input, attack.refuses.says);
    expect({
      socket: t.socketConnections(),
      github: t.github.requests.length,
      service: t.service.requests.length,
      cli: t.cliCalls(),
    }).toEqual(before);
  } else {
    attack.safe!.check(run, t);
  }
  return run;
}

/** Runs one corpus file: a describe per class, an it per attack. */
export function runCorpus(corpus: Corpus): void {
  let targets: Targets;
  beforeAll(async () => (targets = await startTargets()));
  afterAll(() => targets.close());
  for (const [kind, attacks] of Object.entries(corpus)) {
    describe(kind, () => {
      it.each(attacks.map((a) => [`${a.action}: ${a.title}`, a] as const))('%s', async (_title, attack) => {
        await perform(attack, targets);
      });
    });
  }
}

let routers = 0;

/** Builders for the actions' everyday inputs, pointed at the targets. */
export const on = {
  haproxy: (t: Targets) => ({ provider: 'haproxy', 'haproxy-socket': t.socket, 'haproxy-backend': 'app' }),
  shift: (t: Targets, extra: Record<string, string> = {}) => ({
    ...on.haproxy(t),
    'stable-revision': 'blue',
    'canary-revision': 'green',
    'github-token': TOKEN,
    ...extra,
  }),
  rollback: (t: Targets, extra: Record<string, string> = {}) => ({
    ...on.haproxy(t),
    'to-revision': 'blue',
    'github-token': TOKEN,
    ...extra,
  }),
  deploy: (t: Targets, extra: Record<string, string> = {}) => ({
    ...on.haproxy(t),
    'canary-revision': 'green',
    'canary-address': '127.0.0.1:8081',
    ...extra,
  }),
  cloudRun: (extra: Record<string, string> = {}) => ({
    provider: 'cloud-run',
    'cloud-run-service': 'api',
    'cloud-run-region': 'us-central1',
    ...extra,
  }),
  kubernetes: (extra: Record<string, string> = {}) => ({
    provider: 'kubernetes',
    'kubernetes-route': 'shop',
    ...extra,
  }),
  /** EAS Update: revisions are update groups (UUIDs). */
  eas: (extra: Record<string, string> = {}) => ({
    provider: 'eas-update',
    'eas-branch': 'production',
    'stable-revision': '11111111-1111-4111-8111-111111111111',
    'canary-revision': '22222222-2222-4222-8222-222222222222',
    'to-revision': '11111111-1111-4111-8111-111111111111',
    ...extra,
  }),
  healthcheck: (t: Targets, probes?: string, extra: Record<string, string> = {}) => ({
    probes:
      probes ??
      `[{name: api, url: "${t.service.url}/health", headers: {Authorization: "Bearer ${PROBE_SECRET}"}}]`,
    ...extra,
  }),
  incident: (extra: Record<string, string> = {}) => ({
    service: 'api',
    severity: 'P1',
    'github-token': TOKEN,
    ...extra,
  }),
  checklist: (extra: Record<string, string> = {}) => ({
    sources: 'RELEASE.md',
    'github-token': TOKEN,
    ...extra,
  }),
  /** A command provider whose router is a file: set-split writes it, get-split reads it. */
  commandRouter: (t: Targets, split: Record<string, number>, extra: Record<string, string> = {}) => {
    const file = `${t.marker}-split-${++routers}.json`;
    writeFileSync(file, JSON.stringify(split));
    return {
      provider: 'command',
      'command-get-split': `cat '${file}'`,
      'command-set-split': `printf '%s' "$SPLIT_JSON" > '${file}'`,
      'github-token': '',
      ...extra,
    };
  },
  soak: (extra: Record<string, string> = {}) => ({
    'checks-workflow': 'staging-monitor.yml',
    sha: 'a'.repeat(40),
    'github-token': TOKEN,
    ...extra,
  }),
};

export const CHECKLIST = '## Release\n- [x] Staging deployment successful\n';
