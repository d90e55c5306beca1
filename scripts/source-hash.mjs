// A digest of everything the bundles in dist/ are built from: the entries and the
// library they import, the dependency lock, the compiler settings and the build
// script. The build records it in dist/source-hash.txt; the tests that run a
// bundle compare, so `npm test` cannot pass on bundles built from other sources.
// Usage: node scripts/source-hash.mjs        prints the digest of the sources now
//        node scripts/source-hash.mjs --check exits 1 unless dist/ records that digest
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const TREES = ['actions', 'shared'];
const FILES = ['tools/local-router.ts', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs'];
export const RECORD = path.join(root, 'dist', 'source-hash.txt');

function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else yield full;
  }
}

export function sourceHash() {
  const hash = createHash('sha256');
  const all = [
    ...TREES.flatMap((t) => [...files(path.join(root, t))]),
    ...FILES.map((f) => path.join(root, f)),
  ];
  for (const file of all) {
    hash.update(`${path.relative(root, file).split(path.sep).join('/')}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

if (import.meta.filename === process.argv[1]) {
  const now = sourceHash();
  if (!process.argv.includes('--check')) console.log(now);
  else {
    const built = existsSync(RECORD) ? readFileSync(RECORD, 'utf8').trim() : 'none';
    if (built !== now) {
      console.error(
        `dist/ was built from other sources than these (recorded ${built.slice(0, 12)}, now ${now.slice(0, 12)}): run \`npm run build\` before the tests that run the bundles.`,
      );
      process.exit(1);
    }
  }
}
