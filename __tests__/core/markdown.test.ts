import fc from 'fast-check';
import { escapeCell } from '../../shared/core/markdown.js';
import { linkableText } from '../support/linkable-text.js';

// What GitHub would turn into a notification or a link, in text a parser has decoded.
const PINGS_OR_LINKS = /(?<![\w@])@[\w-]|[\w.+-]@[\w-]+\.[\w-]|[a-z][a-z0-9+.-]*:\/\/\w|\bwww\.\w/i;

describe('escapeCell', () => {
  it('puts URLs and mentions in code spans: copyable as written, never linked or notified', () => {
    expect(escapeCell('see https://api.example.com/health?x=1 or www.example.com, cc @acme/oncall')).toBe(
      'see `https://api.example.com/health?x=1` or `www.example.com`, cc `@acme/oncall`',
    );
    expect(escapeCell('mail ops@b.example, not a mention')).toBe('mail `ops@b.example`, not a mention');
    expect(escapeCell('https://x.example/`tick` | next')).toBe('`` https://x.example/`tick` `` \\| next');
    expect(escapeCell('x')).not.toMatch(/\u200b/);
  });

  it('an entity that decodes to @ stays text: &commat;team and &#x40;team ping no one', () => {
    expect(linkableText(escapeCell('cc &commat;team and &#x40;oncall'))).toBe(
      'cc &commat;team and &#x40;oncall',
    );
  });

  it('no text, however built, pings or links from a cell', () =>
    fc.assert(
      fc.property(
        fc
          .array(
            fc.oneof(
              fc.constantFrom(
                '@',
                'team',
                '&commat;',
                '&#64;',
                '&#x40;',
                '&',
                'www.',
                'http://',
                'ops',
                '.',
                'com',
                ' ',
                '`',
                '|',
                '\n',
                '\\',
                '-',
                '+',
                '<',
                '>',
                '[x](',
                ')',
                '_',
              ),
              fc.string({ maxLength: 3 }),
            ),
            { maxLength: 16 },
          )
          .map((p) => p.join('')),
        (text) => expect(linkableText(escapeCell(text))).not.toMatch(PINGS_OR_LINKS),
      ),
      { numRuns: 3000 },
    ));
});
