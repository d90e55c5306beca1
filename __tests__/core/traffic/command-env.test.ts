import fc from 'fast-check';
import { splitEnv, splitVariable } from '../../../shared/core/traffic/command-answers.js';

describe("the command provider's split variables", () => {
  it('SPLIT_GREEN_V2 for green-v2, and 0 for a revision seen before', () =>
    expect(splitEnv({ 'green-v2': 10, blue: 90 }, ['old'])).toEqual({
      SPLIT_GREEN_V2: '10',
      SPLIT_BLUE: '90',
      SPLIT_OLD: '0',
      SPLIT_JSON: '{"blue":90,"green-v2":10}',
    }));

  it('a revision named json never overwrites SPLIT_JSON; green-v2 and green_v2 share no value', () => {
    const env = splitEnv({ json: 10, 'green-v2': 90 }, ['green_v2']);
    expect(JSON.parse(env['SPLIT_JSON']!)).toEqual({ json: 10, 'green-v2': 90 });
    expect(env['SPLIT_GREEN_V2']).toBe('');
  });

  it('every variable a recipe can read holds the share of the one revision it names, or is empty', () =>
    fc.assert(
      fc.property(
        fc.dictionary(
          fc
            .stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,5}$/)
            .chain((n) => fc.constantFrom(n, 'json', 'JSON', 'a-b', 'a_b')),
          fc.integer({ min: 0, max: 100 }),
          { maxKeys: 6 },
        ),
        (split) => {
          const env = splitEnv(split);
          expect(JSON.parse(env['SPLIT_JSON']!)).toEqual(
            Object.fromEntries(Object.entries(split).filter(([, p]) => p > 0)),
          );
          for (const [revision, percent] of Object.entries(split)) {
            const variable = splitVariable(revision);
            if (variable === 'SPLIT_JSON') continue;
            const sharing = Object.keys(split).filter((r) => splitVariable(r) === variable);
            expect(env[variable]).toBe(sharing.length === 1 ? String(percent) : '');
          }
        },
      ),
    ));
});
