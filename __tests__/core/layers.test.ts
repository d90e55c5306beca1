/**
 * The core decides and does no I/O: nothing in shared/core imports the runtime,
 * the adapters, the engine or Node's I/O modules, and nothing runs at import time
 * that changes global configuration (zod's config belongs to the runtime).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const core = path.resolve(import.meta.dirname, '..', '..', 'shared', 'core');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : name.endsWith('.ts') ? [full] : [];
  });

const IO = /^node:(fs|http|https|net|child_process|dns|os|process|worker_threads)(\/|$)/;

describe.each(files(core).map((f) => [path.relative(core, f), f]))('shared/core/%s', (_name, file) => {
  const text = readFileSync(file, 'utf8');
  const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1] as string);

  it('imports neither the runtime, the adapters, the engine nor Node I/O', () => {
    const outside = imports.filter(
      (i) => IO.test(i) || (i.startsWith('.') && !path.resolve(path.dirname(file), i).startsWith(core)),
    );
    expect(outside).toEqual([]);
  });

  it('changes no global configuration at import', () => expect(text).not.toMatch(/z\.config\(/));
});
