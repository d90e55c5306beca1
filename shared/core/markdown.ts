/**
 * Bidirectional overrides and isolates make text read in a different order than it
 * is stored ("Trojan Source", CVE-2021-42574); they have no place in a report.
 */
export const withoutBidi = (text: string) => text.replace(/[\u202a-\u202e\u2066-\u2069]/g, '');

/** Text from users or from responses, made inert inside a markdown table cell. */
export function escapeCell(text: string): string {
  return withoutBidi(text)
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]<>|#~]/g, (c) => `\\${c}`)
    .replace(/@/g, '@\u200b')
    .replace(/:\/\//g, ':/\u200b/');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
