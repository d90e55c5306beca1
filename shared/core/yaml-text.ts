/**
 * The yaml package is the largest library on most steps' path and builds its tag
 * tables when loaded. It is loaded when the first YAML text is read, so a step whose
 * inputs hold none (a shorthand plan, no probes, no rules) never pays for it; the
 * bench's cold-start rows measure the difference.
 */
type YamlModule = typeof import('yaml');
let yaml: YamlModule | undefined;

/**
 * The YAML document in `text`, as plain data; throws yaml's own error when it is not YAML.
 * yaml's warnings (an unknown tag such as `!evil`) are not printed: at its default level
 * it hands them to process.emitWarning, which writes the offending source line to stderr
 * as it is. That line is the user's input, may hold a secret, and, starting with `::`,
 * would be read by the runner as a workflow command.
 */
export async function parseYaml(text: string): Promise<unknown> {
  yaml ??= await import('yaml');
  return yaml.parse(text, { logLevel: 'error' }) as unknown;
}
