/**
 * Where verify-checklist's texts come from: files in the checkout (read before any
 * request), the pull request in the event, and issues over the API.
 */
import type { ChecklistIssues } from '../../shared/adapters/checklist-issues.js';
import type { WorkspaceFiles } from '../../shared/adapters/workspace.js';
import type { ChecklistSource } from '../../shared/core/checklist/parse.js';
import { mergedPullRequest } from '../../shared/core/checklist/merged-pull-request.js';
import { ConfigurationError, OperationalError } from '../../shared/core/errors.js';
import type { FactInputs } from '../../shared/engine/release-facts.js';
import { checklistExamples as examples, type ChecklistSettings } from './settings.js';

/**
 * Markdown parsing takes about 1 s per 100 KiB of task items here; a real
 * checklist is a few KiB (GitHub caps issue and pull-request bodies at 64 KiB).
 */
const MAX_CHECKLIST_BYTES = 256 * 1024;

/** A push's commit, whose checklist is on the pull request that merged it. */
type PushedCommit = { commit: string };
type Pending = ChecklistSource | { issue: number } | PushedCommit | 'release-issue';

/**
 * Every file the inputs name, and the pull request's body, read now: a missing one
 * fails before any request.
 */
export function readLocalSources(
  settings: ChecklistSettings,
  files: WorkspaceFiles,
  event: { payload: Record<string, unknown>; name: string | undefined; sha: string | undefined },
) {
  const read = (input: keyof typeof examples, path: string, maxBytes?: number) =>
    files.read(input, path, examples[input], maxBytes);
  const checklists: Pending[] = settings.sources.map((s) =>
    s.kind === 'file'
      ? { source: s.path, file: s.path, markdown: read('sources', s.path, MAX_CHECKLIST_BYTES) }
      : s.kind === 'issue'
        ? { issue: s.number }
        : s.kind === 'pull-request'
          ? pullRequestOf(event.payload, event.name, event.sha)
          : s.kind,
  );
  const facts: Pick<FactInputs, 'changelog' | 'versionFiles' | 'buildNumbers'> = {
    changelog: settings.changelog
      ? { file: settings.changelog, text: read('changelog', settings.changelog) }
      : undefined,
    versionFiles: settings['version-files'].map((ref) => ({ ref, text: read('version-files', ref.file) })),
    buildNumbers: settings['build-numbers']
      ? { file: settings['build-numbers'], text: read('build-numbers', settings['build-numbers']) }
      : undefined,
  };
  return { checklists, facts };
}

/** Whether a source is read over the API: an issue, the release issue, a push's pull request. */
export const needsIssues = (pending: readonly Pending[]) =>
  pending.some((p) => p === 'release-issue' || 'issue' in p || 'commit' in p);

/** The checklists' markdown, in the order the sources input names them. */
export async function checklistTexts(
  pending: readonly Pending[],
  context: {
    settings: ChecklistSettings;
    issues: ChecklistIssues | undefined;
    log: (m: string) => void;
  },
): Promise<ChecklistSource[]> {
  const texts: ChecklistSource[] = [];
  for (const c of pending) {
    if (c === 'release-issue')
      texts.push(
        await releaseIssue(context.issues as ChecklistIssues, context.settings['release-label'], context.log),
      );
    else if ('issue' in c) {
      const issue = await (context.issues as ChecklistIssues).get(c.issue);
      texts.push({ source: `issue #${issue.number}`, markdown: issue.body });
    } else if ('commit' in c)
      texts.push(await pushedPullRequest(context.issues as ChecklistIssues, c, context.log));
    else texts.push(c);
  }
  return texts;
}

export function pullRequestOf(
  event: Record<string, unknown>,
  eventName: string | undefined,
  sha: string | undefined,
): ChecklistSource | PushedCommit {
  const pr = event['pull_request'] as { number?: number; body?: string | null } | undefined;
  if (!pr && eventName === 'push' && sha) return { commit: sha };
  if (!pr)
    throw new ConfigurationError(
      'sources',
      `names pull-request, but this run was started by ${eventName || 'an event'} with no pull request (run on: pull_request, or name a file or issue)`,
      examples.sources,
    );
  return { source: `pull request #${pr.number ?? '?'}`, markdown: pr.body ?? '' };
}

async function pushedPullRequest(
  issues: ChecklistIssues,
  { commit }: PushedCommit,
  log: (m: string) => void,
): Promise<ChecklistSource> {
  const merged = mergedPullRequest(await issues.pullRequestsOf(commit));
  const short = commit.slice(0, 7);
  if (!merged)
    throw new OperationalError(
      `sources names pull-request, but no merged pull request brought commit ${short} (GitHub lists none: pushed directly?); name a file or issue, or run on: pull_request`,
    );
  log(`pull request #${merged.number} merged commit ${short}: its checklist is checked`);
  return { source: `pull request #${merged.number}`, markdown: merged.body };
}

async function releaseIssue(
  issues: ChecklistIssues,
  label: string,
  log: (m: string) => void,
): Promise<ChecklistSource> {
  const open = await issues.openWithLabel(label);
  const [newest, ...older] = open;
  if (!newest)
    throw new OperationalError(
      `no open issue has the label "${label}"; open the release issue (or set release-label to the label it has)`,
    );
  if (older.length)
    log(`${open.length} open issues have the label "${label}"; using the newest, #${newest.number}`);
  return { source: `issue #${newest.number}`, markdown: newest.body };
}
