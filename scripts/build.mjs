// Bundles each action's entry with ncc into dist/<name>/index.js (ESM, minified).
// Usage: node scripts/build.mjs [name ...]
import ncc from '@vercel/ncc';
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// @actions/core imports @actions/http-client (and with it undici, ~300 KiB) only for
// getIDToken(). Actions that never ask for an OIDC token point that import at a
// Node built-in instead (os: already loaded, and importing it loads nothing else),
// which halves their bundle and their start-up time.
const WITHOUT_OIDC = { '@actions/http-client': 'node:os', '@actions/http-client/lib/auth': 'node:os' };
const NEEDS_HTTP_CLIENT = new Set(['open-incident-issue']);

const names = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(path.join(root, 'actions')).filter((n) =>
      existsSync(path.join(root, 'actions', n, 'index.ts')),
    );

for (const name of names) {
  const started = performance.now();
  const { code, assets } = await ncc(path.join(root, 'actions', name, 'index.ts'), {
    minify: true,
    sourceMap: false,
    license: 'licenses.txt',
    quiet: true,
    target: 'es2023',
    externals: NEEDS_HTTP_CLIENT.has(name) ? [] : WITHOUT_OIDC,
  });
  const out = path.join(root, 'dist', name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'index.js'), code);
  for (const [file, asset] of Object.entries(assets ?? {})) {
    mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
    writeFileSync(path.join(out, file), asset.source);
  }
  const kb = (Buffer.byteLength(code) / 1024).toFixed(0);
  console.log(`dist/${name}/index.js  ${kb} KiB  (${Math.round(performance.now() - started)} ms)`);
}
