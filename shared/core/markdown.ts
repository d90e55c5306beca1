import { withoutBidi } from './plain-text.js';

/**
 * Text from users or from responses, made inert inside a markdown table cell. URLs and
 * @mentions go into code spans: GitHub neither links nor notifies there, and the URL
 * stays exactly as written, so it can be copied (no zero-width characters inside it).
 */
export function escapeCell(text: string): string {
  const flat = withoutBidi(text).replace(/[\r\n]+/g, ' ');
  let out = '';
  let last = 0;
  for (const m of flat.matchAll(LITERAL)) {
    out += escapeText(flat.slice(last, m.index)) + codeSpan(m[0]);
    last = m.index + m[0].length;
  }
  return out + escapeText(flat.slice(last));
}

// A scheme URL, a www. address (GFM autolinks both; trailing punctuation is not part
// of them, as in GFM), an e-mail address (GFM autolinks it as mailto:), or an
// @name anywhere: after a code span even x@y would be a mention.
const LITERAL =
  /[a-z][a-z0-9+.-]*:\/\/[^\s|]*[^\s|.,:;!?'")]|\bwww\.[^\s|]*[^\s|.,:;!?'")]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@[\w-]+(?:\/[\w.-]+)?/gi;

// `&` too: "&commat;team" is decoded to a live @team, "&#x40;" likewise.
const escapeText = (text: string) => text.replace(/[\\`*_[\]<>|#~&]/g, (c) => `\\${c}`);

/** A code span that holds `text` whatever backticks it has (CommonMark: a longer fence). */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
