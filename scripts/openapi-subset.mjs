// Writes the part of GitHub's published OpenAPI description (@octokit/openapi,
// generated/api.github.com.json) that release-actions calls, with every component it
// references, to __tests__/support/github-openapi.json. The full package is ~385 MB,
// so it is installed only to run this script, never in CI:
//   npm i --no-save --prefix /tmp/oapi @octokit/openapi
//   node scripts/openapi-subset.mjs /tmp/oapi/node_modules/@octokit/openapi/generated/api.github.com.json
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const OPERATIONS = [
  'issues/list-for-repo',
  'issues/create',
  'issues/get',
  'issues/update',
  'issues/create-comment',
  'issues/list-comments',
  'issues/get-label',
  'issues/create-label',
  'issues/delete-label',
  'repos/list-pull-requests-associated-with-commit',
  'repos/create-deployment',
  'repos/list-deployments',
  'repos/create-deployment-status',
  'repos/list-deployment-statuses',
  'actions/list-workflow-runs',
  'actions/get-workflow-run',
  'users/get-authenticated',
  'repos/create-release',
];

const source = process.argv[2];
if (!source) {
  console.error('usage: node scripts/openapi-subset.mjs <path to api.github.com.json>');
  process.exit(2);
}
const full = JSON.parse(readFileSync(source, 'utf8'));
const out = {
  openapi: full.openapi,
  info: { ...full.info, description: 'Subset for release-actions tests' },
  paths: {},
  components: {},
};
const wanted = new Set(OPERATIONS);
const refs = new Set();

function collect(node) {
  if (Array.isArray(node)) return node.forEach(collect);
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && !refs.has(value)) {
        refs.add(value);
        collect(resolve(value));
      } else collect(value);
    }
  }
}
function resolve(ref) {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((n, k) => n?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], full);
}

for (const [route, item] of Object.entries(full.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (op?.operationId && wanted.has(op.operationId)) {
      out.paths[route] ??= {};
      out.paths[route][method] = op;
      if (item.parameters) out.paths[route].parameters = item.parameters;
      wanted.delete(op.operationId);
      collect(op);
    }
  }
}
if (wanted.size) throw new Error(`not found: ${[...wanted].join(', ')}`);
for (const ref of [...refs].sort()) {
  const [, section, name] = ref.replace(/^#\//, '').split('/');
  out.components[section] ??= {};
  out.components[section][name] = resolve(ref);
}
const target = path.resolve(import.meta.dirname, '..', '__tests__', 'support', 'github-openapi.json');
writeFileSync(target, JSON.stringify(out) + '\n');
console.log(
  `${OPERATIONS.length} operations, ${refs.size} components → ${target} (${(JSON.stringify(out).length / 1024).toFixed(0)} KiB)`,
);
