/**
 * Stand-ins for the third-party actions our workflows use. Each does to the job what
 * the real one does (files in the workspace, env, outputs) and refuses what it
 * refuses, from its own source:
 * - actions/checkout v4 (src/git-source-provider.ts): the repository at the event's
 *   ref in GITHUB_WORKSPACE; persist-credentials (default true) leaves the token in
 *   .git/config (an extraheader), which we record so tests can assert it is off.
 * - google-github-actions/auth v2 (src/main.ts): exactly one of
 *   workload_identity_provider or credentials_json; WIF needs the job's OIDC token
 *   (permissions id-token: write), else "GitHub Actions did not inject
 *   $ACTIONS_ID_TOKEN_REQUEST_TOKEN…"; exports GOOGLE_APPLICATION_CREDENTIALS and
 *   CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE pointing at a gha-creds-*.json it writes.
 * - actions/cache v4 (restore/save, src/restoreImpl.ts, @actions/cache): a hit on
 *   the exact key, else the newest entry whose key starts with the key, else with
 *   each restore-keys prefix in order; entries of the run's own branch first, then
 *   the default branch's; cache-hit only on an exact key; the same paths (version).
 *   A key that exists cannot be saved again ("Unable to reserve cache…", a warning).
 * - aws-actions/configure-aws-credentials v4: aws-region required; a role needs the
 *   OIDC token too.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface StandInContext {
  inputs: Record<string, string>;
  workspace: string;
  runnerTemp: string;
  /** The GitHub context of the run (ref, sha, repository, ...). */
  github: Record<string, string>;
  /** The job's permissions as written (undefined: the workflow's or the default). */
  permissions: unknown;
  cache: CacheStore;
  /** The files a checkout brings, relative to the repository root. */
  repository: Record<string, string>;
  log(line: string): void;
  warn(line: string): void;
}

export interface StandInResult {
  outputs?: Record<string, string>;
  env?: Record<string, string>;
}

export type StandIn = (ctx: StandInContext) => StandInResult | Promise<StandInResult>;

export class StandInFailure extends Error {}

interface CacheEntry {
  key: string;
  version: string;
  scope: string;
  createdAt: number;
  dir: string;
}

/** The repository's Actions cache, shared by every run of one test (it outlives jobs). */
export class CacheStore {
  readonly entries: CacheEntry[] = [];
  private clock = 0;
  constructor(
    private readonly dir: string,
    readonly defaultBranch = 'refs/heads/main',
  ) {}

  restore(scope: string, key: string, restoreKeys: string[], version: string): CacheEntry | undefined {
    for (const where of [...new Set([scope, this.defaultBranch])]) {
      const here = this.entries.filter((e) => e.scope === where && e.version === version);
      const exact = here.find((e) => e.key === key);
      if (exact) return exact;
      for (const prefix of [key, ...restoreKeys]) {
        const newest = here
          .filter((e) => e.key.startsWith(prefix))
          .sort((a, b) => b.createdAt - a.createdAt)[0];
        if (newest) return newest;
      }
    }
    return undefined;
  }

  save(scope: string, key: string, version: string, from: string, paths: string[]): boolean {
    if (this.entries.some((e) => e.key === key && e.scope === scope && e.version === version)) return false;
    const dir = path.join(this.dir, String(this.entries.length));
    for (const p of paths)
      if (existsSync(path.join(from, p))) cpSync(path.join(from, p), path.join(dir, p), { recursive: true });
    this.entries.push({ key, version, scope, createdAt: ++this.clock, dir });
    return true;
  }
}

const lines = (text: string | undefined) =>
  (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

const hasIdToken = (permissions: unknown) =>
  permissions === 'write-all' ||
  (typeof permissions === 'object' &&
    permissions !== null &&
    (permissions as Record<string, string>)['id-token'] === 'write');

function cacheKey(key: string | undefined): string {
  if (!key) throw new StandInFailure('Input required and not supplied: key');
  if (key.length > 512)
    throw new StandInFailure(`Key Validation Error: ${key} cannot be larger than 512 characters.`);
  if (key.includes(',')) throw new StandInFailure(`Key Validation Error: ${key} cannot contain commas.`);
  return key;
}

const restore: StandIn = (ctx): StandInResult => {
  const key = cacheKey(ctx.inputs['key']);
  const paths = lines(ctx.inputs['path']);
  if (paths.length === 0) throw new StandInFailure('Input required and not supplied: path');
  const hit = ctx.cache.restore(
    ctx.github['ref'] ?? '',
    key,
    lines(ctx.inputs['restore-keys']),
    paths.join('\n'),
  );
  if (!hit) {
    ctx.log(`Cache not found for input keys: ${[key, ...lines(ctx.inputs['restore-keys'])].join(', ')}`);
    return { outputs: { 'cache-primary-key': key } };
  }
  cpSync(hit.dir, ctx.workspace, { recursive: true });
  ctx.log(`Cache restored from key: ${hit.key}`);
  return {
    outputs: { 'cache-primary-key': key, 'cache-matched-key': hit.key, 'cache-hit': String(hit.key === key) },
  };
};

const save: StandIn = (ctx) => {
  const key = cacheKey(ctx.inputs['key']);
  const paths = lines(ctx.inputs['path']);
  if (paths.length === 0) throw new StandInFailure('Input required and not supplied: path');
  if (!ctx.cache.save(ctx.github['ref'] ?? '', key, paths.join('\n'), ctx.workspace, paths))
    ctx.warn(
      `Failed to save: Unable to reserve cache with key ${key}, another job may be creating this cache.`,
    );
  else ctx.log(`Cache saved with key: ${key}`);
  return {};
};

const checkout: StandIn = (ctx) => {
  for (const [file, content] of Object.entries(ctx.repository)) {
    mkdirSync(path.dirname(path.join(ctx.workspace, file)), { recursive: true });
    writeFileSync(path.join(ctx.workspace, file), content);
  }
  // With a runner user (HarnessOptions.user) the workspace is theirs: the harness writes
  // as itself what checkout writes as them, and hands it over after the step.
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'safe.directory=*', ...args], { cwd: ctx.workspace, stdio: 'pipe' });
  rmSync(path.join(ctx.workspace, '.git'), { recursive: true, force: true });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git(
    '-c',
    'user.name=ci',
    '-c',
    'user.email=ci@example.com',
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    'checkout',
  );
  const ref = ctx.github['ref'] ?? '';
  if (ref.startsWith('refs/tags/')) git('tag', ref.slice('refs/tags/'.length));
  // The remote the repository came from, so a job that pushes has somewhere to push.
  const origin = path.join(ctx.runnerTemp, 'origin.git');
  if (!existsSync(origin)) execFileSync('git', ['init', '-q', '--bare', origin]);
  git('remote', 'add', 'origin', origin);
  git('push', '-q', 'origin', 'HEAD:refs/heads/main');
  const persist = (ctx.inputs['persist-credentials'] ?? 'true') !== 'false';
  if (persist) git('config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ***`);
  return { outputs: { ref, commit: ctx.github['sha'] ?? '' } };
};

const googleAuth: StandIn = (ctx) => {
  const wif = ctx.inputs['workload_identity_provider'] ?? '';
  const json = ctx.inputs['credentials_json'] ?? '';
  if (Boolean(wif) === Boolean(json))
    throw new StandInFailure(
      'The GitHub Action workflow must specify exactly one of "workload_identity_provider" or "credentials_json"! ' +
        'If you are specifying input values via GitHub secrets, ensure the secret is being injected into the environment.',
    );
  if (wif && !hasIdToken(ctx.permissions))
    throw new StandInFailure(
      'GitHub Actions did not inject $ACTIONS_ID_TOKEN_REQUEST_TOKEN or $ACTIONS_ID_TOKEN_REQUEST_URL into this job. ' +
        'This most likely means the GitHub Actions workflow permissions are incorrect, or this job is being run from a fork.',
    );
  if (
    wif &&
    !ctx.inputs['service_account'] &&
    !/^projects\/\d+\/locations\/global\/workloadIdentityPools\//.test(wif)
  )
    throw new StandInFailure(`workload_identity_provider must be a full resource name, not "${wif}"`);
  const file = path.join(ctx.workspace, `gha-creds-${Math.random().toString(16).slice(2, 18)}.json`);
  writeFileSync(file, JSON.stringify({ type: 'external_account', audience: `//iam.googleapis.com/${wif}` }));
  return {
    outputs: { credentials_file_path: file },
    env: {
      GOOGLE_APPLICATION_CREDENTIALS: file,
      CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: file,
      GOOGLE_GHA_CREDS_PATH: file,
    },
  };
};

const awsCredentials: StandIn = (ctx) => {
  const region = ctx.inputs['aws-region'];
  if (!region) throw new StandInFailure('Input required and not supplied: aws-region');
  if (ctx.inputs['role-to-assume'] && !hasIdToken(ctx.permissions))
    throw new StandInFailure(
      'Credentials could not be loaded, please check your action inputs: Could not load credentials from any providers',
    );
  return { env: { AWS_REGION: region, AWS_DEFAULT_REGION: region, AWS_ACCESS_KEY_ID: 'ASIA-standin' } };
};

/** By `owner/repo[/path]`, the ref dropped. */
export const standIns: Record<string, StandIn> = {
  'actions/checkout': checkout,
  'actions/cache/restore': restore,
  'actions/cache/save': save,
  'google-github-actions/auth': googleAuth,
  'aws-actions/configure-aws-credentials': awsCredentials,
};
