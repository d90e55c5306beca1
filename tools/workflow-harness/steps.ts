/**
 * One step as the runner performs it: our own actions run from this checkout's
 * built bundle (node24 dist/<action>/index.js, INPUT_* from with: and the
 * action.yml defaults, file commands per step), third-party actions through their
 * stand-ins, run: scripts in bash with the step's env.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asString, evaluateToken, type Contexts } from './expressions.js';
import { parseFileCommands } from './file-commands.js';
import { loadAction } from './files.js';
import { StandInFailure, type StandIn, type StandInContext } from './stand-ins.js';

export interface StepResult {
  id: string;
  name: string;
  uses?: string;
  inputs?: Record<string, string>;
  outcome: 'success' | 'failure' | 'skipped' | 'cancelled';
  conclusion: 'success' | 'failure' | 'skipped' | 'cancelled';
  outputs: Record<string, string>;
  /** stdout and stderr as the log shows them (masked). */
  log: string;
  summary: string;
  warnings: string[];
  durationMs: number;
  post?: boolean;
}

/** What a step leaves to the job: outputs, env and PATH additions, a post step. */
export interface Performed {
  outcome: 'success' | 'failure' | 'cancelled';
  outputs: Record<string, string>;
  env: Record<string, string>;
  path: string[];
  log: string;
  summary: string;
  warnings: string[];
  masks: string[];
  post?: { entry: string; condition: string; state: Record<string, string>; inputs: Record<string, string> };
}

export interface StepHost {
  root: string;
  node: string;
  workspace: string;
  runnerTemp: string;
  /** The process env every step of the job starts from (runner vars, job env). */
  env: Record<string, string>;
  standIns: Record<string, StandIn>;
  standInContext: Omit<StandInContext, 'inputs' | 'log' | 'warn'>;
  /** Lets the job cancel a running step (timeout-minutes). */
  track(child: ChildProcess | undefined): void;
  /** Steps run as this user, not as the harness's own (root). */
  user?: RunnerUser;
}

/** A runner's own user, as the hosted runners' "runner". */
export interface RunnerUser {
  uid: number;
  gid: number;
}

/** Gives the user what the runner would have made as them: everything under these paths. */
export function handOver(user: RunnerUser, ...paths: string[]): void {
  execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, ...paths]);
}

const OWN_ACTION = /^[\w.-]+\/release-actions\/([\w-]+)@[\w.-]+$/;

export function ownAction(uses: string): string | undefined {
  return OWN_ACTION.exec(uses)?.[1];
}

export async function performRun(
  host: StepHost,
  script: string,
  env: Record<string, string>,
): Promise<Performed> {
  const dir = mkdtempSync(path.join(host.runnerTemp, 'step-'));
  const file = path.join(dir, 'script.sh');
  writeFileSync(file, script);
  return await spawnWithFileCommands(
    host,
    dir,
    'bash',
    ['--noprofile', '--norc', '-eo', 'pipefail', file],
    env,
  );
}

export async function performOwnAction(
  host: StepHost,
  name: string,
  withInputs: Record<string, string>,
  env: Record<string, string>,
  contexts: Contexts,
): Promise<Performed> {
  const meta = loadAction(path.join(host.root, name, 'action.yml'));
  const inputs: Record<string, string> = {};
  const warnings: string[] = [];
  for (const input of meta.inputs ?? [])
    inputs[input.id] = asString(evaluateToken(input.default, contexts) ?? '');
  const known = new Set((meta.inputs ?? []).map((i) => i.id));
  const unexpected = Object.keys(withInputs).filter((k) => !known.has(k));
  // The runner's own words (actions/runner, ActionRunner.cs), as a warning annotation.
  if (unexpected.length > 0)
    warnings.push(
      `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${[...known].join("', '")}']`,
    );
  Object.assign(inputs, withInputs);
  const runs = meta.runs as { using: string; main: string; post?: string; postIf?: string };
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]),
  );
  const dir = mkdtempSync(path.join(host.runnerTemp, `${name}-`));
  const entry = path.resolve(host.root, name, runs.main);
  const performed = await spawnWithFileCommands(host, dir, host.node, [entry], { ...env, ...inputEnv });
  performed.warnings.unshift(...warnings);
  if (runs.post)
    performed.post = {
      entry: path.resolve(host.root, name, runs.post),
      condition: runs.postIf ?? 'always()',
      state: parseFileCommands(readFileSync(path.join(dir, 'state'), 'utf8')),
      inputs: inputEnv,
    };
  return performed;
}

export async function performPost(
  host: StepHost,
  post: NonNullable<Performed['post']>,
  env: Record<string, string>,
): Promise<Performed> {
  const dir = mkdtempSync(path.join(host.runnerTemp, 'post-'));
  const state = Object.fromEntries(Object.entries(post.state).map(([k, v]) => [`STATE_${k}`, v]));
  return await spawnWithFileCommands(host, dir, host.node, [post.entry], {
    ...env,
    ...post.inputs,
    ...state,
  });
}

export async function performStandIn(
  host: StepHost,
  uses: string,
  inputs: Record<string, string>,
): Promise<Performed> {
  const name = uses.replace(/@.*$/, '');
  const standIn = host.standIns[name];
  const log: string[] = [];
  const warnings: string[] = [];
  const base = { outputs: {}, env: {}, path: [], summary: '', masks: [] };
  if (!standIn) return { ...base, outcome: 'failure', log: `no stand-in for ${name}`, warnings };
  try {
    const result = await standIn({
      ...host.standInContext,
      inputs,
      log: (l) => log.push(l),
      warn: (l) => warnings.push(l),
    });
    // What a checkout or a cache restore wrote, it wrote as the runner's user.
    if (host.user) handOver(host.user, host.workspace, host.runnerTemp);
    return {
      ...base,
      outcome: 'success',
      outputs: result.outputs ?? {},
      env: result.env ?? {},
      log: log.join('\n'),
      warnings,
    };
  } catch (error) {
    if (!(error instanceof StandInFailure)) throw error;
    return { ...base, outcome: 'failure', log: [...log, `::error::${error.message}`].join('\n'), warnings };
  }
}

async function spawnWithFileCommands(
  host: StepHost,
  dir: string,
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<Performed> {
  const files = {
    GITHUB_OUTPUT: 'output',
    GITHUB_STATE: 'state',
    GITHUB_ENV: 'env',
    GITHUB_PATH: 'path',
    GITHUB_STEP_SUMMARY: 'summary',
  };
  const fileEnv: Record<string, string> = {};
  for (const [variable, file] of Object.entries(files)) {
    fileEnv[variable] = path.join(dir, file);
    writeFileSync(fileEnv[variable] as string, '');
  }
  if (host.user) handOver(host.user, dir);
  const child = spawn(command, args, {
    cwd: host.workspace,
    env: { ...host.env, ...env, ...fileEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the job can end the whole tree as the runner does.
    detached: true,
    ...(host.user && { uid: host.user.uid, gid: host.user.gid }),
  });
  host.track(child);
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve) => child.on('close', (c, s) => resolve({ code: c, signal: s })),
  );
  host.track(undefined);
  const read = (variable: string) => readFileSync(fileEnv[variable] as string, 'utf8');
  const masks = [...out.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1] as string).filter(Boolean);
  const warnings = [...out.matchAll(/^::warning[^:]*::(.*)$/gm)].map((m) => m[1] as string);
  return {
    outcome: code === 0 ? 'success' : signal ? 'cancelled' : 'failure',
    outputs: parseFileCommands(read('GITHUB_OUTPUT')),
    env: parseFileCommands(read('GITHUB_ENV')),
    path: read('GITHUB_PATH').split('\n').filter(Boolean),
    log: out,
    summary: read('GITHUB_STEP_SUMMARY'),
    warnings,
    masks,
  };
}
