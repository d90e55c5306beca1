import fc from 'fast-check';
import { messageText, titleText } from '../../shared/core/plain-text.js';
import { incidentTitle } from '../../shared/core/incident/incident.js';

const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '\u202e',
        '\u2066',
        '\u200f',
        '\u001b[2J',
        '\u0007',
        '\u0000',
        '\r\n',
        '\u0085',
        '\u2028',
        '\t',
      ),
      fc.string({ maxLength: 4 }),
      fc.string({ unit: 'binary', maxLength: 3 }),
    ),
    { maxLength: 20 },
  )
  .map((parts) => parts.join(''));

const CONTROL_OR_BIDI = /[\p{Cc}\u0085\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

describe('plain text for titles and annotations', () => {
  it.each([
    ['cart \u202edown\u202c', 'cart down'],
    ['ship\u001b[2J it\u0007', 'ship [2J it'],
    ['two\nlines\u2028three', 'two lines three'],
  ])('%j → %j', (text, title) => expect(titleText(text)).toBe(title));

  it('a title is one line with no control or bidirectional character, whatever it was given', () =>
    fc.assert(
      fc.property(hostile, (text) => {
        expect(titleText(text)).not.toMatch(CONTROL_OR_BIDI);
        expect(
          incidentTitle({ title: text, severity: 'P1', service: 's', environment: 'e', kind: 'k' } as never),
        ).not.toMatch(CONTROL_OR_BIDI);
      }),
      { numRuns: 2000 },
    ));

  it('a message keeps its line breaks and tabs, and loses the rest', () =>
    fc.assert(
      fc.property(hostile, (text) => {
        const kept = messageText(text);
        expect(kept.replace(/[\t\n\r]/g, '')).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
        expect(kept.split('\n').length).toBe(text.split('\n').length);
      }),
    ));
});
