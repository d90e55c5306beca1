/**
 * `${NAME}` placeholders in probe fields, filled from the step's environment.
 * Secrets reach probes through `env:` rather than being pasted into YAML inputs,
 * which keeps them out of the YAML parser and out of `${{ }}` injection.
 * `$${NAME}` stands for a literal `${NAME}`.
 */
const PLACEHOLDER = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface Filled {
  text: string;
  /** Values taken from the environment, in order of appearance. */
  used: string[];
  /** Names that were referenced but are not set. */
  missing: string[];
}

export function fillPlaceholders(
  template: string,
  env: Readonly<Record<string, string | undefined>>,
): Filled {
  const used: string[] = [];
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (whole, escape: string, name: string) => {
    if (escape) return whole.slice(1);
    const value = env[name];
    if (value === undefined || value === '') {
      missing.push(name);
      return whole;
    }
    used.push(value);
    return value;
  });
  return { text, used, missing };
}
