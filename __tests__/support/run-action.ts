/**
 * Runs a built action the way the runner does: `node24 dist/<name>/index.js` with
 * INPUT_* variables (action.yml defaults filled in), GITHUB_OUTPUT, GITHUB_STATE and
 * GITHUB_STEP_SUMMARY files, a workspace and an event payload.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseFileCommands } from '../../tools/workflow-harness/file-commands.js';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const node24 = path.join(repoRoot, 'node_modules', 'node', 'bin', 'node');

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  durationMs: number;
  workspace: string;
}

export interface RunOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** Files to create in the workspace before the run. */
  files?: Record<string, string>;
  event?: unknown;
  timeoutMs?: number;
  /** Run the action's post: step instead of its main one. */
  post?: boolean;
  /** State saved by an earlier main step, as the runner hands it to post (STATE_*). */
  state?: Record<string, string>;
  /** Prepares the workspace after the files are written (e.g. a git history). */
  setup?: (workspace: string) => void;
  /** Called once the process runs, e.g. to send it a signal at the right moment. */
  whileRunning?: (child: import('node:child_process').ChildProcess) => Promise<void>;
}

interface ActionYaml {
  inputs?: Record<string, { default?: string }>;
  runs: { main: string; post?: string };
}

/** What the runner puts where an action.yml default says ${{ github.token }}. */
export const RUNNER_TOKEN = 'ghs_runnerJobToken0123456789abcdefAB';

/**
 * The inputs an action gets when a step leaves them out: action.yml's defaults,
 * with the two expressions our defaults use evaluated as the runner does.
 */
export function actionDefaults(name: string, env: Record<string, string> = {}): Record<string, string> {
  const meta = parseYaml(readFileSync(path.join(repoRoot, name, 'action.yml'), 'utf8')) as ActionYaml;
  const context: Record<string, string> = {
    'github.token': RUNNER_TOKEN,
    'github.sha': env['GITHUB_SHA'] ?? '0123456789abcdef0123456789abcdef01234567',
  };
  const defaults: Record<string, string> = {};
  for (const [input, spec] of Object.entries(meta.inputs ?? {}))
    defaults[input] = String(spec.default ?? '').replace(
      /\$\{\{\s*([\w.]+)\s*\}\}/g,
      (whole, name: string) => context[name] ?? whole,
    );
  return defaults;
}

export { parseFileCommands };

/**
 * What the lab changes from action.yml's defaults. Lab rollouts run a handful of
 * requests through 1 s steps: too few for the comparison with stable to decide, so
 * each step would wait its five minutes and hold. The tests of other behaviours turn
 * it off; judgment.e2e.test.ts runs it at its defaults, with real traffic.
 */
export const LAB_INPUTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'shift-traffic': { 'max-error-increase': '', 'max-latency-increase': '' },
};

let runnerTemp: string | undefined;

/**
 * What a main step sealed for its post step: GITHUB_STATE names the file (the seal),
 * which lives in the shared RUNNER_TEMP (actions/shift-traffic/state.ts).
 */
export function sealedStateOf(run: ActionRun): Record<string, string> {
  const seal = run.state['seal'];
  if (!seal || !runnerTemp) return {};
  return JSON.parse(
    readFileSync(path.join(runnerTemp, `release-actions-state-${seal}.json`), 'utf8'),
  ) as Record<string, string>;
}

export async function runAction(name: string, options: RunOptions = {}): Promise<ActionRun> {
  const meta = parseYaml(readFileSync(path.join(repoRoot, name, 'action.yml'), 'utf8')) as ActionYaml;
  const entry = path.resolve(repoRoot, name, options.post ? (meta.runs.post ?? '') : meta.runs.main);
  const temp = mkdtempSync(path.join(tmpdir(), `ra-${name}-`));
  // One RUNNER_TEMP for every step this process runs, as one job's steps share it:
  // a post step finds there what its main step sealed.
  runnerTemp ??= mkdtempSync(path.join(tmpdir(), 'ra-runner-temp-'));
  const workspace = path.join(temp, 'workspace');
  mkdirSync(workspace);
  for (const [file, content] of Object.entries(options.files ?? {})) {
    mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    writeFileSync(path.join(workspace, file), content);
  }
  options.setup?.(workspace);
  const files = {
    output: path.join(temp, 'output'),
    state: path.join(temp, 'state'),
    summary: path.join(temp, 'summary'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const eventPath = path.join(temp, 'event.json');
  writeFileSync(eventPath, JSON.stringify(options.event ?? {}));

  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: temp,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '1234',
    GITHUB_SERVER_URL: 'https://github.com',
  };
  const given = { ...actionDefaults(name, options.env), ...LAB_INPUTS[name], ...options.inputs };
  for (const [input, value] of Object.entries(given)) {
    env[`INPUT_${input.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const [key, value] of Object.entries(options.state ?? {})) env[`STATE_${key}`] = value;
  Object.assign(env, options.env);

  const started = performance.now();
  const child = spawn(node24, [entry], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  if (options.whileRunning) await options.whileRunning(child);
  const code = await closed;
  clearTimeout(timer);
  return {
    code,
    stdout,
    stderr,
    outputs: parseFileCommands(readFileSync(files.output, 'utf8')),
    state: parseFileCommands(readFileSync(files.state, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    durationMs: performance.now() - started,
    workspace,
  };
}

/**
 * stdout as the log shows it: without the `::add-mask::` commands, which the runner
 * consumes, and with workflow commands' escapes (%25 %0D %0A) decoded.
 */
export function visibleLog(run: ActionRun): string {
  return run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .map((l) => (l.startsWith('::') ? l.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%') : l))
    .join('\n');
}

export function maskedValues(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter((l) => l.startsWith('::add-mask::'))
    .map((l) =>
      l.slice('::add-mask::'.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'),
    );
}

/** The contract for bad input: exit 1, one error line naming the input, no stack, nothing written. */
export function expectOneLineError(run: ActionRun, input: string, says: RegExp): void {
  const lines = visibleLog(run).trim().split('\n');
  expect(run.code).toBe(1);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^::error::Input '${input}' .+\\. Example: .+`));
  expect(lines[0]).toMatch(says);
  expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr).toBe('');
  expect(run.outputs).toEqual({});
}

/**
 * The main step stopped outright (SIGKILL, as a runner that loses its machine) once
 * `reached` says so, then its post step with the state main left, as the runner runs it.
 */
export async function killedThenPost(
  name: string,
  options: {
    inputs: Record<string, string>;
    env: Record<string, string>;
    reached: () => boolean;
    /** The checkout both steps see. */
    files?: Record<string, string>;
  },
): Promise<{ run: ActionRun; post: ActionRun }> {
  const { inputs, env, reached, files = {} } = options;
  const run = await runAction(name, {
    inputs,
    env,
    files,
    timeoutMs: 280_000,
    whileRunning: async (child) => {
      while (!reached()) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGKILL');
    },
  });
  const post = await runAction(name, {
    post: true,
    inputs,
    state: run.state,
    env,
    files,
    timeoutMs: 120_000,
  });
  return { run, post };
}
