/**
 * The small path language of JSON expectations: `version`, `$.data.items[0].id`,
 * `meta["content-type"]`. Enough to point at one field; not a query language.
 */
export type JsonPath = readonly (string | number)[];

const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\])/;

export function parseJsonPath(text: string): JsonPath | undefined {
  let rest = text.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  if (rest === '') return undefined;
  if (!rest.startsWith('.') && !rest.startsWith('[')) rest = `.${rest}`;
  const path: (string | number)[] = [];
  while (rest.length > 0) {
    const match = SEGMENT.exec(rest);
    if (!match) return undefined;
    if (match[1] !== undefined) path.push(match[1]);
    else if (match[2] !== undefined) {
      const index = Number(match[2]);
      if (!Number.isSafeInteger(index)) return undefined;
      path.push(index);
    } else {
      // A quoted name takes JSON's escapes; a bad one (\q, \u12) is not a path, not a crash.
      try {
        path.push(JSON.parse(`"${match[3]}"`) as string);
      } catch {
        return undefined;
      }
    }
    rest = rest.slice(match[0].length);
  }
  return path;
}

export function formatJsonPath(path: JsonPath): string {
  return path
    .map((p, i) =>
      typeof p === 'number'
        ? `[${p}]`
        : /^[A-Za-z_$][\w$-]*$/.test(p)
          ? i > 0
            ? `.${p}`
            : // A leading '$' would be read as the root: `$a` is the field `a`.
              p.startsWith('$')
              ? `[${JSON.stringify(p)}]`
              : p
          : `[${JSON.stringify(p)}]`,
    )
    .join('');
}

export function jsonPathGet(document: unknown, path: JsonPath): { present: boolean; value?: unknown } {
  let node: unknown = document;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(node) || key >= node.length) return { present: false };
      node = node[key];
    } else {
      if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, key)) {
        return { present: false };
      }
      node = (node as Record<string, unknown>)[key];
    }
  }
  return { present: true, value: node };
}
