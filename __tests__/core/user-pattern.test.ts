import { linearPattern, userPattern } from '../../shared/core/user-pattern.js';

// Its own file: jest gives each file fresh modules, so the engine is not loaded yet.
it('the engine is loaded by reading a pattern input, and not before', async () => {
  expect(() => userPattern('^ok$')).toThrow('pattern "^ok$" used before any pattern input was read');
  const schema = linearPattern((problem) => `cannot run (${problem})`);
  const refused = await schema.safeParseAsync('(a)\\1');
  expect(refused.error?.issues[0]?.message).toBe('cannot run (invalid escape sequence: `\\1`)');
  expect((await schema.safeParseAsync('^ok$')).success).toBe(true);
  expect(userPattern('^ok$', { multiline: true }).test('status\nok\n')).toBe(true);
});
