/**
 * Whether a path a user wrote stays inside the workspace, by the rules of the runner's
 * platform: `path` on Linux and macOS, `path.win32` on Windows, where C:\x, \\server\share,
 * \x (the current drive's root) and D:x (drive-relative) all leave the checkout. Lexical
 * only; the adapter then follows symbolic links.
 */
export interface PathRules {
  sep: string;
  isAbsolute(p: string): boolean;
  resolve(...parts: string[]): string;
  relative(from: string, to: string): string;
}

export function isInside(paths: PathRules, root: string, target: string): boolean {
  const rel = paths.relative(root, target);
  // "..notes" is a name inside; only ".." itself or "../…" climbs out.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${paths.sep}`) && !paths.isAbsolute(rel));
}

/** The absolute target, or why the path is refused (the input's value quoted). */
export function resolveInside(
  paths: PathRules,
  root: string,
  relativePath: string,
): { target: string } | { problem: string } {
  const quoted = JSON.stringify(relativePath);
  const driveRelative = paths.sep === '\\' && /^[a-z]:/i.test(relativePath);
  if (paths.isAbsolute(relativePath) || driveRelative)
    return { problem: `must be a path relative to the repository, not ${quoted}` };
  const target = paths.resolve(root, relativePath);
  if (!isInside(paths, root, target)) return { problem: `points outside the repository (${quoted})` };
  return { target };
}
