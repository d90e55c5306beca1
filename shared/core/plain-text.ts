/**
 * Text from a pull request, a response or a person, made fit for a title (an issue's,
 * an annotation's): one line, no control characters (ESC would start a terminal
 * sequence, BEL rings) and no bidirectional overrides or isolates, which make text
 * read in another order than it is stored (CVE-2021-42574).
 */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export const withoutBidi = (text: string) => text.replace(BIDI, '');

export function titleText(text: string): string {
  return withoutBidi(text)
    .replace(/[\p{Cc}\u0085\u2028\u2029\s]+/gu, ' ')
    .trim();
}

/** A message may keep its line breaks and tabs; the other control characters go. */
export function messageText(text: string): string {
  return withoutBidi(text).replace(/[^\P{Cc}\t\n\r]/gu, '');
}
