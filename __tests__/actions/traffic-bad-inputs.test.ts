/**
 * Mistakes in the traffic actions' inputs end the step with one line naming the
 * input, before anything reaches the router: the router here is a unix socket
 * that records every connection.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectOneLineError, runAction } from '../support/run-action.js';

let socket: string;
let server: Server;
let connections = 0;

beforeAll(async () => {
  socket = path.join(mkdtempSync(path.join(tmpdir(), 'ra-sock-')), 'admin.sock');
  server = createServer((c) => {
    connections++;
    c.destroy();
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const reach = () => ({ provider: 'haproxy', 'haproxy-socket': socket, 'haproxy-backend': 'app' });
const shift = (extra: Record<string, string>) => ({
  ...reach(),
  'stable-revision': 'blue',
  'canary-revision': 'green',
  ...extra,
});
const rollback = (extra: Record<string, string>) => ({ ...reach(), 'to-revision': 'blue', ...extra });
const deploy = (extra: Record<string, string>) => ({
  ...reach(),
  'canary-revision': 'green',
  'canary-address': '127.0.0.1:8081',
  ...extra,
});
const cloudRunDeploy = (extra: Record<string, string>) =>
  deploy({
    provider: 'cloud-run',
    'cloud-run-service': 'api',
    'cloud-run-region': 'us-central1',
    image: 'app:2',
    ...extra,
  });

type Case = [
  action: string,
  title: string,
  input: string,
  says: RegExp,
  inputs: () => Record<string, string>,
];

const cases: Case[] = [
  // A 30-day pause would last 1 ms (Node's timer limit) and promote at once.
  [
    'shift-traffic',
    "a step past a timer's limit",
    'step-duration',
    /must be at most 24d/,
    () => shift({ 'step-duration': '30d' }),
  ],
  [
    'shift-traffic',
    "a plan pause past a timer's limit",
    'steps',
    /must be at most 24d/,
    () => shift({ steps: '[{weight: 10}, {pause: 30d}, {weight: 100}]' }),
  ],
  // A line break or ';' separates runtime API commands: a backend name holding one
  // would run a second command on the admin socket.
  ...(['shift-traffic', 'rollback', 'deploy-canary'] as const).map((action): Case => [
    action,
    'an HAProxy backend name smuggling a second runtime command',
    'haproxy-backend',
    /must be an HAProxy backend name/,
    () =>
      ({ 'shift-traffic': shift, rollback, 'deploy-canary': deploy })[action]({
        'haproxy-backend': 'app\nset weight app/blue 0',
      }),
  ]),
  [
    'rollback',
    "an HAProxy backend name with ';'",
    'haproxy-backend',
    /must be an HAProxy backend name/,
    () => rollback({ 'haproxy-backend': 'app;disable server app/blue' }),
  ],
  [
    'shift-traffic',
    'no provider',
    'provider',
    /must be one of haproxy, cloud-run/,
    () => shift({ provider: '' }),
  ],
  ['shift-traffic', 'an unknown provider', 'provider', /must be one of/, () => shift({ provider: 'nginx' })],
  [
    'shift-traffic',
    'kubernetes without a route',
    'kubernetes-route',
    /is required with provider: kubernetes/,
    () => shift({ provider: 'kubernetes' }),
  ],
  [
    'shift-traffic',
    'a route name with capitals',
    'kubernetes-route',
    /must be a Kubernetes object name/,
    () => shift({ provider: 'kubernetes', 'kubernetes-route': 'Shop_Route' }),
  ],
  // The example is a revision as the step's provider names it.
  [
    'shift-traffic',
    'an option-like canary on Cloud Run, answered with a Cloud Run revision',
    'canary-revision',
    /Example: canary-revision: api-00042-xyz$/,
    () =>
      shift({
        provider: 'cloud-run',
        'cloud-run-service': 'api',
        'cloud-run-region': 'us-central1',
        'canary-revision': '--help',
      }),
  ],
  [
    'rollback',
    'an option-like target on Vercel, answered with a Vercel deployment',
    'to-revision',
    /Example: to-revision: dpl_\w+$/,
    () =>
      rollback({
        provider: 'vercel',
        'vercel-project': 'shop',
        'vercel-domain': 'shop.example.com',
        'vercel-token': 'vercelToken0123456789',
        'to-revision': '--help',
      }),
  ],
  [
    'deploy-canary',
    'an option-like image, which gcloud would read as a flag',
    'image',
    /must be an image reference/,
    () =>
      deploy({
        provider: 'cloud-run',
        'cloud-run-service': 'api',
        'cloud-run-region': 'us-central1',
        image: '--help',
      }),
  ],
  [
    'deploy-canary',
    'an environment variable Cloud Run reserves',
    'cloud-run-env-vars',
    /sets PORT, which Cloud Run reserves/,
    () => cloudRunDeploy({ 'cloud-run-env-vars': 'PORT=9000' }),
  ],
  [
    'deploy-canary',
    'an environment line that is no NAME=value',
    'cloud-run-env-vars',
    /which is not NAME=value/,
    () => cloudRunDeploy({ 'cloud-run-env-vars': 'just text' }),
  ],
  [
    'deploy-canary',
    'a secret without a version',
    'cloud-run-secrets',
    /which is not SECRET:VERSION/,
    () => cloudRunDeploy({ 'cloud-run-secrets': 'DB=db-password' }),
  ],
  [
    'deploy-canary',
    'a label key with capitals',
    'cloud-run-labels',
    /has the key "Team"/,
    () => cloudRunDeploy({ 'cloud-run-labels': 'Team=checkout' }),
  ],
  [
    'deploy-canary',
    'a flag deploy-canary sets itself, which would undo the safe deploy',
    'cloud-run-flags',
    /has --no-traffic, which deploy-canary sets itself/,
    () => cloudRunDeploy({ 'cloud-run-flags': '--no-traffic=false' }),
  ],
  [
    'deploy-canary',
    'a flag line that is two arguments',
    'cloud-run-flags',
    /which is not one --flag or --flag=value/,
    () => cloudRunDeploy({ 'cloud-run-flags': '--cpu 2' }),
  ],
  [
    'deploy-canary',
    'Cloud Run deploy settings with another provider',
    'cloud-run-env-vars',
    /is only for provider cloud-run, not haproxy/,
    () => deploy({ 'cloud-run-env-vars': 'API_URL=https://api.example.com' }),
  ],
  [
    'deploy-canary',
    'kubernetes without an image',
    'image',
    /is required with provider: kubernetes/,
    () => deploy({ provider: 'kubernetes', 'kubernetes-route': 'shop', 'canary-address': '' }),
  ],
  [
    'deploy-canary',
    'a container name with a slash',
    'kubernetes-container',
    /must be a container name/,
    () =>
      deploy({
        provider: 'kubernetes',
        'kubernetes-route': 'shop',
        image: 'shop:2',
        'kubernetes-container': 'app/main',
      }),
  ],
  [
    'deploy-canary',
    'a rollout timeout in words',
    'rollout-timeout',
    /must be a duration/,
    () =>
      deploy({
        provider: 'kubernetes',
        'kubernetes-route': 'shop',
        image: 'shop:2',
        'rollout-timeout': 'ten minutes',
      }),
  ],
  [
    'shift-traffic',
    'no socket',
    'haproxy-socket',
    /is required with provider: haproxy/,
    () => shift({ 'haproxy-socket': '' }),
  ],
  [
    'shift-traffic',
    'a relative socket',
    'haproxy-socket',
    /must be an absolute path/,
    () => shift({ 'haproxy-socket': 'admin.sock' }),
  ],
  [
    'shift-traffic',
    'no backend',
    'haproxy-backend',
    /is required with provider: haproxy/,
    () => shift({ 'haproxy-backend': '' }),
  ],
  [
    'shift-traffic',
    'no stable revision',
    'stable-revision',
    /is required/,
    () => shift({ 'stable-revision': '' }),
  ],
  [
    'shift-traffic',
    'a revision name with a space',
    'canary-revision',
    /must be a revision name/,
    () => shift({ 'canary-revision': 'green v2' }),
  ],
  [
    'shift-traffic',
    'canary equal to stable',
    'canary-revision',
    /must differ from stable-revision/,
    () => shift({ 'canary-revision': 'blue' }),
  ],
  [
    'shift-traffic',
    'weights that go down',
    'steps',
    /has 10 after 50; weights must increase/,
    () => shift({ steps: '50,10,100' }),
  ],
  ['shift-traffic', 'a weight over 100', 'steps', /has 150, outside 1-100/, () => shift({ steps: '10,150' })],
  [
    'shift-traffic',
    'a step with two kinds',
    'steps',
    /steps\[0\]: has weight and pause/,
    () => shift({ steps: '[{weight: 10, pause: 1m}]' }),
  ],
  [
    'shift-traffic',
    'steps that are not YAML',
    'steps',
    /nor valid YAML/,
    () => shift({ steps: '- weight: [' }),
  ],
  [
    'shift-traffic',
    'a step duration that is a word',
    'step-duration',
    /must be a duration/,
    () => shift({ 'step-duration': 'long' }),
  ],
  [
    'shift-traffic',
    'a check interval under 100ms',
    'check-interval',
    /must be at least 100ms/,
    () => shift({ 'check-interval': '10ms' }),
  ],
  [
    'shift-traffic',
    'a confirm path that names another host (//host)',
    'confirm-path',
    /must be a path such as \/healthz/,
    () => shift({ 'confirm-path': '//evil.example/x' }),
  ],
  [
    'shift-traffic',
    'a confirm path with a backslash (a host to URL parsers)',
    'confirm-path',
    /must be a path such as \/healthz/,
    () => shift({ 'confirm-path': '/\\evil.example' }),
  ],
  [
    'shift-traffic',
    'a confirm path that is a URL',
    'confirm-path',
    /must be a path such as \/healthz/,
    () => shift({ 'confirm-path': 'http://evil.example/health' }),
  ],
  [
    'shift-traffic',
    'a tripwire that is neither true nor false',
    'tripwire',
    /true or false/,
    () => shift({ tripwire: 'sometimes' }),
  ],
  [
    'shift-traffic',
    'an error rate over 100%',
    'max-error-rate',
    /must be a percentage/,
    () => shift({ 'max-error-rate': '150%' }),
  ],
  [
    'shift-traffic',
    'an error rate that is a word',
    'max-error-rate',
    /must be a percentage/,
    () => shift({ 'max-error-rate': 'low' }),
  ],
  [
    'shift-traffic',
    'zero min requests',
    'min-requests',
    /must be at least 1/,
    () => shift({ 'min-requests': '0' }),
  ],
  [
    'shift-traffic',
    'a negative failure limit',
    'failure-limit',
    /must be at least 0/,
    () => shift({ 'failure-limit': '-1' }),
  ],
  [
    'shift-traffic',
    'advisory as maybe',
    'advisory',
    /must be true or false/,
    () => shift({ advisory: 'maybe' }),
  ],
  [
    'shift-traffic',
    'probes with an unset variable',
    'probes',
    /environment variable HEALTH_TOKEN is not set/,
    () =>
      shift({
        probes: '[{name: c, url: "${CANARY_URL}/health", headers: {authorization: "${HEALTH_TOKEN}"}}]',
      }),
  ],
  [
    'shift-traffic',
    'probes that are not a list',
    'probes',
    /must be a list/,
    () => shift({ probes: 'name: c' }),
  ],
  [
    'shift-traffic',
    'command without get-split',
    'command-get-split',
    /is required with provider: command/,
    () => shift({ provider: 'command', 'command-set-split': 'true' }),
  ],
  [
    'shift-traffic',
    'command without set-split',
    'command-set-split',
    /is required with provider: command/,
    () => shift({ provider: 'command', 'command-get-split': 'true' }),
  ],
  [
    'rollback',
    'command without get-split',
    'command-get-split',
    /is required with provider: command/,
    () => rollback({ provider: 'command', 'command-set-split': 'true' }),
  ],
  [
    'shift-traffic',
    'cloud-run without a service',
    'cloud-run-service',
    /is required with provider: cloud-run/,
    () => shift({ provider: 'cloud-run', 'cloud-run-region': 'us-central1' }),
  ],
  [
    'shift-traffic',
    'a cloud-run service with capitals',
    'cloud-run-service',
    /must be a Cloud Run service name/,
    () => shift({ provider: 'cloud-run', 'cloud-run-service': 'Api', 'cloud-run-region': 'us-central1' }),
  ],
  [
    'shift-traffic',
    'a cloud-run region that is not one',
    'cloud-run-region',
    /must be a region such as us-central1/,
    () => shift({ provider: 'cloud-run', 'cloud-run-service': 'api', 'cloud-run-region': 'central' }),
  ],
  [
    'rollback',
    'a cloud-run project with spaces',
    'cloud-run-project',
    /must be a project ID/,
    () =>
      rollback({
        provider: 'cloud-run',
        'cloud-run-service': 'api',
        'cloud-run-region': 'us-central1',
        'cloud-run-project': 'my project',
      }),
  ],
  [
    'deploy-canary',
    'cloud-run without an image',
    'image',
    /is required with provider: cloud-run/,
    () => deploy({ provider: 'cloud-run', 'cloud-run-service': 'api', 'cloud-run-region': 'us-central1' }),
  ],
  [
    'shift-traffic',
    'local without a router address',
    'local-router-url',
    /must be the router's address/,
    () => shift({ provider: 'local' }),
  ],
  [
    'rollback',
    'no target with haproxy',
    'to-revision',
    /is required with provider haproxy/,
    () => rollback({ 'to-revision': '' }),
  ],
  ['rollback', 'a percent of 0', 'percent', /must be at least 1/, () => rollback({ percent: '0' })],
  [
    'rollback',
    'a percent with a sign',
    'percent',
    /must be a whole number/,
    () => rollback({ percent: '90%' }),
  ],
  [
    'rollback',
    'a reason too long',
    'reason',
    /must be at most 500 characters/,
    () => rollback({ reason: 'x'.repeat(501) }),
  ],
  ['rollback', 'an unknown provider', 'provider', /must be one of/, () => rollback({ provider: 'aws' })],
  [
    'rollback',
    'probes with a bad status',
    'probes',
    /must be a status code/,
    () => rollback({ probes: '[{name: s, url: "${TARGET_URL}/", expect: {status: 999}}]' }),
  ],
  [
    'deploy-canary',
    'an address without a port',
    'canary-address',
    /must be host:port/,
    () => deploy({ 'canary-address': '127.0.0.1' }),
  ],
  [
    'deploy-canary',
    'no address',
    'canary-address',
    /must be host:port/,
    () => deploy({ 'canary-address': '' }),
  ],
  [
    'deploy-canary',
    'an initial share over 50',
    'initial-percent',
    /must be at most 50/,
    () => deploy({ 'initial-percent': '60' }),
  ],
  [
    'deploy-canary',
    'canary equal to stable',
    'canary-revision',
    /must differ from stable-revision/,
    () => deploy({ 'stable-revision': 'green' }),
  ],
  [
    'deploy-canary',
    'no canary name',
    'canary-revision',
    /is required/,
    () => deploy({ 'canary-revision': '' }),
  ],
  [
    'deploy-canary',
    'probes that are not YAML',
    'probes',
    /is not valid YAML/,
    () => deploy({ probes: '- name: [' }),
  ],
  ['rollback', 'a zero percent', 'percent', /must be at least 1/, () => rollback({ percent: '0' })],
  ['rollback', 'a percent over 100', 'percent', /must be at most 100/, () => rollback({ percent: '101' })],
  [
    'rollback',
    'a percent in words',
    'percent',
    /must be a whole number from 1 to 100/,
    () => rollback({ percent: 'half' }),
  ],
  [
    'rollback',
    'a revision name with spaces',
    'to-revision',
    /must be a revision name/,
    () => rollback({ 'to-revision': 'blue green' }),
  ],
  ['rollback', 'an unknown provider', 'provider', /must be one of/, () => rollback({ provider: 'traefik' })],
  [
    'rollback',
    'an environment url that is not a URL',
    'environment-url',
    /must be a URL/,
    () => rollback({ 'github-environment': 'production', 'environment-url': 'shop' }),
  ],
  [
    'rollback',
    'probes naming an unset variable',
    'probes',
    /the environment variable NOT_SET_ANYWHERE is not set/,
    () => rollback({ probes: '[{name: h, url: "${NOT_SET_ANYWHERE}/health"}]' }),
  ],
  ['rollback', 'probes as a scalar', 'probes', /must be a list/, () => rollback({ probes: 'health' })],
  [
    'deploy-canary',
    'an initial share in words',
    'initial-percent',
    /must be a whole number from 0 to 50/,
    () => deploy({ 'initial-percent': 'ten' }),
  ],
  [
    'deploy-canary',
    'a negative initial share',
    'initial-percent',
    /must be at least 0/,
    () => deploy({ 'initial-percent': '-5' }),
  ],
  ['deploy-canary', 'an unknown provider', 'provider', /must be one of/, () => deploy({ provider: 'nginx' })],
  [
    'deploy-canary',
    'an address without a port',
    'canary-address',
    /must be host:port/,
    () => deploy({ 'canary-address': 'localhost' }),
  ],
  [
    'deploy-canary',
    'a host name, which the HAProxy runtime API refuses',
    'canary-address',
    /the host an IP address \(HAProxy takes no host names\)/,
    () => deploy({ 'canary-address': 'green.internal:8080' }),
  ],
  [
    'deploy-canary',
    'a second runtime-API command after ;',
    'canary-address',
    /must be host:port/,
    () => deploy({ 'canary-address': '127.0.0.1:8081;set weight app/blue 0' }),
  ],
  [
    'deploy-canary',
    'probes with a url that is not a URL',
    'probes',
    /is not an absolute http\(s\) URL/,
    () => deploy({ probes: '[{name: h, url: "not a url"}]' }),
  ],
  [
    'deploy-canary',
    'probes with an unknown key',
    'probes',
    /unknown field 'timout'/,
    () => deploy({ probes: '[{name: h, url: "${CANARY_URL}/h", timout: 5s}]' }),
  ],
  [
    'deploy-canary',
    'a relative socket',
    'haproxy-socket',
    /must be an absolute path/,
    () => deploy({ 'haproxy-socket': 'run/admin.sock' }),
  ],
  [
    'shift-traffic',
    'a local router without a scheme',
    'local-router-url',
    /must be the router's address/,
    () => shift({ provider: 'local', 'local-router-url': '127.0.0.1:8080' }),
  ],
  [
    'shift-traffic',
    'an environment url that is not a URL',
    'environment-url',
    /must be a URL/,
    () => shift({ 'github-environment': 'production', 'environment-url': 'shop' }),
  ],
];

describe('traffic actions reject bad input before reaching the router', () => {
  it(`has ${cases.length} cases`, () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)('%s: %s → %s', async (...row: Case) => {
    const [action, , input, says, inputs] = row;
    const before = connections;
    const run = await runAction(action, { inputs: inputs() });
    expectOneLineError(run, input, says);
    expect(connections).toBe(before);
  });
});

it('credentials in local-router-url are masked before anything can print them', async () => {
  const run = await runAction('rollback', {
    inputs: {
      provider: 'local',
      'local-router-url': 'http://deploy:c2VjcmV0+/cm91dGVy==@127.0.0.1:1/',
      'to-revision': 'v1',
      reason: 'test',
    },
  });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('::add-mask::deploy:c2VjcmV0+/cm91dGVy==');
  expect(
    run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n'),
  ).not.toContain('c2VjcmV0+/cm91dGVy==');
});
