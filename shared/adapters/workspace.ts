/**
 * Reads files the user names in inputs, and only from inside the workspace: a
 * config path must not walk out of the checkout (../, absolute paths, symlinks).
 */
import {
  appendFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import { isInside as isInsideBy, resolveInside } from '../core/workspace-path.js';

export interface WorkspaceFiles {
  /** The file's text, or a ConfigurationError naming `input`. */
  read(input: string, relativePath: string, example: string, maxBytes?: number): string;
  /** Writes (or appends to) a file inside the workspace, creating folders; refuses paths outside it. */
  write(
    input: string,
    relativePath: string,
    content: string,
    example: string,
    options?: { append?: boolean },
  ): string;
  /**
   * What a workspace folder holds (nothing when it does not exist), each entry marked
   * whether it is a regular file: a folder, a link or a FIFO is nothing to read.
   */
  list(input: string, relativeDir: string, example: string): { name: string; file: boolean }[];
}

const MAX_CONFIG_BYTES = 1024 * 1024;

export function workspaceFiles(workspace: string): WorkspaceFiles {
  return new Workspace(workspace);
}

class Workspace implements WorkspaceFiles {
  constructor(private readonly root: string) {}

  /** The absolute path of `relativePath`, refused unless it stays inside the workspace. */
  private inside(input: string, relativePath: string, example: string): string {
    const fail = (problem: string) => new ConfigurationError(input, problem, example);
    const quoted = JSON.stringify(relativePath);
    const root = realpathSync(this.root);
    const resolved = resolveInside(path, root, relativePath);
    if ('problem' in resolved) throw fail(resolved.problem);
    const target = resolved.target;
    // A link along the path that leads nowhere (a dangling symlink) would make a write
    // land wherever it points, or fail with a raw error: refused here in one line.
    for (let p = target; isInside(root, p) && p !== root; p = path.dirname(p)) {
      if (linkAt(p) === 'dangling')
        throw fail(`passes through a symbolic link that points nowhere (${quoted})`);
    }
    // The deepest folder that exists must not lead out through a link either.
    let existing = target;
    while (!existsSync(existing)) existing = path.dirname(existing);
    if (!isInside(root, realpathSync(existing)))
      throw fail(`points outside the repository through a symbolic link (${quoted})`);
    return target;
  }

  write(
    input: string,
    relativePath: string,
    content: string,
    example: string,
    options: { append?: boolean } = {},
  ) {
    const target = this.inside(input, relativePath, example);
    const fail = (problem: string) => new ConfigurationError(input, problem, example);
    // Only folders on the way and a regular file at the end: writing into a FIFO
    // would block the step forever, and a file where a folder belongs fails raw.
    for (let p = path.dirname(target); !existsSync(p) || !statSync(p).isDirectory(); p = path.dirname(p))
      if (existsSync(p))
        throw fail(
          `needs ${JSON.stringify(path.relative(realpathSync(this.root), p))} to be a folder, and it is a file`,
        );
    if (existsSync(target) && !statSync(target).isFile())
      throw fail(`names ${JSON.stringify(relativePath)}, which is not a regular file`);
    mkdirSync(path.dirname(target), { recursive: true });
    if (options.append) appendFileSync(target, content);
    else writeFileSync(target, content);
    return target;
  }

  list(input: string, relativeDir: string, example: string): { name: string; file: boolean }[] {
    const target = this.inside(input, relativeDir, example);
    if (!existsSync(target) || !statSync(target).isDirectory()) return [];
    return readdirSync(target, { withFileTypes: true }).map((e) => ({ name: e.name, file: e.isFile() }));
  }

  read(input: string, relativePath: string, example: string, maxBytes = MAX_CONFIG_BYTES): string {
    const fail = (problem: string) =>
      new ConfigurationError(input, `names ${JSON.stringify(relativePath)}, which ${problem}`, example);
    const target = this.inside(input, relativePath, example);
    let real: string;
    try {
      real = realpathSync(target);
    } catch {
      throw fail('does not exist in the workspace (did the job run actions/checkout?)');
    }
    const stat = statSync(real);
    if (!stat.isFile()) throw fail('is not a file');
    if (stat.size > maxBytes) throw fail(`is larger than ${sizeText(maxBytes)}`);
    try {
      return readFileSync(real, 'utf8');
    } catch (error) {
      throw fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
}

/**
 * A folder a step runs a tool in: relative to the workspace or absolute, but inside it
 * once links are followed (a project dir of ../elsewhere would run the tool on files
 * the checkout never held).
 */
export function directoryInside(workspace: string, input: string, dir: string, example: string): string {
  const fail = (problem: string) =>
    new ConfigurationError(input, `names ${JSON.stringify(dir)}, which ${problem}`, example);
  const root = realpathSync(workspace);
  let real: string;
  try {
    real = realpathSync(path.resolve(root, dir));
  } catch {
    throw fail('does not exist in the workspace (did the job run actions/checkout?)');
  }
  if (!isInside(root, real)) throw fail(`is outside the repository (${root})`);
  if (!statSync(real).isDirectory()) throw fail('is not a folder');
  return real;
}

const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`;

const isInside = (root: string, target: string) => isInsideBy(path, root, target);

/** Whether `p` is a symbolic link, and whether it leads anywhere. */
function linkAt(p: string): 'none' | 'link' | 'dangling' {
  try {
    if (!lstatSync(p).isSymbolicLink()) return 'none';
  } catch {
    return 'none';
  }
  return existsSync(p) ? 'link' : 'dangling';
}
