import { refuse } from '../schema-kit.js';
/**
 * The inputs that choose and reach a traffic router, shared by deploy-canary,
 * shift-traffic and rollback.
 */
import { urlSecrets } from '../url.js';
import { UPDATE_GROUP } from './eas-rollout.js';
import * as z from 'zod/mini';

export const PROVIDERS = [
  'haproxy',
  'cloud-run',
  'kubernetes',
  'vercel',
  'eas-update',
  'command',
  'local',
] as const;

export const providerInputs = {
  /** Which router carries the traffic. */
  provider: z
    .string()
    .check(z.trim())
    .check(
      z.superRefine((value, ctx) => {
        if (!(PROVIDERS as readonly string[]).includes(value))
          refuse(ctx, [], `must be one of ${PROVIDERS.join(', ')}`);
      }),
    ),
  /** HAProxy: path of the admin stats socket. */
  'haproxy-socket': z.string().check(z.trim()),
  /** HAProxy: the backend whose servers are the revisions. */
  'haproxy-backend': z.string().check(z.trim()),
  /** Cloud Run: the service name. */
  'cloud-run-service': z.string().check(z.trim()),
  /** Cloud Run: the region, e.g. us-central1. */
  'cloud-run-region': z.string().check(z.trim()),
  /** Cloud Run: the project; empty for gcloud's configured one. */
  'cloud-run-project': z.string().check(z.trim()),
  /** kubernetes: the Gateway API HTTPRoute whose backendRefs weights are the split. */
  'kubernetes-route': z.string().check(z.trim()),
  /** kubernetes: empty for the kubeconfig context's namespace. */
  'kubernetes-namespace': z.string().check(z.trim()),
  /** kubernetes: empty for the kubeconfig's current context. */
  'kubernetes-context': z.string().check(z.trim()),
  /** kubernetes deploy: the canary's Deployment; empty for the canary revision's name. */
  'kubernetes-deployment': z.string().check(z.trim()),
  /** kubernetes deploy: the container to set the image of; empty for the first. */
  'kubernetes-container': z.string().check(z.trim()),
  /** vercel: the project (name or prj_ id) whose rolling releases carry the traffic. */
  'vercel-project': z.string().check(z.trim()),
  /** vercel: the production domain, read to learn which deployment serves it. */
  'vercel-domain': z.string().check(z.trim()),
  /** vercel: the team slug; empty for the token's own scope. */
  'vercel-scope': z.string().check(z.trim()),
  /** vercel: an access token; empty to use VERCEL_TOKEN from the step's env. */
  'vercel-token': z.string().check(z.trim()),
  /** vercel: Deployment Protection's automation bypass, sent to the deployments' own addresses. */
  'vercel-protection-bypass': z.string().check(z.trim()),
  /** eas-update: the branch whose update groups the app's channel serves. */
  'eas-branch': z.string().check(z.trim()),
  /** eas-update: the Expo project's directory (app.json with its EAS project id); empty for the workspace. */
  'eas-project-dir': z.string().check(z.trim()),
  /** eas-update: an Expo access token; empty to use EXPO_TOKEN from the step's env. */
  'expo-token': z.string().check(z.trim()),
  /** local: the admin URL of the embedded rehearsal router. */
  'local-router-url': z.string().check(z.trim()),
  /** command: prints the split as JSON, e.g. {"blue": 90, "green": 10}. */
  'command-get-split': z.string(),
  /** command: applies the split given in SPLIT_JSON and SPLIT_<REVISION>. */
  'command-set-split': z.string(),
  /** command: prints the revisions as JSON, [{"name": …, "url": …}]. */
  'command-list-revisions': z.string(),
  /** command: deploys REVISION (ADDRESS when given) with no traffic; may print {"url": …}. */
  'command-deploy': z.string(),
  /** command: prints cumulative counters, {"rev": {"requests": n, "errors5xx": n}}. */
  'command-metrics': z.string(),
};

/**
 * A revision as each platform names it, for the examples in errors: an HAProxy server,
 * a Cloud Run revision, a Service, a Vercel deployment, an EAS update group.
 */
const REVISIONS: Record<string, readonly [stable: string, canary: string]> = {
  haproxy: ['blue', 'green'],
  'cloud-run': ['api-00041-abc', 'api-00042-xyz'],
  kubernetes: ['shop-v1', 'shop-v2'],
  vercel: ['dpl_5WJWYSyB7BpgTj3EuwF37WMRBXBk', 'dpl_8xq3HyXiQzK7u9BCdeFgHiJkLmNo'],
  'eas-update': ['0b0b0b0b-1c2d-4e5f-8a9b-0c1d2e3f4a5b', '1c1c1c1c-2d3e-4f50-9b0c-1d2e3f4a5b6c'],
};

/**
 * A traffic action's examples with its revision inputs as the step's provider names them
 * (v1, v2 for command and local): a Vercel user is shown dpl_…, never HAProxy's green.
 */
export function withRevisionExamples<E extends object>(examples: E, provider: string): E {
  const [stable, canary] = REVISIONS[provider.trim()] ?? ['v1', 'v2'];
  const named: Record<string, string> = {
    'stable-revision': `stable-revision: ${stable}`,
    'canary-revision': `canary-revision: ${canary}`,
    'to-revision': `to-revision: ${stable}`,
  };
  return Object.fromEntries(
    Object.entries(examples).map(([input, example]) => [input, named[input] ?? example]),
  ) as E;
}

export const providerExamples = {
  provider: 'provider: haproxy',
  'haproxy-socket': 'haproxy-socket: /run/haproxy/admin.sock',
  'haproxy-backend': 'haproxy-backend: app',
  'cloud-run-service': 'cloud-run-service: api',
  'cloud-run-region': 'cloud-run-region: us-central1',
  'cloud-run-project': 'cloud-run-project: my-project',
  'kubernetes-route': 'kubernetes-route: shop',
  'kubernetes-namespace': 'kubernetes-namespace: shop',
  'kubernetes-context': 'kubernetes-context: prod-eu',
  'kubernetes-deployment': 'kubernetes-deployment: shop-canary',
  'kubernetes-container': 'kubernetes-container: app',
  'vercel-project': 'vercel-project: shop',
  'vercel-domain': 'vercel-domain: shop.example.com',
  'vercel-scope': 'vercel-scope: acme',
  'vercel-token': 'vercel-token: ${{ secrets.VERCEL_TOKEN }}',
  'vercel-protection-bypass': 'vercel-protection-bypass: ${{ secrets.VERCEL_AUTOMATION_BYPASS_SECRET }}',
  'eas-branch': 'eas-branch: production',
  'eas-project-dir': 'eas-project-dir: apps/mobile',
  'expo-token': 'expo-token: ${{ secrets.EXPO_TOKEN }}',
  'local-router-url': 'local-router-url: http://127.0.0.1:8080',
  'command-get-split': 'command-get-split: ./scripts/traffic.sh get',
  'command-set-split': 'command-set-split: ./scripts/traffic.sh set "$SPLIT_JSON"',
  'command-list-revisions': 'command-list-revisions: ./scripts/traffic.sh revisions',
  'command-deploy': 'command-deploy: ./scripts/deploy.sh "$REVISION"',
  'command-metrics': 'command-metrics: ./scripts/traffic.sh metrics',
};

export type ProviderSettings = z.output<z.ZodMiniObject<typeof providerInputs>>;
type ProviderInput = keyof ProviderSettings;

/** One input's rule under a provider: required (with this sentence), and when given, valid. */
interface InputRule {
  input: ProviderInput;
  required?: string;
  valid?: (value: string) => boolean;
  message?: string;
}

const required = (provider: string, why = '') => `is required with provider: ${provider}${why}`;
const KUBERNETES_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const kubernetesName = (input: ProviderInput): InputRule => ({
  input,
  valid: (v) => KUBERNETES_NAME.test(v),
  message: 'must be a Kubernetes object name: lower-case letters, digits, - and .',
});

const PROVIDER_RULES: Readonly<Record<string, readonly InputRule[]>> = {
  haproxy: [
    {
      input: 'haproxy-socket',
      required: required('haproxy'),
      valid: (v) => v.startsWith('/') && !/\p{Cc}/u.test(v),
      message: 'must be an absolute path to a unix socket, without control characters',
    },
    // HAProxy's own rule for proxy names (configuration manual, "names"); it also keeps
    // ';' and line breaks, which separate runtime API commands, off the admin socket.
    {
      input: 'haproxy-backend',
      required: required('haproxy'),
      valid: (v) => /^[A-Za-z0-9_.:-]{1,64}$/.test(v),
      message: "must be an HAProxy backend name: letters, digits, '-', '_', '.' and ':'",
    },
  ],
  'cloud-run': [
    {
      input: 'cloud-run-service',
      required: required('cloud-run'),
      valid: (v) => /^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$/.test(v),
      message: 'must be a Cloud Run service name: lower-case letters, digits and hyphens, up to 49',
    },
    {
      input: 'cloud-run-region',
      required: required('cloud-run'),
      valid: (v) => /^[a-z]+-[a-z]+\d+$/.test(v),
      message: 'must be a region such as us-central1',
    },
    {
      input: 'cloud-run-project',
      valid: (v) => /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(v),
      message: 'must be a project ID such as my-project-123',
    },
  ],
  kubernetes: [
    {
      ...kubernetesName('kubernetes-route'),
      required: required('kubernetes', ' (the HTTPRoute that splits the traffic)'),
    },
    kubernetesName('kubernetes-namespace'),
    kubernetesName('kubernetes-deployment'),
    {
      input: 'kubernetes-container',
      valid: (v) => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v),
      message: 'must be a container name: lower-case letters, digits and -',
    },
    // Context names are free-form in a kubeconfig (arn:aws:eks:…/name, gke_p_z_c), but
    // one that starts with '-' would be read by kubectl as a flag.
    {
      input: 'kubernetes-context',
      valid: (v) => !/\s|\p{Cc}|^-/u.test(v),
      message: "must be a context name without spaces or control characters, not starting with '-'",
    },
  ],
  // Vercel's own rules (project and team slugs: lower-case letters, digits, '.', '_',
  // '-', up to 100); they also keep a value from being read by the CLI as a flag.
  vercel: [
    {
      input: 'vercel-project',
      required: required('vercel'),
      valid: (v) => /^[a-z0-9][a-z0-9._-]{0,99}$/i.test(v),
      message: "must be a Vercel project name or id: letters, digits, '.', '_' and '-', up to 100",
    },
    {
      input: 'vercel-domain',
      required: required('vercel', ' (the production domain, which tells who serves production)'),
      valid: (v) => /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(v),
      message: 'must be a domain name such as shop.example.com',
    },
    {
      input: 'vercel-scope',
      valid: (v) => /^[a-z0-9][a-z0-9._-]{0,99}$/i.test(v),
      message: "must be a Vercel team slug: letters, digits, '.', '_' and '-'",
    },
    {
      input: 'vercel-token',
      valid: (v) => /^[A-Za-z0-9_-]{8,200}$/.test(v),
      message: 'must be a Vercel access token (letters, digits, _ and -), passed from a secret',
    },
    // It goes into a request header: no spaces or line breaks can get through.
    {
      input: 'vercel-protection-bypass',
      valid: (v) => /^[A-Za-z0-9_-]{8,200}$/.test(v),
      message:
        "must be a Protection Bypass for Automation secret (letters, digits, _ and -), from the project's Deployment Protection settings, passed from a secret",
    },
  ],
  // EAS branch names are free text to Expo; these keep one from being read as a flag.
  'eas-update': [
    {
      input: 'eas-branch',
      required: required('eas-update', ' (the branch your production channel points at)'),
      valid: (v) => /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/.test(v),
      message: "must be an EAS branch name such as production: letters, digits, '.', '_', '/' and '-'",
    },
    {
      input: 'eas-project-dir',
      valid: (v) => !/\p{Cc}|^-/u.test(v),
      message: "must be a directory path without control characters, not starting with '-'",
    },
    {
      input: 'expo-token',
      valid: (v) => /^[A-Za-z0-9_-]{8,200}$/.test(v),
      message: 'must be an Expo access token (letters, digits, _ and -), passed from a secret',
    },
  ],
  local: [
    {
      input: 'local-router-url',
      required: "must be the router's address, such as http://127.0.0.1:8080",
      valid: (v) => /^https?:\/\/[^/\s]+\/?$/.test(v),
      message: "must be the router's address, such as http://127.0.0.1:8080",
    },
  ],
  command: [
    { input: 'command-get-split', required: required('command') },
    { input: 'command-set-split', required: required('command') },
  ],
};

type RevisionInput = 'stable-revision' | 'canary-revision' | 'to-revision';

/**
 * Cross-field rules: each provider's own inputs must be there and well formed, and
 * the revisions the step names must be what its router calls a revision.
 */
export function checkProviderInputs(
  s: ProviderSettings & Partial<Record<RevisionInput, string | undefined>>,
  ctx: z.core.$RefinementCtx,
): void {
  for (const rule of PROVIDER_RULES[s.provider] ?? []) {
    const value = s[rule.input];
    if (!value.trim()) {
      if (rule.required) refuse(ctx, rule.input, rule.required);
    } else if (rule.valid && !rule.valid(value)) {
      refuse(ctx, rule.input, rule.message as string);
    }
  }
  // EAS Update's revisions are update groups: anything else is refused before eas runs.
  if (s.provider !== 'eas-update') return;
  for (const input of ['stable-revision', 'canary-revision', 'to-revision'] as const) {
    const value = s[input];
    if (value && !UPDATE_GROUP.test(value))
      refuse(
        ctx,
        input,
        'must be an EAS update group ID (a UUID, as eas update:list prints it) with provider eas-update',
      );
  }
}

export const revisionName = z
  .string()
  .check(z.trim())
  .check(z.minLength(1, 'is required'))
  // What `vercel deploy` prints is a URL; the deployment is named by its id or its host.
  .check(
    z.refine(
      (v: string) => !v.includes('://'),
      'must be a revision name, not a URL: a Vercel deployment is its dpl_ id, or its host without https://',
    ),
  )
  .check(z.maxLength(63, 'must be at most 63 characters'))
  .check(
    z.regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      'must be a revision name: letters, digits, dot, dash, underscore',
    ),
  );

/** Provider inputs that are or carry credentials (a token, a router URL with user-info), for masking. */
export function providerSecrets(
  s: Pick<ProviderSettings, 'local-router-url' | 'vercel-token' | 'vercel-protection-bypass' | 'expo-token'>,
): string[] {
  return [
    ...(s['local-router-url'] ? urlSecrets(s['local-router-url']) : []),
    ...(s['vercel-token'] ? [s['vercel-token']] : []),
    ...(s['vercel-protection-bypass'] ? [s['vercel-protection-bypass']] : []),
    ...(s['expo-token'] ? [s['expo-token']] : []),
  ];
}
