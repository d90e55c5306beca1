/**
 * What `gcloud run deploy` is given besides the image: environment variables, Secret
 * Manager secrets, labels and flags of the user's own (deploy-cloudrun's users ask for
 * them: google-github-actions/deploy-cloudrun#194, #466). Pure: the lines users write
 * are read here, and become argv, never a shell line.
 *
 * Facts this relies on (Google's documentation):
 * - Cloud Run reserves PORT, K_SERVICE, K_REVISION and K_CONFIGURATION; an environment
 *   variable name is a C identifier.
 * - `--update-secrets` takes ENV_NAME=SECRET:VERSION (or /mount/path=SECRET:VERSION),
 *   VERSION a number or `latest`.
 * - Label keys are lower-case letters, digits, `_` and `-`, start with a letter, at most
 *   63 characters; values the same characters, at most 63, possibly empty.
 * - gcloud list and dict flags take another delimiter as `^DELIM^` first (gcloud topic
 *   escaping), so a value may hold a comma.
 */

export interface CloudRunDeployExtras {
  envVars: readonly (readonly [string, string])[];
  secrets: readonly (readonly [string, string])[];
  labels: readonly (readonly [string, string])[];
  flags: readonly string[];
}

const RESERVED_ENV = new Set(['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION']);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_REF = /^[A-Za-z0-9_-]{1,255}:(latest|[1-9][0-9]*)$/;
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

/** Flags this action sets itself: one given again would undo a safe deploy. */
const OWN_FLAGS = [
  'image',
  'no-traffic',
  'tag',
  'format',
  'region',
  'project',
  'platform',
  'source',
  'to-revisions',
  'to-tags',
  'to-latest',
  'set-env-vars',
  'update-env-vars',
  'clear-env-vars',
  'remove-env-vars',
  'env-vars-file',
  'set-secrets',
  'update-secrets',
  'clear-secrets',
  'remove-secrets',
  'update-labels',
  'clear-labels',
  'remove-labels',
  'labels',
  'revision-suffix',
  // The canary must be ready before deploy-canary probes it.
  'async',
];

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

/** NAME=value lines; a problem is the input's one line. */
function pairs(text: string, check: (name: string, value: string) => string | undefined) {
  const out: [string, string][] = [];
  for (const line of lines(text)) {
    const at = line.indexOf('=');
    if (at <= 0) return `has "${line.slice(0, 40)}", which is not NAME=value`;
    const [name, value] = [line.slice(0, at).trim(), line.slice(at + 1).trim()];
    const problem = check(name, value);
    if (problem) return problem;
    if (out.some(([n]) => n === name)) return `names ${name} twice`;
    out.push([name, value]);
  }
  return out;
}

export function envVarsOf(text: string): [string, string][] | string {
  return pairs(text, (name, value) => {
    if (!ENV_NAME.test(name))
      return `has ${JSON.stringify(name)}, which is not a variable name (letters, digits, _)`;
    if (RESERVED_ENV.has(name)) return `sets ${name}, which Cloud Run reserves for itself`;
    if (/\p{Cc}/u.test(value)) return `has a control character in the value of ${name}`;
    return undefined;
  });
}

export function secretsOf(text: string): [string, string][] | string {
  return pairs(text, (name, ref) => {
    if (!ENV_NAME.test(name) && !/^\/[\w./-]+$/.test(name))
      return `has ${JSON.stringify(name)}, which is neither a variable name nor an absolute mount path`;
    if (!SECRET_REF.test(ref))
      return `has ${JSON.stringify(ref)} for ${name}, which is not SECRET:VERSION (a Secret Manager name, and a number or latest)`;
    return undefined;
  });
}

export function labelsOf(text: string): [string, string][] | string {
  return pairs(text, (key, value) => {
    if (!LABEL_KEY.test(key))
      return `has the key ${JSON.stringify(key)}: lower-case letters, digits, _ and -, starting with a letter, at most 63`;
    if (!LABEL_VALUE.test(value))
      return `has the value ${JSON.stringify(value)} for ${key}: lower-case letters, digits, _ and -, at most 63`;
    return undefined;
  });
}

/** One flag a line, each one argument: --cpu=2, --memory=1Gi, --no-allow-unauthenticated. */
export function flagsOf(text: string): string[] | string {
  const out: string[] = [];
  for (const line of lines(text)) {
    const match = /^--([a-z][a-z0-9-]*)(=.*)?$/.exec(line);
    if (!match) return `has "${line.slice(0, 40)}", which is not one --flag or --flag=value`;
    if (OWN_FLAGS.includes(match[1] as string))
      return `has --${match[1]}, which deploy-canary sets itself (use image, cloud-run-env-vars, cloud-run-secrets, cloud-run-labels)`;
    if (/\p{Cc}/u.test(line)) return `has a control character in --${match[1]}`;
    out.push(line);
  }
  return out;
}

/** A gcloud dict value: KEY=V,… or, when a comma is in one, ^DELIM^KEY=V DELIM … */
export function gcloudDict(entries: readonly (readonly [string, string])[]): string {
  const joined = entries.map(([k, v]) => `${k}=${v}`);
  if (!joined.some((e) => e.includes(','))) return joined.join(',');
  const delimiter =
    ['|', '@', '#', ';', '~', '%'].find((d) => !joined.some((e) => e.includes(d))) ?? '\u001f';
  return `^${delimiter}^${joined.join(delimiter)}`;
}

/** The arguments after `gcloud run deploy <service> --image <image> --no-traffic --tag <tag>`. */
export function deployExtras(extras: CloudRunDeployExtras): string[] {
  return [
    ...(extras.envVars.length ? ['--update-env-vars', gcloudDict(extras.envVars)] : []),
    ...(extras.secrets.length ? ['--update-secrets', gcloudDict(extras.secrets)] : []),
    ...(extras.labels.length ? ['--update-labels', gcloudDict(extras.labels)] : []),
    ...extras.flags,
  ];
}
