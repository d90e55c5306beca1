/**
 * The workflow harness itself, on small workflows: it must refuse and fail where
 * GitHub does, or the scenarios that run our workflows through it prove nothing.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  CacheStore,
  runWorkflow,
  type HarnessOptions,
  type Trigger,
} from '../../tools/workflow-harness/index.js';
import { node24, repoRoot } from '../support/run-action.js';

const write = (name: string, workflow: unknown) => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ra-harness-')), '.github', 'workflows');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, name), stringify(workflow));
  return path.join(dir, name);
};
const run = (file: string, trigger: Trigger = { event: 'push' }, extra: Partial<HarnessOptions> = {}) =>
  runWorkflow(file, trigger, { root: repoRoot, node: node24, ...extra });
const job = (steps: unknown[], more: Record<string, unknown> = {}) => ({
  'runs-on': 'ubuntu-latest',
  steps,
  ...more,
});

it('skips what needs a failed job unless its if: says always() or failure(), as GitHub does', async () => {
  const result = await run(
    write('w.yml', {
      on: 'push',
      jobs: {
        a: job([{ run: 'exit 3' }]),
        b: job([{ run: 'true' }], { needs: 'a' }),
        c: job([{ run: 'true' }], { needs: 'b', if: 'always()' }),
        d: job([{ run: 'true' }], { needs: 'a', if: 'failure()' }),
        e: job([{ run: 'true' }], { needs: 'c', if: "needs.c.result == 'success'" }),
      },
    }),
  );
  expect(Object.fromEntries(Object.entries(result.jobs).map(([k, j]) => [k, j.result]))).toEqual({
    a: 'failure',
    b: 'skipped',
    c: 'success',
    d: 'success',
    // success() is implied and an ancestor (a) failed.
    e: 'skipped',
  });
  expect(result.result).toBe('failure');
});

it('passes step outputs, GITHUB_ENV and job outputs along, with continue-on-error', async () => {
  const result = await run(
    write('w.yml', {
      on: 'push',
      env: { LEVEL: 'workflow' },
      jobs: {
        a: job(
          [
            { id: 'one', run: 'echo "x=1" >> "$GITHUB_OUTPUT"; echo "FROM_ENV=yes" >> "$GITHUB_ENV"' },
            { id: 'two', 'continue-on-error': true, run: 'exit 1' },
            {
              id: 'three',
              env: { X: '${{ steps.one.outputs.x }}' },
              run: 'echo "y=$X-$FROM_ENV-$LEVEL" >> "$GITHUB_OUTPUT"',
            },
          ],
          { outputs: { y: '${{ steps.three.outputs.y }}', two: '${{ steps.two.outcome }}' } },
        ),
      },
    }),
  );
  expect(result.jobs['a']).toMatchObject({
    result: 'success',
    outputs: { y: '1-yes-workflow', two: 'failure' },
  });
});

it('ends a job at timeout-minutes (SIGINT, SIGTERM, then the tree), runs only always() steps after, and fails it', async () => {
  const result = await run(
    write('w.yml', {
      on: 'push',
      jobs: {
        a: job([{ run: 'sleep 30' }, { run: 'true' }, { if: 'always()', run: 'true' }], {
          'timeout-minutes': 1,
        }),
      },
    }),
    { event: 'push' },
    { msPerMinute: 300 },
  );
  expect(result.jobs['a']?.result).toBe('failure');
  expect(result.jobs['a']?.steps.map((s) => s.outcome)).toEqual(['cancelled', 'skipped', 'success']);
}, 30_000);

it('refuses a nested job that asks for more permissions than the caller grants', async () => {
  const called = write('called.yml', {
    on: { workflow_call: {} },
    jobs: { deploy: job([{ run: 'true' }], { permissions: { 'id-token': 'write' } }) },
  });
  const caller = path.join(path.dirname(called), 'caller.yml');
  writeFileSync(
    caller,
    stringify({
      on: 'push',
      permissions: { contents: 'read' },
      jobs: { call: { uses: './.github/workflows/called.yml' } },
    }),
  );
  const result = await run(caller);
  expect(result.jobs['call']?.result).toBe('failure');
  expect(result.jobs['call']?.errors).toEqual([
    "The nested job 'deploy' is requesting 'id-token: write', but is only allowed 'id-token: none'.",
  ]);
});

it('checks a call against workflow_call: required, unknown and typed inputs, unknown secrets', async () => {
  const called = write('called.yml', {
    on: {
      workflow_call: {
        inputs: { name: { type: 'string', required: true }, count: { type: 'number', default: 1 } },
        secrets: { token: { required: false } },
      },
    },
    jobs: { a: job([{ run: 'true' }]) },
  });
  const caller = path.join(path.dirname(called), 'caller.yml');
  writeFileSync(
    caller,
    stringify({
      on: 'push',
      jobs: {
        call: {
          uses: './.github/workflows/called.yml',
          with: { count: 'three', nmae: 'x' },
          secrets: { tokn: 'y' },
        },
      },
    }),
  );
  const result = await run(caller);
  expect(result.jobs['call']?.errors).toEqual([
    'Input name is required, but not provided while calling.',
    "Unexpected value 'three' for input count: expected type number, got string.",
    'Invalid input, nmae is not defined in the referenced workflow.',
    'Invalid secret, tokn is not defined in the referenced workflow.',
  ]);
});

it('gives an omitted input its default with its type, as GitHub does: a number stays a number', async () => {
  const called = write('called.yml', {
    on: {
      workflow_call: {
        inputs: {
          samples: { type: 'number', default: 5 },
          strict: { type: 'boolean', default: true },
          label: { type: 'string', default: 'x' },
        },
      },
    },
    jobs: {
      a: job([
        {
          id: 'echo',
          run: 'echo "seen=$SAMPLES/$STRICT/$LABEL" >> "$GITHUB_OUTPUT"',
          env: {
            SAMPLES: '${{ inputs.samples }}',
            STRICT: '${{ inputs.strict }}',
            LABEL: '${{ inputs.label }}',
          },
        },
      ]),
    },
  });
  const caller = path.join(path.dirname(called), 'caller.yml');
  writeFileSync(
    caller,
    stringify({ on: 'push', jobs: { call: { uses: './.github/workflows/called.yml' } } }),
  );
  const result = await run(caller);
  expect(result.jobs['call']?.errors).toEqual([]);
  expect(result.jobs['call']?.called?.jobs['a']?.steps[0]?.outputs).toEqual({ seen: '5/true/x' });
});

it('restores the cache by exact key, then by prefix, newest first, from its own branch or the default one', () => {
  const store = new CacheStore(mkdtempSync(path.join(tmpdir(), 'ra-cache-')));
  const from = mkdtempSync(path.join(tmpdir(), 'ra-cache-src-'));
  store.save('refs/heads/main', 'state-api-1', 'p', from, []);
  store.save('refs/heads/main', 'state-api-2', 'p', from, []);
  store.save('refs/heads/feature', 'state-api-3', 'p', from, []);
  expect(store.restore('refs/heads/main', 'state-api-9', ['state-api-'], 'p')?.key).toBe('state-api-2');
  expect(store.restore('refs/heads/feature', 'state-api-9', ['state-api-'], 'p')?.key).toBe('state-api-3');
  expect(store.restore('refs/heads/other', 'state-api-9', ['state-api-'], 'p')?.key).toBe('state-api-2');
  expect(store.restore('refs/heads/main', 'state-api-1', [], 'p')?.key).toBe('state-api-1');
  // Another branch's entry is out of reach; other paths are another version.
  expect(store.restore('refs/heads/other', 'state-api-3', [], 'p')).toBeUndefined();
  expect(store.restore('refs/heads/main', 'state-api-9', ['state-api-'], 'q')).toBeUndefined();
  expect(store.save('refs/heads/main', 'state-api-1', 'p', from, [])).toBe(false);
});
