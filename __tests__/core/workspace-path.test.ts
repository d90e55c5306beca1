import fc from 'fast-check';
import path from 'node:path';
import { isInside, resolveInside } from '../../shared/core/workspace-path.js';

const outcome = (r: { target: string } | { problem: string }) => ('target' in r ? r.target : r.problem);

describe('workspace paths on a Windows runner (path.win32)', () => {
  const root = 'D:\\a\\shop\\shop';
  it.each([
    ['docs\\incidents', 'D:\\a\\shop\\shop\\docs\\incidents'],
    ['docs/incidents/2026.md', 'D:\\a\\shop\\shop\\docs\\incidents\\2026.md'],
    ['..notes\\x.md', 'D:\\a\\shop\\shop\\..notes\\x.md'],
    ['docs\\..\\RELEASE.md', 'D:\\a\\shop\\shop\\RELEASE.md'],
  ])('%s stays inside', (input, target) => {
    expect(outcome(resolveInside(path.win32, root, input))).toBe(target);
  });

  it.each([
    ['..\\secrets.txt', 'points outside the repository ("..\\\\secrets.txt")'],
    ['docs\\..\\..\\x', 'points outside the repository ("docs\\\\..\\\\..\\\\x")'],
    ['C:\\Windows\\win.ini', 'must be a path relative to the repository, not "C:\\\\Windows\\\\win.ini"'],
    ['\\\\server\\share\\x', 'must be a path relative to the repository, not "\\\\\\\\server\\\\share\\\\x"'],
    ['\\Windows', 'must be a path relative to the repository, not "\\\\Windows"'],
    ['E:notes.md', 'must be a path relative to the repository, not "E:notes.md"'],
    ['/etc/passwd', 'must be a path relative to the repository, not "/etc/passwd"'],
  ])('%s is refused', (input, problem) => {
    expect(outcome(resolveInside(path.win32, root, input))).toBe(problem);
  });

  it('compares drive letters as Windows does, without case', () => {
    expect(isInside(path.win32, root, 'd:\\A\\shop\\shop\\docs')).toBe(true);
    expect(isInside(path.win32, root, 'C:\\a\\shop\\shop\\docs')).toBe(false);
  });
});

describe('workspace paths on Linux and macOS (path.posix)', () => {
  const root = '/home/runner/work/shop/shop';
  it.each([
    ['docs/incidents', '/home/runner/work/shop/shop/docs/incidents'],
    ['..notes/x.md', '/home/runner/work/shop/shop/..notes/x.md'],
    ['docs\\x.md', '/home/runner/work/shop/shop/docs\\x.md'],
  ])('%s stays inside', (input, target) => {
    expect(outcome(resolveInside(path.posix, root, input))).toBe(target);
  });
  it.each([['../x'], ['a/../../x'], ['/etc/passwd']])('%s is refused', (input) => {
    expect(outcome(resolveInside(path.posix, root, input))).toMatch(
      /^(points outside|must be a path relative)/,
    );
  });
});

describe('workspace paths, any of them', () => {
  const segment = fc.constantFrom('..', '.', '', 'docs', '..notes', 'a..b', 'ops');
  const relative = fc.array(segment, { minLength: 1, maxLength: 8 });

  it.each([
    ['Linux and macOS', path.posix, '/home/runner/work/shop/shop'],
    ['Windows', path.win32, 'D:\\a\\shop\\shop'],
  ])('on %s, a path is resolved inside the checkout or refused, never outside', (_, paths, root) => {
    fc.assert(
      fc.property(relative, fc.constantFrom('/', '\\'), (parts, sep) => {
        const written = parts.join(sep);
        const r = resolveInside(paths, root, written);
        if ('problem' in r) return;
        // The same walk done by hand: a climb above the root would have been refused.
        let depth = 0;
        for (const part of written.split(paths.sep === '\\' ? /[\\/]/ : '/')) {
          if (part === '..') depth--;
          else if (part && part !== '.') depth++;
          expect(depth).toBeGreaterThanOrEqual(0);
        }
        expect(isInside(paths, root, r.target)).toBe(true);
      }),
    );
  });
});
