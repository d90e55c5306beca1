import fc from 'fast-check';
import {
  deployExtras,
  envVarsOf,
  flagsOf,
  gcloudDict,
  labelsOf,
  secretsOf,
} from '../../../shared/core/traffic/cloud-run-deploy.js';

describe("Cloud Run deploy extras, read from the team's lines", () => {
  it('reads NAME=value lines, splitting at the first =, skipping blanks and comments', () => {
    expect(envVarsOf('A=1\n\n# note\nURL=https://x.example/?q=a=b\n')).toEqual([
      ['A', '1'],
      ['URL', 'https://x.example/?q=a=b'],
    ]);
    expect(envVarsOf('A=1\nA=2')).toBe('names A twice');
    expect(secretsOf('DB=db-password:3\n/secrets/key=api-key:latest')).toEqual([
      ['DB', 'db-password:3'],
      ['/secrets/key', 'api-key:latest'],
    ]);
    expect(labelsOf('team=checkout\ntier=')).toEqual([
      ['team', 'checkout'],
      ['tier', ''],
    ]);
    expect(flagsOf('--cpu=2\n--no-allow-unauthenticated')).toEqual(['--cpu=2', '--no-allow-unauthenticated']);
    expect(flagsOf('--async')).toMatch(/sets itself/);
  });

  it('writes a dict gcloud splits back into exactly the entries, whatever the values hold', () => {
    const value = fc.string({ maxLength: 12 }).filter((v) => !/[\n\r=]/.test(v));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,6}$/), { maxLength: 5 }),
        fc.array(value, { minLength: 5, maxLength: 5 }),
        (names, values) => {
          const entries = names.map((n, i) => [n, values[i] as string] as const);
          const dict = gcloudDict(entries);
          // gcloud's rule (gcloud topic escaping): ^D^ first sets the delimiter, else a comma.
          const custom = /^\^([^^]+)\^/.exec(dict);
          const body = custom ? dict.slice(custom[0].length) : dict;
          const split = entries.length ? body.split(custom ? (custom[1] as string) : ',') : [];
          expect(split).toEqual(entries.map(([k, v]) => `${k}=${v}`));
        },
      ),
    );
  });

  it('adds nothing when nothing is given', () => {
    expect(deployExtras({ envVars: [], secrets: [], labels: [], flags: [] })).toEqual([]);
  });
});
