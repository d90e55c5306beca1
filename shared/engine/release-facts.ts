/**
 * The facts verify-checklist checks itself, from files the action has already
 * read and from the repository's tags: each check is the core's, this module only
 * fetches the tags and the previous release's build file it needs.
 */
import type { Clock } from '../adapters/clock.js';
import type { GitHistory } from '../adapters/git.js';
import type { FactResult } from '../core/release/fact.js';
import { checkReleaseTag } from '../core/release/release-tag.js';
import { checkReleaseWindow, type ReleaseWindow } from '../core/release/release-window.js';
import { checkBuildNumbers, checkVersionFile } from '../core/release/version-checks.js';
import type { VersionFileRef } from '../core/release/version-files.js';
import { previousRelease, releaseTags } from '../core/release/version.js';

export interface FactInputs {
  /** The release tag and its version; version is set whenever a file is checked. */
  tag: string;
  prefix: string;
  version: string | undefined;
  changelog?: { file: string; text: string } | undefined;
  versionFiles: readonly { ref: VersionFileRef; text: string }[];
  buildNumbers?: { file: string; text: string } | undefined;
  checkTag: boolean;
  window?: ReleaseWindow | undefined;
  hotfix: boolean;
}

const SHALLOW =
  'the checkout is shallow and has no earlier release tags to compare with; use actions/checkout with fetch-depth: 0';

export async function releaseFacts(
  inputs: FactInputs,
  deps: { git: GitHistory; clock: Clock },
): Promise<FactResult[]> {
  const { tag, prefix, version } = inputs;
  const facts: FactResult[] = [];
  if (inputs.changelog) {
    // Loaded with its markdown parser only when a changelog is checked.
    const { checkChangelog } = await import('../core/release/changelog.js');
    facts.push(checkChangelog(inputs.changelog.file, inputs.changelog.text, version as string));
  }
  for (const v of inputs.versionFiles) facts.push(checkVersionFile(v.ref, v.text, version as string));
  const build = inputs.buildNumbers;
  if (inputs.checkTag || build) {
    const tags = await deps.git.tags();
    const earlier = releaseTags(
      tags.filter((t) => t !== tag),
      prefix,
    );
    const shallow = earlier.length === 0 && (await deps.git.isShallow());
    if (inputs.checkTag)
      facts.push(
        shallow
          ? { fact: 'release-tag', passed: false, message: SHALLOW }
          : checkReleaseTag(tag, prefix, tags),
      );
    if (build && shallow) facts.push({ fact: 'build-numbers', passed: false, message: SHALLOW });
    else if (build) {
      const previous = version ? previousRelease(tags, prefix, version) : undefined;
      const before = previous && { tag: previous.tag, text: await deps.git.fileAt(previous.tag, build.file) };
      facts.push(...checkBuildNumbers(build.file, build.text, before));
    }
  }
  if (inputs.window) facts.push(checkReleaseWindow(deps.clock.date(), inputs.window, inputs.hotfix));
  return facts;
}
