/**
 * Text for the job log that cannot act as a workflow command. The runner reads any
 * line that starts with `::` (or the legacy `##[`) as a command: a revision name or a
 * platform's message with a line break and `::error` in it would forge annotations,
 * masks or outputs. Such lines are shown, marked, never obeyed.
 */
const COMMAND_LINE = /^\s*(::|##\[)/;

export function inert(message: string): string {
  return message
    .split(/\r\n|\r|\n/)
    .map((line) => (COMMAND_LINE.test(line) ? `▹ ${line}` : line))
    .join('\n');
}
