// Bundles each action's entry with ncc into dist/<name>/index.js (ESM, minified).
// Usage: node scripts/build.mjs [name ...]
import ncc from '@vercel/ncc';
import { transform } from 'esbuild';
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { RECORD, sourceHash } from './source-hash.mjs';

const root = path.resolve(import.meta.dirname, '..');
// @actions/core imports @actions/http-client (and with it undici, ~300 KiB) only for
// getIDToken(). No action asks for an OIDC token, so that import points at a Node
// built-in instead (os: already loaded, and importing it loads nothing else), which
// halves the bundles and their start-up time.
const WITHOUT_OIDC = { '@actions/http-client': 'node:os', '@actions/http-client/lib/auth': 'node:os' };

const actions = readdirSync(path.join(root, 'actions')).filter((n) =>
  existsSync(path.join(root, 'actions', n, 'index.ts')),
);
const names = process.argv.slice(2);

// Each action has index.ts (dist/<name>/index.js) and may have post-index.ts (post.js).
const ENTRIES = { 'index.ts': 'index.js', 'post-index.ts': 'post.js' };

if (names.length === 0) {
  // One process per bundle: ncc (webpack) keeps what it compiled for the life of the
  // process, and all bundles in one process run out of heap.
  const queue = [...actions, 'local-router'];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const child = spawn(process.execPath, [import.meta.filename, name], { stdio: 'inherit' });
      const code = await new Promise((resolve) => child.on('close', resolve));
      if (code !== 0) process.exit(code ?? 1);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, availableParallelism()) }, worker));
  // What these bundles were built from, for the tests that run them (source-hash.mjs).
  writeFileSync(RECORD, `${sourceHash()}\n`);
}

for (const name of names) {
  const out = path.join(root, 'dist', name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // Not an action: the embedded rehearsal router.
  if (name === 'local-router') await buildEntry(name, '../../tools/local-router.ts', 'index.js', out);
  else
    for (const [entry, bundle] of Object.entries(ENTRIES)) {
      if (existsSync(path.join(root, 'actions', name, entry))) await buildEntry(name, entry, bundle, out);
    }
}

async function buildEntry(name, entry, bundle, out) {
  const started = performance.now();
  const { code: bundled, assets } = await ncc(path.join(root, 'actions', name, entry), {
    // ncc's own minifier runs terser without compress, so code nothing calls stays in the
    // bundle (most of zod/mini). esbuild's drops it: the healthcheck bundle went from 471
    // to 399 KiB and its cold start from 3.7x to 3.1x bare node (npm run bench).
    minify: false,
    sourceMap: false,
    license: 'licenses.txt',
    quiet: true,
    target: 'es2023',
    externals: WITHOUT_OIDC,
  });
  const code = await minified(bundled);
  writeFileSync(path.join(out, bundle), code);
  for (const [file, asset] of Object.entries(assets ?? {})) {
    mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
    // The chunks of a dynamic import (re2js, post-index.ts's), minified as the entry is.
    const chunk = /^\d+\.index\.js$/.test(file);
    const source = chunk ? await minified(asset.source.toString()) : asset.source;
    writeFileSync(path.join(out, file), source);
  }
  const kb = (Buffer.byteLength(code) / 1024).toFixed(0);
  console.log(`dist/${name}/${bundle}  ${kb} KiB  (${Math.round(performance.now() - started)} ms)`);
}

async function minified(code) {
  return (await transform(code, { minify: true, treeShaking: true, format: 'esm', target: 'es2023' })).code;
}
