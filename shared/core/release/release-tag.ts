import { compare, inc } from 'semver';
import type { FactResult } from './fact.js';
import { releaseTags, versionOfTag } from './version.js';

/** The tag is valid semver and newer than every earlier release tag with the same prefix. */
export function checkReleaseTag(tag: string, prefix: string, allTags: readonly string[]): FactResult {
  const version = versionOfTag(tag, prefix);
  if (!version)
    return {
      fact: 'release-tag',
      passed: false,
      message: `tag "${tag}" is not ${prefix}<semver> (for example ${prefix}v1.4.0); name the release tag after its version`,
    };
  const newest = releaseTags(
    allTags.filter((t) => t !== tag),
    prefix,
  )[0];
  if (newest && compare(version, newest.version) <= 0)
    return {
      fact: 'release-tag',
      passed: false,
      message: `${tag} is not newer than ${newest.tag}, the latest release tag; release ${bumpHint(newest.version)} or later`,
    };
  return {
    fact: 'release-tag',
    passed: true,
    message: newest ? `${tag} follows ${newest.tag}` : `${tag} is the first release tag`,
  };
}

function bumpHint(version: string): string {
  return inc(version, 'patch') ?? version;
}
