/**
 * The inputs that choose and reach a traffic router, shared by deploy-canary,
 * shift-traffic and rollback.
 */
import { urlSecrets } from '../url.js';
import { z } from 'zod';

export const PROVIDERS = ['haproxy', 'cloud-run', 'kubernetes', 'command', 'local'] as const;

export const providerInputs = {
  /** Which router carries the traffic. */
  provider: z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      if (!(PROVIDERS as readonly string[]).includes(value))
        ctx.addIssue({ code: 'custom', message: `must be one of ${PROVIDERS.join(', ')}` });
    }),
  /** HAProxy: path of the admin stats socket. */
  'haproxy-socket': z.string().trim(),
  /** HAProxy: the backend whose servers are the revisions. */
  'haproxy-backend': z.string().trim(),
  /** Cloud Run: the service name. */
  'cloud-run-service': z.string().trim(),
  /** Cloud Run: the region, e.g. us-central1. */
  'cloud-run-region': z.string().trim(),
  /** Cloud Run: the project; empty for gcloud's configured one. */
  'cloud-run-project': z.string().trim(),
  /** kubernetes: the Gateway API HTTPRoute whose backendRefs weights are the split. */
  'kubernetes-route': z.string().trim(),
  /** kubernetes: empty for the kubeconfig context's namespace. */
  'kubernetes-namespace': z.string().trim(),
  /** kubernetes: empty for the kubeconfig's current context. */
  'kubernetes-context': z.string().trim(),
  /** kubernetes deploy: the canary's Deployment; empty for the canary revision's name. */
  'kubernetes-deployment': z.string().trim(),
  /** kubernetes deploy: the container to set the image of; empty for the first. */
  'kubernetes-container': z.string().trim(),
  /** local: the admin URL of the embedded rehearsal router. */
  'local-router-url': z.string().trim(),
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

export interface ProviderSettings {
  provider: string;
  'haproxy-socket': string;
  'haproxy-backend': string;
  'cloud-run-service': string;
  'cloud-run-region': string;
  'cloud-run-project': string;
  'kubernetes-route': string;
  'kubernetes-namespace': string;
  'kubernetes-context': string;
  'kubernetes-deployment': string;
  'kubernetes-container': string;
  'local-router-url': string;
  'command-get-split': string;
  'command-set-split': string;
  'command-list-revisions': string;
  'command-deploy': string;
  'command-metrics': string;
}

/** Cross-field rules: each provider's own inputs must be there. Adds issues to ctx. */
export function checkProviderInputs(s: ProviderSettings, ctx: z.RefinementCtx): void {
  if (s.provider === 'haproxy') {
    if (!s['haproxy-socket'])
      ctx.addIssue({
        code: 'custom',
        path: ['haproxy-socket'],
        message: 'is required with provider: haproxy',
      });
    else if (!s['haproxy-socket'].startsWith('/') || /\p{Cc}/u.test(s['haproxy-socket']))
      ctx.addIssue({
        code: 'custom',
        path: ['haproxy-socket'],
        message: 'must be an absolute path to a unix socket, without control characters',
      });
    if (!s['haproxy-backend'])
      ctx.addIssue({
        code: 'custom',
        path: ['haproxy-backend'],
        message: 'is required with provider: haproxy',
      });
    // HAProxy's own rule for proxy names (configuration manual, "names"); it also keeps
    // ';' and line breaks, which separate runtime API commands, off the admin socket.
    else if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(s['haproxy-backend']))
      ctx.addIssue({
        code: 'custom',
        path: ['haproxy-backend'],
        message: "must be an HAProxy backend name: letters, digits, '-', '_', '.' and ':'",
      });
  }
  if (s.provider === 'cloud-run') {
    if (!s['cloud-run-service'])
      ctx.addIssue({
        code: 'custom',
        path: ['cloud-run-service'],
        message: 'is required with provider: cloud-run',
      });
    else if (!/^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$/.test(s['cloud-run-service'])) {
      ctx.addIssue({
        code: 'custom',
        path: ['cloud-run-service'],
        message: 'must be a Cloud Run service name: lower-case letters, digits and hyphens, up to 49',
      });
    }
    if (!s['cloud-run-region'])
      ctx.addIssue({
        code: 'custom',
        path: ['cloud-run-region'],
        message: 'is required with provider: cloud-run',
      });
    else if (!/^[a-z]+-[a-z]+\d+$/.test(s['cloud-run-region'])) {
      ctx.addIssue({
        code: 'custom',
        path: ['cloud-run-region'],
        message: 'must be a region such as us-central1',
      });
    }
    if (s['cloud-run-project'] && !/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(s['cloud-run-project'])) {
      ctx.addIssue({
        code: 'custom',
        path: ['cloud-run-project'],
        message: 'must be a project ID such as my-project-123',
      });
    }
  }
  if (s.provider === 'kubernetes') {
    const dnsName = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
    if (!s['kubernetes-route'])
      ctx.addIssue({
        code: 'custom',
        path: ['kubernetes-route'],
        message: 'is required with provider: kubernetes (the HTTPRoute that splits the traffic)',
      });
    for (const input of ['kubernetes-route', 'kubernetes-namespace', 'kubernetes-deployment'] as const) {
      if (s[input] && !dnsName.test(s[input]))
        ctx.addIssue({
          code: 'custom',
          path: [input],
          message: 'must be a Kubernetes object name: lower-case letters, digits, - and .',
        });
    }
    if (s['kubernetes-container'] && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(s['kubernetes-container']))
      ctx.addIssue({
        code: 'custom',
        path: ['kubernetes-container'],
        message: 'must be a container name: lower-case letters, digits and -',
      });
    // Context names are free-form in a kubeconfig (arn:aws:eks:…/name, gke_p_z_c), but
    // one that starts with '-' would be read by kubectl as a flag.
    if (s['kubernetes-context'] && /\s|\p{Cc}|^-/u.test(s['kubernetes-context']))
      ctx.addIssue({
        code: 'custom',
        path: ['kubernetes-context'],
        message: "must be a context name without spaces or control characters, not starting with '-'",
      });
  }
  if (s.provider === 'local' && !/^https?:\/\/[^/\s]+\/?$/.test(s['local-router-url'])) {
    ctx.addIssue({
      code: 'custom',
      path: ['local-router-url'],
      message: "must be the router's address, such as http://127.0.0.1:8080",
    });
  }
  if (s.provider === 'command') {
    for (const input of ['command-get-split', 'command-set-split'] as const) {
      if (!s[input].trim())
        ctx.addIssue({ code: 'custom', path: [input], message: 'is required with provider: command' });
    }
  }
}

export const revisionName = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(63, 'must be at most 63 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a revision name: letters, digits, dot, dash, underscore');

/** Provider inputs that can carry credentials (a router URL with user-info), for masking. */
export function providerSecrets(s: Pick<ProviderSettings, 'local-router-url'>): string[] {
  return s['local-router-url'] ? urlSecrets(s['local-router-url']) : [];
}
