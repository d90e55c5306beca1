/**
 * The CLI recipes in workflows-examples/ (vercel.yml, eas-update.yml,
 * elastic-beanstalk.yml), their exact commands run through bash by shift-traffic:
 * the real vercel 58.10.0 against a local Vercel API, and stand-ins for eas and aws
 * that refuse what the real CLIs refuse (see each support file for its sources).
 */
import path from 'node:path';
import { cliStandIns } from '../support/cli-stand-ins.js';
import { recipe } from '../support/recipes.js';
import { repoRoot, runAction } from '../support/run-action.js';
import { startService, type TestService } from '../support/service.js';
import { startVercelApi, type VercelApi } from '../support/vercel-api.js';

let app: TestService;
beforeEach(async () => (app = await startService({ version: '2.0.0' })));
afterEach(() => app.close());

/** shift-traffic with a recipe's own commands; a gate on the local app that breaks after `breakAfterMs`. */
async function shiftWith(
  file: string,
  revisions: { stable: string; canary: string },
  env: Record<string, string>,
  breakAfterMs?: number,
) {
  const step = recipe(file, 'shift-traffic');
  const broken =
    breakAfterMs === undefined ? undefined : setTimeout(() => app.setMode('error'), breakAfterMs);
  try {
    return await runAction('shift-traffic', {
      inputs: {
        ...step.with,
        'stable-revision': revisions.stable,
        'canary-revision': revisions.canary,
        'step-duration': '6s',
        'check-interval': '300ms',
        probes: `[{name: health, url: "${app.url}/health"}]`,
      },
      env: { ...step.env, ...env },

      timeoutMs: 90_000,
    });
  } finally {
    clearTimeout(broken);
  }
}

describe('vercel.yml with the real vercel CLI', () => {
  let vercel: VercelApi;
  const vercelEnv = () => ({
    HOME: vercel.home,
    PATH: `${path.join(repoRoot, 'node_modules', '.bin')}:${process.env['PATH']}`,
    VERCEL_TOKEN: vercel.token,
    VERCEL_TELEMETRY_DISABLED: '1',
  });
  beforeEach(async () => {
    vercel = await startVercelApi({
      token: 'vercelToken123',
      domain: 'app.example.com',
      production: 'dpl_old',
      deployments: [
        { id: 'dpl_old', url: 'shop-old-acme.vercel.app', target: 'production', readyState: 'READY' },
        { id: 'dpl_staged', url: 'shop-staged-acme.vercel.app', target: 'production', readyState: 'READY' },
        { id: 'dpl_preview', url: 'shop-preview-acme.vercel.app', target: null, readyState: 'READY' },
      ],
    });
  });
  afterEach(() => vercel.close());

  it('promotes a staged production deployment and rolls back to the previous one when the gate fails', async () => {
    const run = await shiftWith('vercel.yml', { stable: 'dpl_old', canary: 'dpl_staged' }, vercelEnv(), 2500);
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(vercel.production()).toBe('dpl_old');
    expect(vercel.requests).toContain('POST /v10/projects/prj_shop/promote/dpl_staged');
    expect(vercel.requests).toContain('POST /v9/projects/prj_shop/rollback/dpl_old');
    expect(run.stdout).not.toContain('vercelToken123');
  }, 120_000);

  it('refuses to promote a preview, which Vercel would rebuild under a new id; nothing moves', async () => {
    const run = await shiftWith('vercel.yml', { stable: 'dpl_old', canary: 'dpl_preview' }, vercelEnv());
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'dpl_preview is not a production deployment: promoting it would build a new one; stage it with vercel deploy --prod --skip-domain',
    );
    expect(vercel.production()).toBe('dpl_old');
    expect(vercel.requests).not.toContain('POST /v13/deployments');
  }, 120_000);
});

describe('eas-update.yml with an eas stand-in', () => {
  const OLD = '11111111-aaaa-4bbb-8ccc-000000000001';
  const NEW = '22222222-aaaa-4bbb-8ccc-000000000002';

  it('republishes the candidate to production, then the previous group when the gate fails; get-split follows the copies', async () => {
    const clis = cliStandIns({
      eas: {
        branches: {
          production: [{ group: OLD, message: 'v1.9.0' }],
          'release-candidates': [{ group: NEW, message: 'v2.0.0' }],
        },
      },
    });
    const run = await shiftWith(
      'eas-update.yml',
      { stable: OLD, canary: NEW },
      { ...clis.env, EXPO_TOKEN: 'expo-token' },
      2500,
    );
    expect(run.outputs['outcome']).toBe('rolled-back');
    const republished = clis.calls().filter((c) => c.startsWith('eas update:republish'));
    expect(republished).toEqual([
      `eas update:republish --group ${NEW} --destination-branch production --message republish of ${NEW} --non-interactive`,
      `eas update:republish --group ${OLD} --destination-branch production --message republish of ${OLD} --non-interactive`,
    ]);
    // Production now runs a copy of the old group, which get-split reads as the old group.
    const production = clis.eas().branches['production']!;
    expect(production[0]!.message).toBe(`republish of ${OLD}`);
    expect(production[0]!.group).not.toBe(OLD);
    expect(JSON.parse(run.outputs['split']!)).toEqual({ [OLD]: 100 });
  }, 120_000);

  it('the stand-in refuses what eas-cli refuses, so a wrong recipe fails here', async () => {
    const { execFileSync } = await import('node:child_process');
    const clis = cliStandIns({ eas: { branches: { production: [{ group: OLD, message: 'v1' }] } } });
    const eas = (...args: string[]) => {
      try {
        execFileSync('eas', args, { env: { ...process.env, ...clis.env, EXPO_TOKEN: 't' }, stdio: 'pipe' });
        return 'ok';
      } catch (error) {
        return String((error as { stderr: Buffer }).stderr).trim();
      }
    };
    expect(
      eas('update:republish', '--group', OLD, '--branch', 'production', '--non-interactive', '-m', 'x'),
    ).toMatch(/cannot also be provided when using --branch/);
    expect(eas('update:republish', '--group', OLD, '--non-interactive')).toMatch(/Must supply --message/);
    expect(eas('update:list', '--branch', 'production', '--json')).toMatch(
      /must be provided when using --json/,
    );
    expect(eas('update:republish', '--group', OLD, '--yes')).toMatch(/Nonexistent flag: --yes/);
  });
});

describe('elastic-beanstalk.yml with an aws stand-in', () => {
  it('waits for the asynchronous CNAME swap, and the rollback swaps back to the known holder', async () => {
    const cname = 'machinemate-web.eu-west-1.elasticbeanstalk.com';
    const clis = cliStandIns({
      eb: {
        environments: [
          { EnvironmentName: 'blue-env', CNAME: cname, Status: 'Ready' },
          {
            EnvironmentName: 'green-env',
            CNAME: 'machinemate-web-green.eu-west-1.elasticbeanstalk.com',
            Status: 'Ready',
          },
        ],
        swapMs: 1500,
      },
    });
    const run = await shiftWith(
      'elastic-beanstalk.yml',
      { stable: 'blue-env', canary: 'green-env' },
      clis.env,
      3000,
    );
    expect(run.outputs['outcome']).toBe('rolled-back');
    const swaps = clis.calls().filter((c) => c.includes('swap-environment-cnames') || c.includes(' wait '));
    expect(swaps).toEqual([
      'aws elasticbeanstalk swap-environment-cnames --source-environment-name blue-env --destination-environment-name green-env',
      'aws elasticbeanstalk wait environment-updated --application-name machinemate-web --environment-names blue-env green-env',
      'aws elasticbeanstalk swap-environment-cnames --source-environment-name green-env --destination-environment-name blue-env',
      'aws elasticbeanstalk wait environment-updated --application-name machinemate-web --environment-names green-env blue-env',
    ]);
    const holder = clis.eb().environments.find((e) => e.CNAME === cname);
    expect(holder).toMatchObject({ EnvironmentName: 'blue-env', Status: 'Ready' });
  }, 120_000);
});
