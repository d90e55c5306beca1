import type { ProviderSettings } from '../../core/traffic/provider-settings.js';
import { ConfigurationError } from '../../core/errors.js';
import { execRunner } from '../exec.js';
import { directoryInside } from '../workspace.js';
import { cloudRunProvider } from './cloud-run.js';
import { commandProvider } from './command.js';
import { easUpdateProvider } from './eas-update.js';
import { haproxyProvider } from './haproxy.js';
import { kubernetesProvider } from './kubernetes.js';
import { systemClock } from '../clock.js';
import { localProvider } from './local.js';
import { vercelProvider } from './vercel.js';
import type { ProviderHints, TrafficProvider } from './provider.js';

/** The revisions an action names, handed to command scripts as context. */
interface NamedRevisions {
  'stable-revision'?: string | undefined;
  'canary-revision'?: string | undefined;
  'to-revision'?: string | undefined;
  'cloud-run-tag'?: string | undefined;
  'rollout-timeout'?: number | undefined;
  'hang-after'?: number | undefined;
}

/** An empty (or blank) input means "not given". */
const optional = (text: string) => (text.trim() ? text : undefined);

type Settings = ProviderSettings & NamedRevisions & ProviderHints;

/** The revisions the step names, for routers that know them by their own ids. */
const namedRevisions = (s: Settings) =>
  [s['stable-revision'], s['canary-revision'], s['to-revision']].filter((r): r is string => !!r);

const haproxyFrom = (s: Settings) =>
  haproxyProvider({
    socket: s['haproxy-socket'],
    backend: s['haproxy-backend'],
    ...(s['hang-after'] && { hangAfterMs: s['hang-after'] }),
  });

const cloudRunFrom = (s: Settings) =>
  cloudRunProvider(
    {
      service: s['cloud-run-service'],
      region: s['cloud-run-region'],
      ...(s['cloud-run-project'] && { project: s['cloud-run-project'] }),
      ...(s['cloud-run-tag'] && { tag: s['cloud-run-tag'] }),
    },
    execRunner(),
  );

function kubernetesFrom(s: Settings): TrafficProvider {
  const namespace = optional(s['kubernetes-namespace']);
  const context = optional(s['kubernetes-context']);
  const deployment = optional(s['kubernetes-deployment']);
  const container = optional(s['kubernetes-container']);
  const [stable, canary, target] = [s['stable-revision'], s['canary-revision'], s['to-revision']];
  return kubernetesProvider(
    {
      route: s['kubernetes-route'],
      roles: { ...(stable && { stable }), ...(canary && { canary }), ...(target && { target }) },
      ...(namespace && { namespace }),
      ...(context && { context }),
      ...(deployment && { deployment }),
      ...(container && { container }),
      rolloutTimeoutMs: s['rollout-timeout'] ?? 600_000,
      // Tests poll faster than a cluster needs.
      pollMs: Number(process.env['RELEASE_ACTIONS_POLL_MS'] ?? 2000),
    },
    execRunner(),
    systemClock,
  );
}

function vercelFrom(s: Settings): TrafficProvider {
  const token = optional(s['vercel-token']);
  // Without a token the CLI's own answer is "run `vercel login`", which no runner can.
  if (!token && !process.env['VERCEL_TOKEN'])
    throw new ConfigurationError(
      'vercel-token',
      "is required with provider: vercel (or VERCEL_TOKEN in the step's env): a Vercel access token, passed from a secret",
      'vercel-token: ${{ secrets.VERCEL_TOKEN }}',
    );
  const scope = optional(s['vercel-scope']);
  const bypass = optional(s['vercel-protection-bypass']);
  const canary = s['canary-revision'];
  const state = s['provider-state'];
  return vercelProvider(
    {
      project: s['vercel-project'],
      domain: s['vercel-domain'],
      ...(scope && { scope }),
      ...(token && { token }),
      ...(bypass && { protectionBypass: bypass }),
      ...(state && { state }),
      revisions: namedRevisions(s),
      ...(canary && { canary }),
      planned: s['planned-weights'] ?? [],
    },
    execRunner(),
  );
}

function easUpdateFrom(s: Settings): TrafficProvider {
  const token = optional(s['expo-token']);
  return easUpdateProvider(
    {
      branch: s['eas-branch'],
      projectDir: directoryInside(
        process.env['GITHUB_WORKSPACE'] ?? process.cwd(),
        'eas-project-dir',
        optional(s['eas-project-dir']) ?? '.',
        'eas-project-dir: apps/mobile',
      ),
      ...(token && { token }),
      revisions: namedRevisions(s),
      countFrom: new Date().toISOString().slice(0, 10),
    },
    execRunner(),
  );
}

function commandFrom(s: Settings): TrafficProvider {
  const env: Record<string, string> = {};
  if (s['stable-revision']) env['STABLE_REVISION'] = s['stable-revision'];
  if (s['canary-revision']) env['CANARY_REVISION'] = s['canary-revision'];
  if (s['to-revision']) env['TARGET_REVISION'] = s['to-revision'];
  const list = optional(s['command-list-revisions']);
  const deploy = optional(s['command-deploy']);
  const metrics = optional(s['command-metrics']);
  return commandProvider(
    {
      getSplit: s['command-get-split'],
      setSplit: s['command-set-split'],
      ...(list && { listRevisions: list }),
      ...(deploy && { deploy }),
      ...(metrics && { metrics }),
      env,
    },
    execRunner(),
  );
}

const PROVIDERS: Readonly<Record<string, (settings: Settings) => TrafficProvider>> = {
  haproxy: haproxyFrom,
  'cloud-run': cloudRunFrom,
  kubernetes: kubernetesFrom,
  vercel: vercelFrom,
  'eas-update': easUpdateFrom,
  local: (s) => localProvider(s['local-router-url']),
  command: commandFrom,
};

export function providerFor(settings: Settings): TrafficProvider {
  const build = PROVIDERS[settings.provider];
  // Settings validation admits only these providers; reaching here is a bug.
  if (!build) throw new Error(`provider ${settings.provider} has no adapter`);
  return build(settings);
}
