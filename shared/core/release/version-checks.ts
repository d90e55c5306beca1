/** The app's files agree with the tag, and its store build numbers moved on since the last release. */
import { eq, valid } from 'semver';
import type { FactResult } from './fact.js';
import { readBuildNumbers, readVersion, type ReadValue, type VersionFileRef } from './version-files.js';

export function checkVersionFile(ref: VersionFileRef, text: string, version: string): FactResult {
  const read = readVersion(ref, text);
  const base = { fact: 'version-files' as const, file: ref.file };
  if (read.value === undefined) return { ...base, passed: false, message: read.problem ?? 'no version' };
  const same = valid(read.value) ? eq(read.value, version) : read.value === version;
  return same
    ? { ...base, passed: true, message: `${ref.file} ${read.where} is ${read.value}` }
    : {
        ...base,
        passed: false,
        message: `${ref.file} ${read.where} is ${read.value}, but the release is ${version}; set it to ${version}`,
      };
}

/** Dotted numbers ("12", "1.2.3") compared field by field; undefined when not numeric. */
function compareBuild(a: string, b: string): number | undefined {
  if (!/^\d+(\.\d+)*$/.test(a) || !/^\d+(\.\d+)*$/.test(b)) return undefined;
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export function checkBuildNumbers(
  file: string,
  text: string,
  previous: { tag: string; text: string | undefined } | undefined,
): FactResult[] {
  const now = readBuildNumbers(file, text);
  const before = previous?.text === undefined ? undefined : readBuildNumbers(file, previous.text);
  const one = (platform: string, current: ReadValue, earlier: ReadValue | undefined): FactResult => {
    const base = { fact: 'build-numbers' as const, file };
    if (current.value === undefined)
      return { ...base, passed: false, message: `${platform}: ${current.problem ?? 'no build number'}` };
    if (!previous)
      return {
        ...base,
        passed: true,
        message: `${platform} ${current.where} ${current.value} (no earlier release tag)`,
      };
    if (earlier?.value === undefined)
      return {
        ...base,
        passed: true,
        message: `${platform} ${current.where} ${current.value} (${previous.tag} had none to compare with)`,
      };
    const order = compareBuild(current.value, earlier.value);
    if (order === undefined)
      return {
        ...base,
        passed: false,
        message: `${platform} ${current.where} "${current.value}" is not a number to compare with ${previous.tag}'s "${earlier.value}"`,
      };
    return order > 0
      ? {
          ...base,
          passed: true,
          message: `${platform} ${current.where} ${earlier.value} → ${current.value} since ${previous.tag}`,
        }
      : {
          ...base,
          passed: false,
          message: `${platform} ${current.where} is ${current.value}, not more than ${earlier.value} at ${previous.tag}; increment it`,
        };
  };
  return [one('iOS', now.ios, before?.ios), one('Android', now.android, before?.android)];
}
