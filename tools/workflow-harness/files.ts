/**
 * Workflow and action files read with GitHub's own parser (@actions/workflow-parser):
 * the converted template for what GitHub derives (jobs and needs, `if:` with its
 * implied success(), step ids, workflow_call inputs and secrets), and the raw token
 * tree for what the converter drops (with:, timeout-minutes, permissions).
 */
import {
  convertWorkflowTemplate,
  isMapping,
  isSequence,
  NoOperationTraceWriter,
  parseWorkflow,
  type WorkflowTemplate,
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import {
  convertActionTemplate,
  parseAction,
  type ActionTemplate,
} from '@actions/workflow-parser/actions/index';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface WorkflowFile {
  file: string;
  template: WorkflowTemplate;
  /** The document as written, for the keys the converter leaves out. */
  raw: TemplateToken;
}

export class WorkflowFileError extends Error {}

export async function loadWorkflow(file: string): Promise<WorkflowFile> {
  const content = readFileSync(file, 'utf8');
  const parsed = parseWorkflow({ name: path.basename(file), content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors();
  if (errors.length > 0 || !parsed.value)
    throw new WorkflowFileError(`${file}: ${errors.map((e) => e.message).join('; ')}`);
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  if (template.errors?.length)
    throw new WorkflowFileError(`${file}: ${template.errors.map((e) => e.Message).join('; ')}`);
  return { file, template, raw: parsed.value };
}

export function loadAction(file: string): ActionTemplate {
  const parsed = parseAction(
    { name: file, content: readFileSync(file, 'utf8') },
    new NoOperationTraceWriter(),
  );
  const errors = parsed.context.errors.getErrors();
  if (errors.length > 0 || !parsed.value)
    throw new WorkflowFileError(`${file}: ${errors.map((e) => e.message).join('; ')}`);
  return convertActionTemplate(parsed.context, parsed.value);
}

/** `raw` at a path of mapping keys and sequence indexes; undefined where absent. */
export function tokenAt(
  raw: TemplateToken | undefined,
  ...keys: (string | number)[]
): TemplateToken | undefined {
  let node = raw;
  for (const key of keys) {
    if (!node) return undefined;
    if (typeof key === 'number') node = isSequence(node) && key < node.count ? node.get(key) : undefined;
    else node = isMapping(node) ? node.find(key) : undefined;
  }
  return node;
}

/**
 * The file a reusable-workflow `uses:` names: ours (`<owner>/release-actions/.github/
 * workflows/x.yml@ref`) in this checkout, or `./.github/workflows/x.yml` in the caller's
 * own repository. Undefined for anything else.
 */
export function calledWorkflowFile(ref: string, callerFile: string, root: string): string | undefined {
  const own = /^[\w.-]+\/release-actions\/(\.github\/workflows\/[\w.-]+\.ya?ml)@[\w.-]+$/.exec(ref);
  if (own) return path.join(root, own[1] as string);
  const local = /^\.\/(\.github\/workflows\/[\w.-]+\.ya?ml)$/.exec(ref);
  return local
    ? path.join(path.resolve(path.dirname(callerFile), '..', '..'), local[1] as string)
    : undefined;
}
