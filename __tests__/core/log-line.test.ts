import { inert } from '../../shared/core/log-line.js';

describe('inert log text', () => {
  it.each([
    ['v2\n::error::forged', 'v2\n▹ ::error::forged'],
    ['a\r\n  ::add-mask::x', 'a\n▹   ::add-mask::x'],
    ['b\r##[error]legacy', 'b\n▹ ##[error]legacy'],
    ['plain text :: with colons', 'plain text :: with colons'],
  ])('%j → %j', (text, shown) => expect(inert(text)).toBe(shown));
});
