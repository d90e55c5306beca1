/**
 * Text for the job log that cannot act as a workflow command, by the runner's own
 * rules (actions/runner, src/Runner.Common/ActionCommand.cs and
 * src/Runner.Worker/ActionCommandManager.cs):
 * - a line is a command when, after .NET's TrimStart(), it starts with `::`;
 * - failing that, the legacy form `##[name]` is a command anywhere in the line
 *   (TryParse takes message.IndexOf("##[")) for every registered name, among them
 *   error, add-mask, save-state and stop-commands;
 * - lines end at \n, \r or \r\n (StreamReader.ReadLine).
 * .NET's TrimStart() also trims U+0085 (NEL), which JavaScript's \s does not.
 * Such lines are shown, marked, never obeyed.
 */
const LEADING_SPACE = /^[\s\u0085]*/;

// "##[" becomes "## [": visible, and no longer the runner's prefix. A zero-width
// character would not do: IndexOf(string) compares by culture, which skips format
// and combining marks, so "#\u200b#[" is found too and is rewritten the same way.
const LEGACY_PREFIX = /#[\p{Cf}\p{Mn}\p{Me}]*#[\p{Cf}\p{Mn}\p{Me}]*\[/gu;

export function inert(message: string): string {
  return message
    .split(/\r\n|\r|\n/)
    .map((line) => {
      const safe = line.replace(LEGACY_PREFIX, '## [');
      return safe.slice(LEADING_SPACE.exec(safe)![0].length).startsWith('::') ? `▹ ${safe}` : safe;
    })
    .join('\n');
}
