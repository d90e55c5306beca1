import fc from 'fast-check';
import { inert } from '../../shared/core/log-line.js';
import { commandsIn } from '../support/runner-commands.js';

describe('inert log text', () => {
  it.each([
    ['v2\n::error::forged', 'v2\n▹ ::error::forged'],
    ['a\r\n  ::add-mask::x', 'a\n▹   ::add-mask::x'],
    ['b\r##[error]legacy', 'b\n## [error]legacy'],
    ['a zero-width #\u200b#[error]x', 'a zero-width ## [error]x'],
    ['status 500: ##[stop-commands]tok', 'status 500: ## [stop-commands]tok'],
    ['x\n\u0085::save-state name=phase::done', 'x\n▹ \u0085::save-state name=phase::done'],
    ['plain text :: with colons', 'plain text :: with colons'],
  ])('%j → %j', (text, shown) => expect(inert(text)).toBe(shown));

  it('the runner finds each forged command in the raw text (the model is not blind)', () => {
    expect(commandsIn('ok ##[error]x\n\u0085::add-mask::y\n##\u200b[stop-commands]t')).toEqual([
      'error',
      'add-mask',
      'stop-commands',
    ]);
  });

  it('no text, however built, prints a line the runner obeys', () => {
    const piece = fc.constantFrom(
      '::',
      '##[',
      ']',
      'error',
      'add-mask',
      'save-state name=x',
      'stop-commands',
      '::error::',
      ' ',
      '\t',
      '\u0085',
      '\u00a0',
      '\u2028',
      '\u3000',
      '\u200b',
      '\ufeff',
      '\n',
      '\r',
      '\r\n',
      '#',
      '#\u200b',
      '[',
      'x',
      '%0A',
    );
    const text = fc
      .array(fc.oneof(piece, fc.string({ maxLength: 3 })), { maxLength: 24 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(text, (raw) => {
        expect(commandsIn(inert(raw))).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });
});
