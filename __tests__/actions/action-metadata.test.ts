/**
 * Each action.yml declares exactly the inputs its settings schema reads, with a
 * description, so no input is silently ignored and no default goes missing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import { deployCanaryInputs } from '../../actions/deploy-canary/settings.js';
import { healthcheckInputs } from '../../actions/healthcheck/settings.js';
import { incidentInputs } from '../../actions/open-incident-issue/settings.js';
import { rollbackInputs } from '../../actions/rollback/settings.js';
import { shiftTrafficInputs } from '../../actions/shift-traffic/settings.js';
import { soakInputs } from '../../actions/soak-gate/settings.js';
import { checklistInputs } from '../../actions/verify-checklist/settings.js';
import { EXPRESSION_DEFAULTS } from '../../shared/runtime/inputs.js';
import { repoRoot } from '../support/run-action.js';

interface ActionYaml {
  runs: { using: string; main: string; post?: string };
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
  branding?: { icon?: string; color?: string };
}
const meta = (name: string) =>
  parse(readFileSync(path.join(repoRoot, name, 'action.yml'), 'utf8')) as ActionYaml;

describe.each([
  ['healthcheck', healthcheckInputs.shape],
  ['shift-traffic', shiftTrafficInputs.shape],
  ['rollback', rollbackInputs.shape],
  ['deploy-canary', deployCanaryInputs.shape],
  ['open-incident-issue', incidentInputs.shape],
  ['verify-checklist', checklistInputs.shape],
  ['soak-gate', soakInputs.shape],
])('%s/action.yml', (name, shape) => {
  const m = meta(name);
  it('declares exactly the inputs the settings read', () =>
    expect(Object.keys(m.inputs ?? {}).sort()).toEqual(Object.keys(shape).sort()));
  it('describes every input and output', () => {
    for (const [input, spec] of Object.entries(m.inputs ?? {}))
      expect({ input, described: (spec.description ?? '').length > 10 }).toEqual({ input, described: true });
    for (const [output, spec] of Object.entries(m.outputs ?? {}))
      expect({ output, described: (spec.description ?? '').length > 10 }).toEqual({
        output,
        described: true,
      });
  });
  it('names in EXPRESSION_DEFAULTS exactly the inputs whose default is an expression', () => {
    for (const [input, spec] of Object.entries(m.inputs ?? {}))
      expect({ input, expression: /\$\{\{/.test(spec.default ?? '') }).toEqual({
        input,
        expression: EXPRESSION_DEFAULTS.has(input),
      });
  });
  it('gives every optional input a default, so the runner always passes a value', () => {
    for (const [input, spec] of Object.entries(m.inputs ?? {}))
      if (!spec.required)
        expect({ input, default: typeof spec.default }).toEqual({ input, default: 'string' });
  });
});

describe.each([
  'verify-checklist',
  'deploy-canary',
  'shift-traffic',
  'healthcheck',
  'rollback',
  'open-incident-issue',
  'soak-gate',
])('%s', (name) => {
  it('runs on node24 from the committed bundle, with branding', () => {
    const m = meta(name);
    expect(m.runs.using).toBe('node24');
    expect(m.runs.main).toBe(`../dist/${name}/index.js`);
    expect(m.branding?.icon && m.branding.color).toBeTruthy();
    expect(readFileSync(path.join(repoRoot, 'dist', name, 'index.js')).length).toBeGreaterThan(1000);
    expect(JSON.parse(readFileSync(path.join(repoRoot, 'dist', name, 'package.json'), 'utf8'))).toEqual({
      type: 'module',
    });
  });

  // re2js (a third of a bundle), yaml (115 KiB), Octokit (11 ms to load) and the markdown
  // parser are loaded when a step first needs them: steps without a pattern, a YAML
  // input, a GitHub call or a checklist never pay their start-up.
  it.each([
    ['the pattern engine', 'missing argument to repetition operator'],
    ['the YAML parser', 'Implicit keys need to be on a single line'],
    ['the GitHub client', 'octokit-rest.js'],
    ['the markdown parser', 'CounterClockwiseContourIntegral'],
  ])('keeps %s out of the entry bundle', (_, message) => {
    expect(readFileSync(path.join(repoRoot, 'dist', name, 'index.js'), 'utf8')).not.toContain(message);
  });
});

// The healthcheck runs every 10 minutes in many repositories; what it compiles on each
// start is its bundle (npm run bench: cold start). An entry with a top-level await, or a
// library imported where a dynamic import belongs, shows here first.
it('the healthcheck bundle stays under 100 KiB', () => {
  expect(readFileSync(path.join(repoRoot, 'dist', 'healthcheck', 'index.js')).length).toBeLessThan(
    100 * 1024,
  );
});

it('the LICENSE file is the license package.json names', () => {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const declared = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { license: string })
    .license;
  const text = readFileSync(path.join(root, 'LICENSE'), 'utf8');
  expect(declared).toBe('MIT');
  expect(text.split('\n')[0]).toBe('MIT License');
  expect(text).toContain('Permission is hereby granted, free of charge');
});

it('engines.node is what every installed package asks for: its lowest version and the bundled Node 24 satisfy them all', () => {
  const read = (file: string) => JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8'));
  const pkg = read('package.json') as { engines: { node: string }; devDependencies: { node: string } };
  const lock = read('package-lock.json') as {
    packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
  };
  const wanted = Object.entries(lock.packages).flatMap(([name, p]) =>
    name && !p.optional && !Array.isArray(p.engines) && p.engines?.node
      ? [{ name: name.replace(/^node_modules\//, ''), wants: p.engines.node }]
      : [],
  );
  const refusing = (version: string) =>
    wanted.filter((w) => !semver.satisfies(version, w.wants)).map((w) => `${w.name} wants ${w.wants}`);
  const lowest = semver.minVersion(pkg.engines.node)!;
  expect(refusing(lowest.version)).toEqual([]);
  expect(refusing(pkg.devDependencies.node)).toEqual([]);
  // And no wider than that: the minor release before the lowest is refused by some package.
  expect(refusing(`${lowest.major}.${lowest.minor - 1}.0`)).not.toEqual([]);
});

describe("the Marketplace's rules for action metadata (GitHub's metadata syntax and publishing docs)", () => {
  const names = [
    '.',
    'healthcheck',
    'shift-traffic',
    'rollback',
    'deploy-canary',
    'open-incident-issue',
    'verify-checklist',
    'soak-gate',
  ];
  const all = names.map((folder) => ({
    folder,
    ...(parse(readFileSync(path.join(repoRoot, folder, 'action.yml'), 'utf8')) as ActionYaml & {
      name: string;
      description: string;
    }),
  }));
  it.each(all.map((a) => [a.folder, a] as const))(
    '%s: a description of at most 125 characters, a branding color GitHub offers',
    (_, a) => {
      expect(a.description.length).toBeGreaterThan(20);
      expect(a.description.length).toBeLessThanOrEqual(125);
      expect(a.branding?.icon).toMatch(/^[a-z-]+$/);
      expect(['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']).toContain(
        a.branding?.color,
      );
    },
  );
  it('gives every action its own name', () => {
    expect(new Set(all.map((a) => a.name)).size).toBe(all.length);
  });
});
