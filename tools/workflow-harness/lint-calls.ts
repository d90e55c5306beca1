/**
 * Checks what a caller gets wrong that actionlint cannot see, with GitHub's own
 * parser and expression lexer: every call of one of our reusable workflows against
 * its `workflow_call` (required inputs given, no unknown inputs or secrets, literal
 * values of the declared type, `secrets: inherit` where a secret's name can never
 * match), the permissions the called workflow's jobs ask for against what the call
 * grants, and every `steps.X.outputs.Y` / `needs.X.outputs.Y` against what the step's
 * action.yml or the needed job declares. One line per mistake, with file and line.
 */
import { Lexer } from '@actions/expressions';
import { TokenType } from '@actions/expressions/lexer';
import {
  isBasicExpression,
  isBoolean,
  isMapping,
  isNumber,
  isSequence,
  isString,
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { evaluateToken } from './expressions.js';
import { calledWorkflowFile, loadAction, loadWorkflow, tokenAt, type WorkflowFile } from './files.js';
import { overreaches, permissionsToGrant } from './permissions.js';
import { ownAction } from './steps.js';

export interface Problem {
  file: string;
  line: number;
  message: string;
}

// GitHub secret names: letters, digits and underscores only.
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export async function lintCalls(file: string, root: string): Promise<Problem[]> {
  const workflow = await loadWorkflow(file);
  const problems: Problem[] = [];
  const report = (token: TemplateToken | undefined, message: string) =>
    problems.push({ file, line: token?.range?.start.line ?? 1, message });
  const jobOutputs = new Map<string, Set<string> | undefined>();
  for (const job of workflow.template.jobs) {
    const id = job.id.value;
    const raw = tokenAt(workflow.raw, 'jobs', id);
    if (job.type === 'reusableWorkflowJob') {
      const ref = job.ref.value;
      const called = await calledWorkflow(ref, file, root);
      if (called) {
        checkCall(called, raw, id, report);
        // GitHub refuses the whole run at start-up when a nested job asks for more.
        const granted =
          evaluateToken(tokenAt(raw, 'permissions'), {}) ??
          evaluateToken(tokenAt(workflow.raw, 'permissions'), {});
        const missing = permissionsToGrant(overreaches(called, granted));
        if (missing.length)
          report(
            tokenAt(raw, 'uses'),
            `jobs.${id}: GitHub would not start ${path.basename(called.file)}: its jobs need ${missing.join(', ')}, which this call does not grant; add ${missing.length > 1 ? 'them' : 'it'} to the permissions: of the calling job or workflow`,
          );
      } else if (calledWorkflowFile(ref, file, root))
        report(tokenAt(raw, 'uses'), `jobs.${id}.uses: ${ref} names a workflow file that does not exist`);
      jobOutputs.set(id, called ? keysOf(tokenAt(called.raw, 'on', 'workflow_call', 'outputs')) : undefined);
    } else {
      jobOutputs.set(id, keysOf(tokenAt(raw, 'outputs')));
    }
  }
  for (const job of workflow.template.jobs) {
    const id = job.id.value;
    const raw = tokenAt(workflow.raw, 'jobs', id);
    const needs = new Set((job.needs ?? []).map((n) => n.value));
    const stepOutputs = new Map<string, Set<string> | undefined>();
    const steps = tokenAt(raw, 'steps');
    for (let k = 0; steps && isSequence(steps) && k < steps.count; k++) {
      const step = steps.get(k);
      const stepId = literal(tokenAt(step, 'id'));
      const uses = literal(tokenAt(step, 'uses'));
      const own = uses ? ownAction(uses) : undefined;
      const meta =
        own && existsSync(path.join(root, own, 'action.yml'))
          ? loadAction(path.join(root, own, 'action.yml'))
          : undefined;
      if (stepId) stepOutputs.set(stepId, meta ? new Set((meta.outputs ?? []).map((o) => o.id)) : undefined);
    }
    walkExpressions(raw, (token, expression) => {
      for (const [context, name, output] of outputReferences(expression)) {
        if (context === 'needs') {
          if (!needs.has(name))
            report(token, `jobs.${id}: needs.${name}.outputs.${output}, but ${id} does not need ${name}`);
          else if (jobOutputs.get(name) && !jobOutputs.get(name)?.has(output))
            report(
              token,
              `jobs.${id}: needs.${name}.outputs.${output}: job ${name} has no output "${output}"${suggest(output, jobOutputs.get(name))}`,
            );
        } else if (!stepOutputs.has(name))
          report(token, `jobs.${id}: steps.${name}.outputs.${output}, but no step has id "${name}"`);
        else if (stepOutputs.get(name) && !stepOutputs.get(name)?.has(output))
          report(
            token,
            `jobs.${id}: steps.${name}.outputs.${output}: that action has no output "${output}"${suggest(output, stepOutputs.get(name))}`,
          );
      }
    });
  }
  return problems;
}

async function calledWorkflow(ref: string, file: string, root: string): Promise<WorkflowFile | undefined> {
  const called = calledWorkflowFile(ref, file, root);
  return called && existsSync(called) ? await loadWorkflow(called) : undefined;
}

function checkCall(
  called: WorkflowFile,
  raw: TemplateToken | undefined,
  id: string,
  report: (token: TemplateToken | undefined, message: string) => void,
): void {
  const name = path.basename(called.file);
  const spec = tokenAt(called.raw, 'on', 'workflow_call');
  const inputs = tokenAt(spec, 'inputs');
  const secrets = tokenAt(spec, 'secrets');
  const given = tokenAt(raw, 'with');
  const givenNames = keysOf(given) ?? new Set<string>();
  for (const pair of given && isMapping(given) ? given : []) {
    const key = literal(pair.key) ?? '';
    const input = tokenAt(inputs, key);
    if (!input) {
      const meant = passedOnAs(called).get(key);
      const hint = meant
        ? ` (did you mean ${meant}? ${name} passes it on as ${key})`
        : suggest(key, keysOf(inputs));
      report(pair.key, `jobs.${id}.with.${key}: ${name} has no input "${key}"${hint}`);
      continue;
    }
    const type = literal(tokenAt(input, 'type'));
    const value = pair.value;
    if (isBasicExpression(value)) continue;
    const actual = isBoolean(value) ? 'boolean' : isNumber(value) ? 'number' : 'string';
    if (type && type !== actual && !(type === 'string' && isString(value)))
      report(
        value,
        `jobs.${id}.with.${key}: ${name} takes a ${type}, not the ${actual} ${JSON.stringify(evaluateToken(value, {}))}`,
      );
  }
  for (const input of keysOf(inputs) ?? [])
    if (evaluateToken(tokenAt(inputs, input, 'required'), {}) === true && !givenNames.has(input))
      report(given ?? raw, `jobs.${id}.with: misses ${input}, which ${name} requires`);
  const passed = tokenAt(raw, 'secrets');
  if (passed && isString(passed) && passed.value === 'inherit') {
    for (const secret of keysOf(secrets) ?? [])
      if (!SECRET_NAME.test(secret))
        report(
          passed,
          `jobs.${id}.secrets: inherit never fills ${name}'s secret "${secret}" (GitHub secret names have no "-"); pass it by name: ${secret}: \${{ secrets.YOUR_SECRET }}`,
        );
    return;
  }
  const passedNames = keysOf(passed) ?? new Set<string>();
  for (const pair of passed && isMapping(passed) ? passed : []) {
    const key = literal(pair.key) ?? '';
    if (!tokenAt(secrets, key))
      report(
        pair.key,
        `jobs.${id}.secrets.${key}: ${name} has no secret "${key}"${suggest(key, keysOf(secrets))}`,
      );
  }
  for (const secret of keysOf(secrets) ?? [])
    if (evaluateToken(tokenAt(secrets, secret, 'required'), {}) === true && !passedNames.has(secret))
      report(passed ?? raw, `jobs.${id}.secrets: misses ${secret}, which ${name} requires`);
}

/** Action inputs a workflow fills from one of its own inputs: cloud-run-service ← target. */
function passedOnAs(workflow: WorkflowFile): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const job of workflow.template.jobs) {
    const steps = tokenAt(workflow.raw, 'jobs', job.id.value, 'steps');
    for (let k = 0; steps && isSequence(steps) && k < steps.count; k++) {
      const given = tokenAt(steps.get(k), 'with');
      for (const pair of given && isMapping(given) ? given : []) {
        const from = isBasicExpression(pair.value)
          ? /^inputs\.([\w-]+)$/.exec(pair.value.expression.trim())
          : null;
        const key = literal(pair.key);
        if (from && key && key !== from[1] && !aliases.has(key)) aliases.set(key, from[1] as string);
      }
    }
  }
  return aliases;
}

function keysOf(token: TemplateToken | undefined): Set<string> | undefined {
  if (!token || !isMapping(token)) return undefined;
  return new Set([...token].map((p) => literal(p.key) ?? ''));
}

function literal(token: TemplateToken | undefined): string | undefined {
  return token && isString(token) ? token.value : undefined;
}

function walkExpressions(
  token: TemplateToken | undefined,
  visit: (token: TemplateToken, expression: string) => void,
): void {
  if (!token) return;
  if (isBasicExpression(token)) return visit(token, token.expression);
  if (isSequence(token)) for (let i = 0; i < token.count; i++) walkExpressions(token.get(i), visit);
  if (isMapping(token)) for (const pair of token) walkExpressions(pair.value, visit);
}

/** `steps.X.outputs.Y` and `needs.X.outputs.Y` in an expression, read from its tokens. */
function outputReferences(expression: string): [context: 'steps' | 'needs', name: string, output: string][] {
  const tokens = new Lexer(expression).lex().tokens;
  const found: ['steps' | 'needs', string, string][] = [];
  const word = (i: number) => (tokens[i]?.type === TokenType.IDENTIFIER ? tokens[i]?.lexeme : undefined);
  const dot = (i: number) => tokens[i]?.type === TokenType.DOT;
  for (let i = 0; i < tokens.length; i++) {
    const context = word(i)?.toLowerCase();
    if (
      (context === 'steps' || context === 'needs') &&
      !dot(i - 1) &&
      dot(i + 1) &&
      word(i + 2) &&
      dot(i + 3) &&
      word(i + 4) === 'outputs' &&
      dot(i + 5) &&
      word(i + 6)
    )
      found.push([context, word(i + 2) as string, word(i + 6) as string]);
  }
  return found;
}

function suggest(name: string, known: Set<string> | undefined): string {
  if (!known || known.size === 0) return '';
  const words = new Set(name.split(/[-_]/));
  const scored = [...known].map((k) => ({
    k,
    d: distance(name, k) - (k.split(/[-_]/).some((w) => words.has(w)) ? 3 : 0),
  }));
  const best = scored.sort((a, b) => a.d - b.d)[0];
  return best && best.d <= Math.max(3, name.length / 2) ? ` (did you mean ${best.k}?)` : '';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}
