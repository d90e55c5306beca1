/**
 * Versions and build numbers written in the app's own files: package.json, Expo's
 * app.json (under "expo" or at the top) and literal values in app.config.js/ts. A
 * computed app.config value cannot be read without running it, so it is reported
 * as unreadable rather than guessed.
 */
import { formatJsonPath, jsonPathGet, parseJsonPath, type JsonPath } from '../json-path.js';

export interface VersionFileRef {
  file: string;
  /** Where the version sits in a JSON file; defaults by file name. */
  path?: JsonPath;
}

/** `package.json`, `app.json`, `version.json#app.version`. Undefined when the path is malformed. */
export function parseVersionFileRef(text: string): VersionFileRef | undefined {
  const [file = '', path] = text.trim().split('#');
  if (!file) return undefined;
  if (path === undefined) return { file };
  const parsed = parseJsonPath(path);
  return parsed && { file, path: parsed };
}

export interface ReadValue {
  value?: string;
  /** Where it was looked for ("expo.version"), for messages. */
  where: string;
  /** Why no value could be read. */
  problem?: string;
}

const isScript = (file: string) => /\.(c|m)?(j|t)s$/.test(file);

/** A literal `key: "value"` or `key: 12` in a JS/TS config. */
function literal(text: string, key: string): string | undefined {
  const match = new RegExp(
    `(?:^|[\\s{,])["']?${key}["']?\\s*:\\s*(?:["'\`]([^"'\`]+)["'\`]|(\\d+))`,
    'm',
  ).exec(text);
  return match ? (match[1] ?? match[2]) : undefined;
}

function jsonValue(file: string, text: string, paths: readonly JsonPath[]): ReadValue {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { where: file, problem: `${file} is not valid JSON` };
  }
  for (const path of paths) {
    const found = jsonPathGet(document, path);
    if (found.present && (typeof found.value === 'string' || typeof found.value === 'number'))
      return { value: String(found.value), where: formatJsonPath(path) };
  }
  return {
    where: paths.map(formatJsonPath).join(' or '),
    problem: `${file} has no ${paths.map(formatJsonPath).join(' or ')}`,
  };
}

/** Expo keeps fields under "expo" in app.json; plain configs keep them at the top. */
const underExpo = (...path: string[]): JsonPath[] => [['expo', ...path], path];

export function readVersion(ref: VersionFileRef, text: string): ReadValue {
  if (ref.path) return jsonValue(ref.file, text, [ref.path]);
  if (isScript(ref.file)) {
    const value = literal(text, 'version');
    return value
      ? { value, where: 'version' }
      : { where: 'version', problem: `${ref.file} has no literal version: "…" (use app.json or file#path)` };
  }
  const base = ref.file.split('/').at(-1) ?? ref.file;
  return jsonValue(ref.file, text, base === 'package.json' ? [['version']] : underExpo('version'));
}

export function readBuildNumbers(file: string, text: string): { ios: ReadValue; android: ReadValue } {
  if (isScript(file)) {
    const read = (key: string): ReadValue => {
      const value = literal(text, key);
      return value ? { value, where: key } : { where: key, problem: `${file} has no literal ${key}` };
    };
    return { ios: read('buildNumber'), android: read('versionCode') };
  }
  return {
    ios: jsonValue(file, text, underExpo('ios', 'buildNumber')),
    android: jsonValue(file, text, underExpo('android', 'versionCode')),
  };
}
