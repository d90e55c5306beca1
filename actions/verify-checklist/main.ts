import type { ChecklistIssues } from '../../shared/adapters/checklist-issues.js';
import type { Clock } from '../../shared/adapters/clock.js';
import type { GitHistory } from '../../shared/adapters/git.js';
import type { WorkspaceFiles } from '../../shared/adapters/workspace.js';
import { defaultRules, judgeChecklists } from '../../shared/core/checklist/gate.js';
import { parseChecklist, type ChecklistSource } from '../../shared/core/checklist/parse.js';
import {
  factsJson,
  failureLine,
  gatePassed,
  gateSummary,
  untickedJson,
  type ReleaseGate,
} from '../../shared/core/checklist/report.js';
import { ConfigurationError, OperationalError } from '../../shared/core/errors.js';
import { checkChangelog } from '../../shared/core/release/changelog.js';
import type { FactResult } from '../../shared/core/release/fact.js';
import { checkReleaseTag } from '../../shared/core/release/release-tag.js';
import { checkReleaseWindow } from '../../shared/core/release/release-window.js';
import { checkBuildNumbers, checkVersionFile } from '../../shared/core/release/version-checks.js';
import { previousRelease, releaseTags, versionOfTag } from '../../shared/core/release/version.js';
import { runAction } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish, type Annotation } from '../../shared/runtime/report.js';
import type { Runtime } from '../../shared/runtime/runtime.js';
import { checklistExamples as examples, checklistInputs, type ChecklistSettings } from './settings.js';

/**
 * Markdown parsing takes about 1 s per 100 KiB of task items here; a real
 * checklist is a few KiB (GitHub caps issue and pull-request bodies at 64 KiB).
 */
const MAX_CHECKLIST_BYTES = 256 * 1024;
const MAX_ITEM_ANNOTATIONS = 50;

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
  return runAction('verify-checklist', runtime, async () => {
    const settings = readSettings(runtime, checklistInputs, examples);
    const prefix = settings['tag-prefix'];
    const versionFacts = Boolean(
      settings.changelog || settings['version-files'].length || settings['build-numbers'],
    );
    const tag = settings.tag || tagOfRef(deps.env['GITHUB_REF']);
    if ((versionFacts || settings['check-tag']) && !tag)
      throw new ConfigurationError(
        'tag',
        'is required for changelog, version-files, build-numbers and check-tag, and this run was not started by a tag push',
        examples.tag,
      );
    const version = tag ? versionOfTag(tag, prefix) : undefined;
    if (versionFacts && !version)
      throw new ConfigurationError(
        'tag',
        `is "${tag}", which is not ${prefix}<semver>, so there is no version to check files against`,
        examples.tag,
      );
    if (!settings.sources.length && !versionFacts && !settings['check-tag'] && !settings['release-window'])
      throw new ConfigurationError(
        'sources',
        'is empty and no fact check is on: there is nothing to verify',
        examples.sources,
      );

    // Everything the user named in the repository is read before any request is made.
    const read = (input: keyof typeof examples, path: string, maxBytes?: number) =>
      deps.files.read(input, path, examples[input], maxBytes);
    const checklists: (ChecklistSource | { issue: number } | 'pull-request' | 'release-issue')[] =
      settings.sources.map((s) =>
        s.kind === 'file'
          ? { source: s.path, file: s.path, markdown: read('sources', s.path, MAX_CHECKLIST_BYTES) }
          : s.kind === 'issue'
            ? { issue: s.number }
            : s.kind,
      );
    const changelog = settings.changelog && {
      file: settings.changelog,
      text: read('changelog', settings.changelog),
    };
    const versionFiles = settings['version-files'].map((ref) => ({
      ref,
      text: read('version-files', ref.file),
    }));
    const buildFile = settings['build-numbers'];
    const buildText = buildFile && read('build-numbers', buildFile);
    const pullRequest = settings.sources.some((s) => s.kind === 'pull-request')
      ? pullRequestOf(deps)
      : undefined;
    const needsApi = settings.sources.some((s) => s.kind === 'issue' || s.kind === 'release-issue');
    if (needsApi && !settings['github-token'])
      throw new ConfigurationError(
        'github-token',
        'is required to read checklists from issues',
        examples['github-token'],
      );

    const redactor = maskSecrets(runtime, [settings['github-token']]);
    const log = (m: string) => runtime.info(redactor.redact(m));
    const issues = needsApi ? deps.issuesFor(settings, log) : undefined;
    const sources: ChecklistSource[] = [];
    for (const c of checklists) {
      if (c === 'pull-request') sources.push(pullRequest as ChecklistSource);
      else if (c === 'release-issue')
        sources.push(await releaseIssue(issues as ChecklistIssues, settings, log));
      else if ('issue' in c) {
        const issue = await (issues as ChecklistIssues).get(c.issue);
        sources.push({ source: `issue #${issue.number}`, markdown: issue.body });
      } else sources.push(c);
    }

    const facts: FactResult[] = [];
    if (changelog) facts.push(checkChangelog(changelog.file, changelog.text, version as string));
    for (const v of versionFiles) facts.push(checkVersionFile(v.ref, v.text, version as string));
    if (settings['check-tag'] || buildFile) {
      const tags = await deps.git.tags();
      const earlier = releaseTags(
        tags.filter((t) => t !== tag),
        prefix,
      );
      const shallow = earlier.length === 0 && (await deps.git.isShallow());
      const fetchTags: FactResult | undefined = shallow
        ? {
            fact: 'release-tag',
            passed: false,
            message:
              'the checkout is shallow and has no earlier release tags to compare with; use actions/checkout with fetch-depth: 0',
          }
        : undefined;
      if (settings['check-tag']) facts.push(fetchTags ?? checkReleaseTag(tag as string, prefix, tags));
      if (buildFile && buildText !== undefined) {
        const previous = version ? previousRelease(tags, prefix, version) : undefined;
        const before = previous && {
          tag: previous.tag,
          text: await deps.git.fileAt(previous.tag, buildFile),
        };
        if (fetchTags) facts.push({ ...fetchTags, fact: 'build-numbers' });
        else facts.push(...checkBuildNumbers(buildFile, buildText, before));
      }
    }
    if (settings['release-window'])
      facts.push(checkReleaseWindow(deps.clock.date(), settings['release-window'], settings.hotfix));

    const items = sources.flatMap(parseChecklist);
    const gate: ReleaseGate = {
      checklist: sources.length ? judgeChecklists(items, settings.rules ?? defaultRules) : undefined,
      facts,
    };
    const passed = gatePassed(gate);
    const annotations: Annotation[] = [
      ...(gate.checklist?.unticked ?? [])
        .filter((i) => i.file !== undefined)
        // The failure line gives the count; a log of ten thousand annotations helps no one.
        .slice(0, MAX_ITEM_ANNOTATIONS)
        .map((i) => ({
          level: 'error' as const,
          message: `Unticked: ${i.text}`,
          properties: { title: 'Release checklist', file: i.file as string, startLine: i.line },
        })),
      ...facts
        .filter((f) => !f.passed || f.waived)
        .map((f) => ({
          level: f.waived ? ('warning' as const) : ('error' as const),
          message: f.message,
          properties: {
            title: `Release ${f.fact}`,
            ...(f.file !== undefined && { file: f.file }),
            ...(f.line !== undefined && { startLine: f.line }),
          },
        })),
    ];
    await publish(
      runtime,
      {
        outputs: {
          passed: String(passed),
          unticked: untickedJson(gate),
          facts: factsJson(gate),
          ...(version && { version }),
        },
        annotations,
        summary: gateSummary(gate),
        ...(!passed && { failure: failureLine(gate) }),
      },
      redactor,
    );
  });
}

function tagOfRef(ref: string | undefined): string {
  return ref?.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : '';
}

function pullRequestOf(deps: ChecklistDeps): ChecklistSource {
  const pr = deps.event['pull_request'] as { number?: number; body?: string | null } | undefined;
  if (!pr)
    throw new ConfigurationError(
      'sources',
      `names pull-request, but this run was started by ${deps.env['GITHUB_EVENT_NAME'] || 'an event'} with no pull request (run on: pull_request, or name a file or issue)`,
      examples.sources,
    );
  return { source: `pull request #${pr.number ?? '?'}`, markdown: pr.body ?? '' };
}

async function releaseIssue(
  issues: ChecklistIssues,
  settings: ChecklistSettings,
  log: (m: string) => void,
): Promise<ChecklistSource> {
  const label = settings['release-label'];
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
