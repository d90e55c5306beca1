/**
 * Runs a workflow file as GitHub does: the trigger's inputs checked against `on:`,
 * jobs in `needs` order with their `if:` (success/failure/always/cancelled over
 * the needs' results), a fresh workspace per job, steps in order with their `if:`,
 * post steps in reverse, job outputs, and reusable workflows called with their
 * `workflow_call` inputs and secrets checked (types, required, unknown names) and
 * their permissions capped by the caller's.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type {
  Job,
  ReusableWorkflowJob,
  Step,
  WorkflowJob,
} from '@actions/workflow-parser/model/workflow-template';
import {
  asString,
  evaluate,
  evaluateStrings,
  evaluateToken,
  truthy,
  type Contexts,
  type Status,
  type Value,
} from './expressions.js';
import { calledWorkflowFile, loadWorkflow, tokenAt, type WorkflowFile } from './files.js';
import { permissionErrors } from './permissions.js';
import { CacheStore, standIns as defaultStandIns, type StandIn } from './stand-ins.js';
import {
  ownAction,
  performOwnAction,
  performPost,
  performRun,
  performStandIn,
  handOver,
  type Performed,
  type RunnerUser,
  type StepHost,
  type StepResult,
} from './steps.js';

export type JobResultKind = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface JobResult {
  result: JobResultKind;
  outputs: Record<string, string>;
  steps: StepResult[];
  environment?: string;
  concurrency?: { group: string; cancelInProgress: boolean };
  permissions?: Value;
  timeoutMinutes: number;
  runsOn?: Value;
  /** A reusable workflow's run, for a job that calls one. */
  called?: WorkflowResult;
  /** Why the job failed before any step ran (bad call, permissions). */
  errors: string[];
  /** The job's workspace and runner temp directory, kept for assertions. */
  workspace?: string;
  runnerTemp?: string;
}

export interface WorkflowResult {
  file: string;
  result: 'success' | 'failure' | 'cancelled';
  jobs: Record<string, JobResult>;
  outputs: Record<string, string>;
  /** Refusals before any job ran: bad inputs, unknown secrets; one line each. */
  errors: string[];
}

export interface Trigger {
  event: string;
  payload?: Record<string, Value>;
  /** workflow_dispatch inputs as typed in the form. */
  inputs?: Record<string, Value>;
  ref?: string;
  sha?: string;
  actor?: string;
  runId?: number;
  /** Not on GitHub (a local rehearsal): no GITHUB_RUN_ID, so nothing links to a run page that does not exist. */
  offline?: boolean;
}

export interface HarnessOptions {
  /** This checkout: dist/, <action>/action.yml and .github/workflows/. */
  root: string;
  /** The node24 binary the runner uses for node24 actions. */
  node: string;
  repository?: string;
  defaultBranch?: string;
  /** What actions/checkout brings into the workspace. */
  repositoryFiles?: Record<string, string>;
  /** Runner-level env: GITHUB_API_URL, the gcloud settings, PATH. */
  env?: Record<string, string>;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  token?: string;
  /** Shared across runs of one test, as a repository's Actions cache is. */
  cache?: CacheStore;
  standIns?: Record<string, StandIn>;
  /**
   * Cancels the run, as the Cancel button does: the running step gets SIGINT (SIGTERM
   * 7.5 s later), later steps and jobs see cancelled() and run only when their if:
   * says always() or cancelled(), post steps run, and cancelled jobs end 'cancelled'.
   */
  signal?: AbortSignal;
  /** Scales timeout-minutes (tests use seconds for minutes). */
  msPerMinute?: number;
  log?: (line: string) => void;
  /**
   * Jobs whose results are taken as given instead of run, as "Re-run failed jobs"
   * reuses the earlier attempt's (e.g. a check job that runs the whole CI).
   */
  given?: Record<string, JobResultKind>;
  /** Called before each job is considered, e.g. to let time pass or add monitor runs. */
  beforeJob?: (id: string) => Promise<void> | void;
  /**
   * Run every step as this user, as GitHub's hosted runners run them as "runner"
   * (not root, with passwordless sudo): the job's workspace, runner temp and home are
   * theirs, and nothing a step does has root's rights. Needs the harness to run as root.
   */
  user?: RunnerUser;
}

export async function runWorkflow(
  file: string,
  trigger: Trigger,
  options: HarnessOptions,
): Promise<WorkflowResult> {
  const workflow = await loadWorkflow(file);
  const errors: string[] = [];
  const inputs = dispatchInputs(workflow, trigger, errors);
  const github = githubContext(workflow, trigger, options);
  const secrets = { ...options.secrets };
  if (errors.length > 0) return refused(workflow, errors);
  return await runJobs(
    workflow,
    { github, inputs, secrets, vars: { ...options.vars } },
    options,
    undefined,
    trigger,
  );
}

interface RunContexts {
  github: Record<string, Value>;
  inputs: Record<string, Value>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
}

function refused(workflow: WorkflowFile, errors: string[]): WorkflowResult {
  return { file: workflow.file, result: 'failure', jobs: {}, outputs: {}, errors };
}

function githubContext(
  workflow: WorkflowFile,
  trigger: Trigger,
  options: HarnessOptions,
): Record<string, Value> {
  const ref = trigger.ref ?? `refs/heads/${options.defaultBranch ?? 'main'}`;
  const repository = options.repository ?? 'acme/shop';
  return {
    event_name: trigger.event,
    event: {
      ...trigger.payload,
      ...(trigger.event === 'workflow_dispatch' && { inputs: stringValues(trigger.inputs ?? {}) }),
    },
    ref,
    ref_name: ref.replace(/^refs\/(heads|tags)\//, ''),
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha: trigger.sha ?? '0123456789abcdef0123456789abcdef01234567',
    repository,
    repository_owner: repository.split('/')[0] as string,
    actor: trigger.actor ?? 'octocat',
    run_id: trigger.offline ? '' : String(trigger.runId ?? 1000),
    run_number: String(trigger.runId ?? 1000),
    run_attempt: '1',
    workflow: path.basename(workflow.file),
    workflow_ref: `${repository}/.github/workflows/${path.basename(workflow.file)}@${ref}`,
    server_url: 'https://github.com',
    api_url: options.env?.['GITHUB_API_URL'] ?? 'https://api.github.com',
    token: options.token ?? 'ghs_harness000000000000000000000000000',
  };
}

const stringValues = (values: Record<string, Value>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, asString(v)]));

/** workflow_dispatch: defaults, required, choices and booleans, as the form enforces them. */
function dispatchInputs(workflow: WorkflowFile, trigger: Trigger, errors: string[]): Record<string, Value> {
  const spec =
    trigger.event === 'workflow_dispatch' ? workflow.template.events.workflow_dispatch?.inputs : undefined;
  if (!spec) return {};
  const values: Record<string, Value> = {};
  for (const [name, input] of Object.entries(spec)) {
    const given = trigger.inputs?.[name];
    const value = given ?? input.default ?? (input.type === 'boolean' ? false : '');
    if (input.required && (given === undefined || given === '')) errors.push(`Input '${name}' is required`);
    if (input.type === 'choice' && value !== '' && !input.options?.includes(String(value)))
      errors.push(`Input '${name}': '${String(value)}' is not one of ${input.options?.join(', ')}`);
    values[name] = input.type === 'boolean' ? value === true || value === 'true' : value;
  }
  for (const name of Object.keys(trigger.inputs ?? {}))
    if (!(name in spec)) errors.push(`Unexpected inputs provided: ["${name}"]`);
  return values;
}

async function runJobs(
  workflow: WorkflowFile,
  contexts: RunContexts,
  options: HarnessOptions,
  allowed: Value | undefined,
  trigger: Trigger,
): Promise<WorkflowResult> {
  const jobs: Record<string, JobResult> = {};
  const errors = permissionErrors(workflow, allowed);
  if (errors.length > 0) return refused(workflow, errors);
  for (const job of inNeedsOrder(workflow.template.jobs)) {
    const id = job.id.value;
    const needs = Object.fromEntries(
      (job.needs ?? []).map((n) => [
        n.value,
        { result: jobs[n.value]?.result ?? 'skipped', outputs: jobs[n.value]?.outputs ?? {} },
      ]),
    );
    const ancestors = ancestorResults(workflow.template.jobs, id, jobs);
    const status: Status = {
      success: () => ancestors.every((r) => r === 'success') && options.signal?.aborted !== true,
      failure: () => ancestors.some((r) => r === 'failure'),
      cancelled: () => options.signal?.aborted === true,
    };
    const jobContexts: Contexts = {
      github: contexts.github,
      inputs: contexts.inputs,
      vars: contexts.vars,
      needs,
    };
    await options.beforeJob?.(id);
    const given = options.given?.[id];
    if (given) {
      jobs[id] = { result: given, outputs: {}, steps: [], timeoutMinutes: 0, errors: [] };
      continue;
    }
    options.log?.(`job ${id}`);
    if (!truthy(evaluate(job.if.expression, jobContexts, status))) {
      jobs[id] = { result: 'skipped', outputs: {}, steps: [], timeoutMinutes: 0, errors: [] };
      options.log?.(`job ${id}: skipped`);
      continue;
    }
    const raw = tokenAt(workflow.raw, 'jobs', id);
    jobs[id] =
      job.type === 'reusableWorkflowJob'
        ? await runCaller(job, raw, jobContexts, contexts, options, workflow, trigger)
        : await runJob(job, raw, jobContexts, contexts, options, workflow);
    options.log?.(`job ${id}: ${jobs[id]?.result}`);
  }
  const outputs: Record<string, string> = {};
  const jobsContext = Object.fromEntries(
    Object.entries(jobs).map(([k, j]) => [k, { result: j.result, outputs: j.outputs }]),
  );
  const declared = tokenAt(workflow.raw, 'on', 'workflow_call', 'outputs');
  for (const name of Object.keys(asMapping(evaluateToken(declared, {}, undefined, true))))
    outputs[name] = asString(
      evaluateToken(tokenAt(workflow.raw, 'on', 'workflow_call', 'outputs', name, 'value'), {
        github: contexts.github,
        inputs: contexts.inputs,
        vars: contexts.vars,
        jobs: jobsContext,
      }),
    );
  const failed = Object.values(jobs).some((j) => j.result === 'failure');
  const result = options.signal?.aborted ? 'cancelled' : failed ? 'failure' : 'success';
  return { file: workflow.file, result, jobs, outputs, errors: [] };
}

const asMapping = (value: Value): Record<string, Value> =>
  value && typeof value === 'object' && !Array.isArray(value) ? value : {};

function inNeedsOrder(jobs: WorkflowJob[]): WorkflowJob[] {
  const done = new Set<string>();
  const ordered: WorkflowJob[] = [];
  while (ordered.length < jobs.length) {
    const next = jobs.find((j) => !done.has(j.id.value) && (j.needs ?? []).every((n) => done.has(n.value)));
    if (!next) throw new Error('jobs have a needs cycle');
    done.add(next.id.value);
    ordered.push(next);
  }
  return ordered;
}

function ancestorResults(
  jobs: WorkflowJob[],
  id: string,
  results: Record<string, JobResult>,
): JobResultKind[] {
  const seen = new Set<string>();
  const visit = (j: string) => {
    for (const n of jobs.find((x) => x.id.value === j)?.needs ?? [])
      if (!seen.has(n.value)) {
        seen.add(n.value);
        visit(n.value);
      }
  };
  visit(id);
  return [...seen].map((j) => results[j]?.result ?? 'skipped');
}

async function runCaller(
  job: ReusableWorkflowJob,
  raw: ReturnType<typeof tokenAt>,
  jobContexts: Contexts,
  contexts: RunContexts,
  options: HarnessOptions,
  caller: WorkflowFile,
  trigger: Trigger,
): Promise<JobResult> {
  const base: JobResult = { result: 'failure', outputs: {}, steps: [], timeoutMinutes: 0, errors: [] };
  const ref = job.ref.value;
  const file = calledWorkflowFile(ref, caller.file, options.root);
  if (!file) return { ...base, errors: [`no workflow for ${ref} in this harness`] };
  const called = await loadWorkflow(file);
  const spec = called.template.events.workflow_call;
  if (!spec) return { ...base, errors: [`${ref} has no workflow_call trigger`] };
  const errors: string[] = [];
  const given = evaluateToken(tokenAt(raw, 'with'), jobContexts) ?? {};
  const inputs: Record<string, Value> = {};
  for (const [name, input] of Object.entries(spec.inputs ?? {})) {
    const value = (given as Record<string, Value>)[name];
    if (value === undefined) {
      if (input.required) errors.push(`Input ${name} is required, but not provided while calling.`);
      // The converter drops the default of a `type: number` input; the document has it.
      const github = { github: contexts.github };
      const fallback =
        input.default === undefined
          ? evaluateToken(tokenAt(called.raw, 'on', 'workflow_call', 'inputs', name, 'default'), github)
          : typeof input.default === 'object'
            ? evaluateToken(input.default, github)
            : input.default;
      inputs[name] =
        fallback ?? (input.type === 'boolean' ? false : (input.type as string) === 'number' ? 0 : '');
      continue;
    }
    // The converter drops `type: number`; the document has it.
    const type = asString(
      evaluateToken(tokenAt(called.raw, 'on', 'workflow_call', 'inputs', name, 'type'), {}),
    );
    const actual = typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'number' : 'string';
    if (actual !== type)
      errors.push(
        `Unexpected value '${asString(value)}' for input ${name}: expected type ${type}, got ${actual}.`,
      );
    inputs[name] = value;
  }
  for (const name of Object.keys(given as Record<string, Value>))
    if (!(name in (spec.inputs ?? {})))
      errors.push(`Invalid input, ${name} is not defined in the referenced workflow.`);
  const secretContexts = { ...jobContexts, secrets: { ...contexts.secrets } };
  const passed: Record<string, string> = job['inherit-secrets']
    ? { ...contexts.secrets }
    : Object.fromEntries(
        Object.entries(evaluateToken(tokenAt(raw, 'secrets'), secretContexts) ?? {}).map(([k, v]) => [
          k,
          asString(v as Value),
        ]),
      );
  const secrets: Record<string, string> = {};
  for (const [name, secret] of Object.entries(spec.secrets ?? {})) {
    const value = Object.entries(passed).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    if (secret.required && !value) errors.push(`Secret ${name} is required, but not provided while calling.`);
    if (value !== undefined) secrets[name] = value;
  }
  if (!job['inherit-secrets'])
    for (const name of Object.keys(passed))
      if (!Object.keys(spec.secrets ?? {}).some((k) => k.toLowerCase() === name.toLowerCase()))
        errors.push(`Invalid secret, ${name} is not defined in the referenced workflow.`);
  if (errors.length > 0) return { ...base, errors };
  const allowed =
    evaluateToken(tokenAt(raw, 'permissions'), {}) ??
    evaluateToken(tokenAt(caller.raw, 'permissions'), {}) ??
    undefined;
  const result = await runJobs(called, { ...contexts, inputs, secrets }, options, allowed, trigger);
  return {
    ...base,
    result: result.result,
    outputs: result.outputs,
    called: result,
    errors: result.errors,
    permissions: allowed ?? null,
  };
}

async function runJob(
  job: Job,
  raw: ReturnType<typeof tokenAt>,
  jobContexts: Contexts,
  contexts: RunContexts,
  options: HarnessOptions,
  workflow: WorkflowFile,
): Promise<JobResult> {
  const id = job.id.value;
  const temp = mkdtempSync(path.join(tmpdir(), `wf-${id}-`));
  const workspace = path.join(temp, 'workspace');
  const runnerTemp = path.join(temp, 'runner-temp');
  mkdirSync(workspace);
  mkdirSync(runnerTemp);
  if (options.user) handOver(options.user, temp);
  const secrets = { ...contexts.secrets, GITHUB_TOKEN: asString(contexts.github['token'] ?? '') };
  const base = { ...jobContexts, secrets };
  const environment = evaluateToken(tokenAt(raw, 'environment'), base);
  const concurrency = evaluateToken(tokenAt(raw, 'concurrency'), base);
  const permissions =
    evaluateToken(tokenAt(raw, 'permissions'), {}) ?? evaluateToken(tokenAt(workflow.raw, 'permissions'), {});
  const timeoutMinutes = Number(evaluateToken(tokenAt(raw, 'timeout-minutes'), base) ?? 360);
  const env: Record<string, string> = {
    ...evaluateStrings(tokenAt(workflow.raw, 'env'), base),
    ...evaluateStrings(tokenAt(raw, 'env'), base),
  };
  const eventPath = path.join(temp, 'event.json');
  writeFileSync(eventPath, JSON.stringify(contexts.github['event'] ?? {}));
  const github = contexts.github as Record<string, string>;
  const runnerEnv: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: temp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: github['event_name'] ?? '',
    GITHUB_REPOSITORY: github['repository'] ?? '',
    GITHUB_REPOSITORY_OWNER: github['repository_owner'] ?? '',
    GITHUB_RUN_ID: github['run_id'] ?? '',
    GITHUB_RUN_NUMBER: github['run_number'] ?? '',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REF: github['ref'] ?? '',
    GITHUB_REF_NAME: github['ref_name'] ?? '',
    GITHUB_SHA: github['sha'] ?? '',
    GITHUB_ACTOR: github['actor'] ?? '',
    GITHUB_WORKFLOW: github['workflow'] ?? '',
    GITHUB_WORKFLOW_REF: github['workflow_ref'] ?? '',
    GITHUB_JOB: id,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: github['api_url'] ?? '',
    ...options.env,
  };
  const cancel = {
    running: undefined as import('node:child_process').ChildProcess | undefined,
    timedOut: false,
  };
  const host: StepHost = {
    root: options.root,
    node: options.node,
    workspace,
    runnerTemp,
    env: runnerEnv,
    standIns: { ...defaultStandIns, ...options.standIns },
    standInContext: {
      workspace,
      runnerTemp,
      github: Object.fromEntries(Object.entries(github).map(([k, v]) => [k, asString(v)])),
      permissions,
      cache: options.cache ?? new CacheStore(mkdtempSync(path.join(tmpdir(), 'wf-cache-'))),
      repository: options.repositoryFiles ?? {},
    },
    track: (child) => (cancel.running = child),
    ...(options.user && { user: options.user }),
  };
  // timeout-minutes and a cancelled run: the runner stops the running step (SIGINT,
  // then SIGTERM 7.5 s later); post steps still run. A timed-out job fails.
  // As actions/runner's ProcessInvoker: SIGINT to the step's process, SIGTERM 7.5 s
  // later, then the whole process tree killed 2.5 s after that.
  const interrupt = () => {
    const child = cancel.running;
    const alive = () => child?.exitCode === null && child.signalCode === null;
    child?.kill('SIGINT');
    setTimeout(() => alive() && child?.kill('SIGTERM'), 7500).unref();
    // The tree goes even when the step's own process is gone: a child left holding
    // its output would keep the step open.
    const tree = () => {
      try {
        if (child?.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    setTimeout(tree, 10_000).unref();
  };
  const deadline = setTimeout(
    () => {
      cancel.timedOut = true;
      interrupt();
    },
    timeoutMinutes * (options.msPerMinute ?? 60_000),
  );
  // Only a job running when the run is cancelled is cancelled; one that starts later
  // (an always() job) runs its steps normally.
  let cancelledHere = false;
  const onAbort = () => {
    cancelledHere = true;
    interrupt();
  };
  const cancelled = () => cancelledHere;
  if (!options.signal?.aborted) options.signal?.addEventListener('abort', onAbort, { once: true });
  const steps: StepResult[] = [];
  const stepsContext: Record<string, Value> = {};
  const posts: { step: StepResult; post: NonNullable<Performed['post']>; env: Record<string, string> }[] = [];
  const extraPath: string[] = [];
  let failed = false;
  const status: Status = {
    success: () => !failed && !cancel.timedOut && !cancelled(),
    failure: () => failed,
    cancelled: () => cancel.timedOut || cancelled(),
  };
  const stepTokens = (k: number, key: string) => tokenAt(raw, 'steps', k, key);
  for (const [k, step] of job.steps.entries()) {
    const ctx: Contexts = {
      ...base,
      steps: stepsContext,
      env,
      job: { status: failed ? 'failure' : 'success' },
      runner: { os: 'Linux', temp: runnerTemp },
      matrix: {},
      strategy: {},
    };
    const name = step.name ? asString(evaluateToken(step.name, ctx)) : stepLabel(step);
    const started = performance.now();
    const condition = 'if' in step && step.if ? step.if.expression : 'success()';
    if (!truthy(evaluate(condition, ctx, status))) {
      steps.push({
        id: step.id,
        name,
        outcome: 'skipped',
        conclusion: 'skipped',
        outputs: {},
        log: '',
        summary: '',
        warnings: [],
        durationMs: 0,
      });
      if (!step.id.startsWith('__'))
        stepsContext[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    const stepEnv = { ...env, ...evaluateStrings(stepTokens(k, 'env'), ctx) };
    const processEnv = {
      ...stepEnv,
      PATH: [...extraPath, runnerEnv['PATH']].join(':'),
      GITHUB_ACTION: step.id,
    };
    let performed: Performed;
    let inputs: Record<string, string> | undefined;
    let uses: string | undefined;
    if ('run' in step) {
      performed = await performRun(host, asString(evaluateToken(stepTokens(k, 'run'), ctx)), processEnv);
    } else if ('uses' in step) {
      uses = step.uses.value;
      inputs = evaluateStrings(stepTokens(k, 'with'), ctx);
      const action = ownAction(uses);
      performed = action
        ? await performOwnAction(host, action, inputs, processEnv, {
            github: contexts.github,
            inputs: contexts.inputs,
            vars: contexts.vars,
          })
        : await performStandIn(host, uses, inputs);
    } else throw new Error(`step ${step.id}: only run: and uses: steps are supported`);
    const continueOnError = truthy(evaluateToken(stepTokens(k, 'continue-on-error'), ctx) ?? false);
    // A step the interrupt stopped is cancelled; an always() step after it runs normally.
    const outcome =
      (cancel.timedOut || cancelled()) && performed.outcome !== 'success' ? 'cancelled' : performed.outcome;
    const result: StepResult = {
      id: step.id,
      name,
      ...(uses && { uses }),
      ...(inputs && { inputs }),
      outcome,
      conclusion: outcome !== 'success' && continueOnError ? 'success' : outcome,
      outputs: performed.outputs,
      log: mask(performed.log, [...performed.masks, ...Object.values(secrets).filter(Boolean)]),
      summary: performed.summary,
      warnings: performed.warnings,
      durationMs: performance.now() - started,
    };
    steps.push(result);
    options.log?.(`  ${outcome === 'success' ? '✓' : '✗'} ${name}`);
    if (!step.id.startsWith('__'))
      stepsContext[step.id] = {
        outputs: performed.outputs,
        outcome: result.outcome,
        conclusion: result.conclusion,
      };
    Object.assign(env, performed.env);
    extraPath.unshift(...performed.path);
    if (performed.post) posts.push({ step: result, post: performed.post, env: processEnv });
    if (result.conclusion !== 'success') failed = true;
  }
  for (const { step, post, env: postEnv } of posts.reverse()) {
    const ctx: Contexts = { ...base, steps: stepsContext, env };
    if (!truthy(evaluate(post.condition, ctx, status))) continue;
    const started = performance.now();
    const performed = await performPost(host, post, postEnv);
    steps.push({
      id: step.id,
      name: `Post ${step.name}`,
      ...(step.uses && { uses: step.uses }),
      outcome: performed.outcome,
      conclusion: performed.outcome,
      outputs: {},
      log: mask(performed.log, [...performed.masks, ...Object.values(secrets).filter(Boolean)]),
      summary: performed.summary,
      warnings: performed.warnings,
      durationMs: performance.now() - started,
      post: true,
    });
    if (performed.outcome !== 'success') failed = true;
  }
  clearTimeout(deadline);
  options.signal?.removeEventListener('abort', onAbort);
  const outputs = evaluateStrings(tokenAt(raw, 'outputs'), {
    ...base,
    steps: stepsContext,
    env,
    job: {},
    runner: {},
    matrix: {},
    strategy: {},
  });
  return {
    result: cancel.timedOut ? 'failure' : cancelled() ? 'cancelled' : failed ? 'failure' : 'success',
    outputs,
    steps,
    ...(environment !== null && {
      environment: asString(
        typeof environment === 'object' && !Array.isArray(environment)
          ? (environment['name'] ?? '')
          : environment,
      ),
    }),
    ...(concurrency !== null && {
      concurrency:
        typeof concurrency === 'object' && !Array.isArray(concurrency)
          ? {
              group: asString(concurrency['group'] ?? ''),
              cancelInProgress: truthy(concurrency['cancel-in-progress'] ?? false),
            }
          : { group: asString(concurrency), cancelInProgress: false },
    }),
    permissions: permissions ?? null,
    timeoutMinutes,
    runsOn: evaluateToken(tokenAt(raw, 'runs-on'), base),
    errors: [],
    workspace,
    runnerTemp,
  };
}

function stepLabel(step: Step): string {
  if ('uses' in step) return step.uses.value.replace(/@.*$/, '');
  if ('run' in step) return `Run ${asString(step.run.toString()).split('\n')[0]}`;
  return step.id;
}

/** The runner replaces every masked value in the log with ***. */
function mask(log: string, secrets: string[]): string {
  let out = log;
  for (const s of secrets.filter((x) => x.length >= 1).sort((a, b) => b.length - a.length))
    out = out.split(s).join('***');
  return out;
}
