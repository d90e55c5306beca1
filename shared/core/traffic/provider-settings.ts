import { refuse } from '../schema-kit.js';
/**
 * The inputs that choose and reach a traffic router, shared by deploy-canary,
 * shift-traffic and rollback.
 */
import { urlSecrets } from '../url.js';
import * as z from 'zod/mini';

export const PROVIDERS = ['haproxy', 'cloud-run', 'kubernetes', 'command', 'local'] as const;

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

/** Cross-field rules: each provider's own inputs must be there and well formed. */
export function checkProviderInputs(s: ProviderSettings, ctx: z.core.$RefinementCtx): void {
  for (const rule of PROVIDER_RULES[s.provider] ?? []) {
    const value = s[rule.input];
    if (!value.trim()) {
      if (rule.required) refuse(ctx, rule.input, rule.required);
    } else if (rule.valid && !rule.valid(value)) {
      refuse(ctx, rule.input, rule.message as string);
    }
  }
}

export const revisionName = z
  .string()
  .check(z.trim())
  .check(z.minLength(1, 'is required'))
  .check(z.maxLength(63, 'must be at most 63 characters'))
  .check(
    z.regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      'must be a revision name: letters, digits, dot, dash, underscore',
    ),
  );

/** Provider inputs that can carry credentials (a router URL with user-info), for masking. */
export function providerSecrets(s: Pick<ProviderSettings, 'local-router-url'>): string[] {
  return s['local-router-url'] ? urlSecrets(s['local-router-url']) : [];
}
