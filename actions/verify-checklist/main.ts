import type { ChecklistIssues } from '../../shared/adapters/checklist-issues.js';
import type { Clock } from '../../shared/adapters/clock.js';
import type { GitHistory } from '../../shared/adapters/git.js';
import type { WorkspaceFiles } from '../../shared/adapters/workspace.js';
import { defaultRules, judgeChecklists } from '../../shared/core/checklist/gate.js';
import { checklistResult } from '../../shared/core/checklist/report.js';
import { releaseFacts } from '../../shared/engine/release-facts.js';
import { runStep } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish } from '../../shared/runtime/report.js';
import type { Runtime } from '../../shared/runtime/runtime.js';
import { checklistExamples, checklistInputs, releaseOf, type ChecklistSettings } from './settings.js';
import { checklistTexts, needsIssues, readLocalSources } from './sources.js';

export interface ChecklistDeps {
  runtime: Runtime;
  clock: Clock;
  files: WorkspaceFiles;
  env: Readonly<Record<string, string | undefined>>;
  event: Record<string, unknown>;
  git: GitHistory;
  issuesFor: (settings: ChecklistSettings, log: (m: string) => void) => ChecklistIssues;
}

export function run(deps: ChecklistDeps): Promise<void> {
  const { runtime } = deps;
  return runStep('verify-checklist', runtime, async () => {
    const settings = await readSettings(runtime, checklistInputs, checklistExamples);
    const release = releaseOf(settings, deps.env['GITHUB_REF']);
    // Everything the user named in the repository is read before any request is made.
    const read = readLocalSources(settings, deps.files, {
      payload: deps.event,
      name: deps.env['GITHUB_EVENT_NAME'],
      sha: deps.env['GITHUB_SHA'],
    });
    const redactor = maskSecrets(runtime, [settings['github-token']]);
    const log = (m: string) => runtime.info(redactor.redact(m));
    const texts = await checklistTexts(read.checklists, {
      settings,
      issues: needsIssues(read.checklists) ? deps.issuesFor(settings, log) : undefined,
      log,
    });
    const facts = await releaseFacts(
      {
        ...release,
        ...read.facts,
        checkTag: settings['check-tag'],
        window: settings['release-window'],
        hotfix: settings.hotfix,
      },
      deps,
    );
    const checklist = texts.length
      ? judgeChecklists(texts.flatMap(await checklistParser()), settings.rules ?? defaultRules)
      : undefined;
    await publish(runtime, checklistResult({ checklist, facts }, release.version), redactor);
  });
}

/**
 * The markdown parser (micromark and mdast, a third of this bundle) is loaded when there
 * is a checklist to read: a step that checks only facts never pays its start-up.
 */
async function checklistParser() {
  return (await import('../../shared/core/checklist/parse.js')).parseChecklist;
}
