import { checkChangelog } from '../../shared/core/release/changelog.js';
import { checkReleaseTag } from '../../shared/core/release/release-tag.js';
import { checkReleaseWindow, type ReleaseWindow } from '../../shared/core/release/release-window.js';
import { checkBuildNumbers, checkVersionFile } from '../../shared/core/release/version-checks.js';
import { parseVersionFileRef } from '../../shared/core/release/version-files.js';
import { previousRelease, versionOfTag } from '../../shared/core/release/version.js';

const changelog = `# Changelog

## [Unreleased]

## [2.3.0] - 2026-11-24
### Fixed
- Camera prompt shown twice.

## v2.2.1 (2026-10-02)
- Crash on empty favourites.

## 2.2.0

## 2.1.0
`;

describe('changelog', () => {
  it.each([
    ['2.3.0', true, /has a section for 2\.3\.0/],
    ['2.2.1', true, /has a section/],
    ['2.2.0', false, /the 2\.2\.0 section of CHANGELOG\.md is empty/],
    ['2.3.1', false, /has no section for 2\.3\.1; add a heading such as "## \[2\.3\.1\] - <date>"/],
    ['2.3', false, /no section/],
    ['3.0.0-rc.1', false, /no section/],
  ])('%s → %s', (version, passed, message) => {
    const result = checkChangelog('CHANGELOG.md', changelog, version);
    expect(result.passed).toBe(passed);
    expect(result.message).toMatch(message);
  });

  it('points at the line of the heading', () => {
    expect(checkChangelog('CHANGELOG.md', changelog, '2.2.1').line).toBe(9);
  });
});

describe('tags', () => {
  it.each([
    ['v1.4.0', '', '1.4.0'],
    ['1.4.0', '', '1.4.0'],
    ['api-v1.4.0', 'api-', '1.4.0'],
    ['api-v1.4.0', '', undefined],
    ['v1.4', '', undefined],
    ['release-2026', '', undefined],
    ['v2.0.0-rc.1', '', '2.0.0-rc.1'],
  ])('%s with prefix "%s" → %s', (tag, prefix, version) => {
    expect(versionOfTag(tag, prefix)).toBe(version);
  });

  const tags = ['v1.2.0', 'v1.10.0', 'v1.9.3', 'api-v9.0.0', 'nightly', 'v2.0.0-rc.1'];
  it.each([
    ['v2.0.0', true, 'v2.0.0 follows v2.0.0-rc.1'],
    [
      'v1.10.1',
      false,
      'v1.10.1 is not newer than v2.0.0-rc.1, the latest release tag; release 2.0.0 or later',
    ],
    ['v1.9.4', false, 'v1.9.4 is not newer than v2.0.0-rc.1'],
    ['v1.4', false, 'tag "v1.4" is not <semver>'],
  ])('%s → %s', (tag, passed, message) => {
    const result = checkReleaseTag(tag, '', [...tags, tag]);
    expect(result.passed).toBe(passed);
    expect(result.message).toContain(message);
  });

  it('compares only tags with the same prefix, numerically', () => {
    expect(checkReleaseTag('api-v9.0.1', 'api-', tags).passed).toBe(true);
    expect(checkReleaseTag('v1.11.0', '', ['v1.10.0', 'v1.9.0']).message).toBe('v1.11.0 follows v1.10.0');
    expect(checkReleaseTag('v0.1.0', '', []).message).toBe('v0.1.0 is the first release tag');
    expect(previousRelease(tags, '', '1.10.0')?.tag).toBe('v1.9.3');
  });
});

describe('version files', () => {
  const ref = (text: string) => parseVersionFileRef(text)!;
  it.each([
    ['package.json', '{"name":"app","version":"2.3.0"}', true],
    ['package.json', '{"name":"app","version":"2.2.9"}', false],
    ['app.json', '{"expo":{"version":"2.3.0"}}', true],
    ['app.json', '{"version":"2.3.0"}', true],
    ['app.config.ts', "export default { name: 'app', version: '2.3.0', runtimeVersion: '1' };", true],
    ['app.config.js', 'module.exports = { version: process.env.V };', false],
    ['version.json#app.release', '{"app":{"release":"v2.3.0"}}', true],
    ['package.json', '{"version":', false],
  ])('%s %s → %s', (file, text, passed) => {
    expect(checkVersionFile(ref(file), text, '2.3.0').passed).toBe(passed);
  });

  it('says what to set', () => {
    expect(checkVersionFile(ref('app.json'), '{"expo":{"version":"2.2.9"}}', '2.3.0').message).toBe(
      'app.json expo.version is 2.2.9, but the release is 2.3.0; set it to 2.3.0',
    );
    expect(parseVersionFileRef('x.json#..bad')).toBeUndefined();
  });
});

describe('build numbers', () => {
  const app = (ios: string, android: number) =>
    JSON.stringify({
      expo: { version: '2.3.0', ios: { buildNumber: ios }, android: { versionCode: android } },
    });

  it.each([
    [app('13', 13), app('12', 12), [true, true]],
    [app('12', 13), app('12', 12), [false, true]],
    [app('1.0.10', 9), app('1.0.9', 10), [true, false]],
  ])('%s after %s → %j', (now, before, passed) => {
    const results = checkBuildNumbers('app.json', now, { tag: 'v2.2.1', text: before });
    expect(results.map((r) => r.passed)).toEqual(passed);
  });

  it('explains a build number that did not move, and passes a first release', () => {
    const [ios] = checkBuildNumbers('app.json', app('12', 13), { tag: 'v2.2.1', text: app('12', 12) });
    expect(ios?.message).toBe('iOS expo.ios.buildNumber is 12, not more than 12 at v2.2.1; increment it');
    expect(checkBuildNumbers('app.json', app('1', 1), undefined).every((r) => r.passed)).toBe(true);
    expect(checkBuildNumbers('app.json', app('1', 1), { tag: 'v0.9.0', text: undefined })[1]?.message).toBe(
      'Android expo.android.versionCode 1 (v0.9.0 had none to compare with)',
    );
  });

  it('reads literal values from app.config.ts and fails a missing one', () => {
    const config = "export default { ios: { buildNumber: '8' }, android: { versionCode: 8 } };";
    const before = "export default { ios: { buildNumber: '7' }, android: { versionCode: 7 } };";
    expect(
      checkBuildNumbers('app.config.ts', config, { tag: 'v1', text: before }).every((r) => r.passed),
    ).toBe(true);
    expect(checkBuildNumbers('app.json', '{"expo":{}}', undefined).map((r) => r.message)).toEqual([
      'iOS: app.json has no expo.ios.buildNumber or ios.buildNumber',
      'Android: app.json has no expo.android.versionCode or android.versionCode',
    ]);
  });
});

describe('release window', () => {
  const berlin: ReleaseWindow = {
    timeZone: 'Europe/Berlin',
    blockedWeekdays: ['Friday'],
    blockedDates: ['2026-12-24'],
    hours: { from: 9 * 60, to: 16 * 60 },
  };
  it.each([
    ['2026-11-26T10:00:00Z', true, 'Thu 2026-11-26 11:00 Europe/Berlin is inside the release window'],
    [
      '2026-11-27T10:00:00Z',
      false,
      'Fri 2026-11-27 11:00 Europe/Berlin: Fridays are blocked; release inside',
    ],
    // 23:30 UTC on Thursday is already Friday in Berlin.
    ['2026-11-26T23:30:00Z', false, 'Fridays are blocked'],
    ['2026-12-24T10:00:00Z', false, '2026-12-24 is a blocked date'],
    ['2026-11-26T15:00:00Z', false, 'the change window is 09:00–16:00'],
    ['2026-11-26T07:59:00Z', false, 'the change window is 09:00–16:00'],
    ['2026-11-26T08:00:00Z', true, 'Thu 2026-11-26 09:00'],
  ])('%s → %s', (at, passed, message) => {
    const result = checkReleaseWindow(new Date(at), berlin, false);
    expect(result.passed).toBe(passed);
    expect(result.message).toContain(message);
  });

  it('a hotfix waives it and says so', () => {
    expect(checkReleaseWindow(new Date('2026-11-27T10:00:00Z'), berlin, true)).toEqual({
      fact: 'release-window',
      passed: true,
      waived: true,
      message: 'Fri 2026-11-27 11:00 Europe/Berlin: Fridays are blocked, waived for a hotfix',
    });
  });
});
