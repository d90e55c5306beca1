/**
 * Which log lines the GitHub Actions runner obeys as workflow commands, by its own
 * source (actions/runner):
 * - src/Runner.Worker/ActionCommandManager.cs TryProcessCommand tries TryParseV2, then
 *   the legacy TryParse, on every line a step prints (stdout and stderr);
 * - src/Runner.Common/ActionCommand.cs TryParseV2: message.TrimStart() must start with
 *   "::" and hold a second "::"; the name before the first space must be registered;
 * - TryParse: message.IndexOf("##[") anywhere, then "]"; the name likewise. IndexOf
 *   with a string compares by culture, which skips zero-width characters: modelled by
 *   deleting them first, so this stand-in obeys at least what the runner obeys.
 * - StreamReader.ReadLine ends a line at \n, \r or \r\n.
 */
export const REGISTERED = new Set([
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
  'stop-commands',
]);

// Char.IsWhiteSpace: U+0009–U+000D, U+0020, U+0085, U+00A0 and the Zs, Zl, Zp categories.
const DOTNET_LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\p{Zs}\p{Zl}\p{Zp}]*/u;
const IGNORABLE = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/g;

export function commandIn(line: string): string | undefined {
  const trimmed = line.slice(DOTNET_LEADING_SPACE.exec(line)![0].length);
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    if (end >= 0) {
      const name = trimmed.slice(2, end).split(' ')[0]!;
      if (REGISTERED.has(name)) return name;
    }
  }
  const cultural = line.replace(IGNORABLE, '');
  const prefix = cultural.indexOf('##[');
  if (prefix < 0) return undefined;
  const close = cultural.indexOf(']', prefix);
  if (close < 0) return undefined;
  const name = cultural.slice(prefix + 3, close).split(' ')[0]!;
  return REGISTERED.has(name) ? name : undefined;
}

export function commandsIn(output: string): string[] {
  return output.split(/\r\n|\r|\n/).flatMap((line) => commandIn(line) ?? []);
}
