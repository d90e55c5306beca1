/**
 * The version being released, from a tag such as `v1.4.0` or `api-v1.4.0` (with
 * tag-prefix `api-`), and the ordering of earlier release tags.
 */
import { compare, valid } from 'semver';

/** The semver version a tag names, or undefined when it names none. */
export function versionOfTag(tag: string, prefix: string): string | undefined {
  if (!tag.startsWith(prefix)) return undefined;
  const rest = tag.slice(prefix.length);
  if (!/^v?\d/.test(rest)) return undefined;
  return valid(rest) ?? undefined;
}

export interface ReleaseTag {
  tag: string;
  version: string;
}

/** Tags with the prefix that name a version, newest first. */
export function releaseTags(tags: readonly string[], prefix: string): ReleaseTag[] {
  return tags
    .map((tag) => ({ tag, version: versionOfTag(tag, prefix) }))
    .filter((t): t is ReleaseTag => t.version !== undefined)
    .sort((a, b) => compare(b.version, a.version));
}

/** The newest release tag older than `version` (the release this one follows). */
export function previousRelease(
  tags: readonly string[],
  prefix: string,
  version: string,
): ReleaseTag | undefined {
  return releaseTags(tags, prefix).find((t) => compare(t.version, version) < 0);
}
