import { refuse } from '../../shared/core/schema-kit.js';
import type { DeployRequest } from '../../shared/adapters/providers/provider.js';
import { parseServerAddress } from '../../shared/core/traffic/haproxy-answers.js';
import * as z from 'zod/mini';
import { probeList } from '../../shared/core/probe-spec.js';
import { booleanInput, wholeNumber, timeLimit } from '../../shared/core/schema-kit.js';
import {
  checkProviderInputs,
  providerExamples,
  providerInputs,
  revisionName,
} from '../../shared/core/traffic/provider-settings.js';
import { optionalInput, yamlText, type InputExamples } from '../../shared/core/schema-kit.js';
import { envVarsOf, flagsOf, labelsOf, secretsOf } from '../../shared/core/traffic/cloud-run-deploy.js';

export const deployCanaryInputs = z
  .object({
    ...providerInputs,
    /** The new revision's name (HAProxy: the server that receives it); Cloud Run names its own. */
    'canary-revision': optionalInput(revisionName),
    /** Cloud Run: the container image to deploy. */
    // Passed to gcloud and kubectl as an argument: an option-like value (--help) is refused.
    image: z
      .string()
      .check(z.trim())
      .check(
        z.regex(
          /^(?:[^-\s]\S*)?$/,
          'must be an image reference such as registry/app:1.4.0 (no spaces, not starting with -)',
        ),
      ),
    /** Cloud Run: the tag that gives the canary its own URL. */
    'cloud-run-tag': z.string().check(z.trim()),
    /** Cloud Run: NAME=value lines, set on the new revision (--update-env-vars). */
    'cloud-run-env-vars': deployLines(envVarsOf),
    /** Cloud Run: NAME=SECRET:VERSION lines from Secret Manager (--update-secrets). */
    'cloud-run-secrets': deployLines(secretsOf),
    /** Cloud Run: key=value lines (--update-labels). */
    'cloud-run-labels': deployLines(labelsOf),
    /** Cloud Run: more gcloud run deploy flags, one a line (--cpu=2). */
    'cloud-run-flags': deployLines(flagsOf),
    /** HAProxy: host:port where the new version listens. */
    'canary-address': z.string().check(z.trim()),
    /** The revision that keeps the traffic; empty: the one with the most traffic now. */
    'stable-revision': optionalInput(revisionName),
    /** Share of traffic the canary gets once its probes pass (0: none until shift-traffic). */
    'initial-percent': wholeNumber(0, 50),
    /** Read the platform, check everything, print what would be deployed; change nothing. */
    'dry-run': booleanInput,
    /** kubernetes: how long the canary Deployment may take to roll out. */
    'rollout-timeout': timeLimit(),
    /** Probes against the canary's own address (${CANARY_URL}) before any user traffic reaches it. */
    probes: optionalInput(yamlText(probeList)),
  })
  .check(
    z.superRefine((s, ctx) => {
      checkProviderInputs(s, ctx);
      if (s.provider !== 'cloud-run' && !s['canary-revision']) {
        refuse(ctx, 'canary-revision', `is required with provider: ${s.provider}`);
      }
      for (const input of CLOUD_RUN_DEPLOY_INPUTS)
        if (s.provider !== 'cloud-run' && s[input].length > 0)
          refuse(ctx, input, `is only for provider cloud-run, not ${s.provider}`);
      if ((s.provider === 'cloud-run' || s.provider === 'kubernetes') && !s.image)
        refuse(ctx, 'image', `is required with provider: ${s.provider}`);
      if (s.provider === 'cloud-run' && !/^[a-z]([-a-z0-9]{0,45}[a-z0-9])?$/.test(s['cloud-run-tag'])) {
        refuse(ctx, 'cloud-run-tag', 'must be lower-case letters, digits and hyphens');
      }
      // HAProxy's runtime API takes an IP, never a host name ("Invalid addr 'localhost'").
      if (s.provider === 'haproxy' && !parseServerAddress(s['canary-address'])) {
        refuse(
          ctx,
          'canary-address',
          'must be host:port with provider haproxy, the host an IP address (HAProxy takes no host names)',
        );
      }
      // A Vercel release's stages are fixed when it starts: shift-traffic starts it with its plan.
      if (s.provider === 'vercel' && s['initial-percent'] > 0)
        refuse(
          ctx,
          'initial-percent',
          "must be 0 with provider vercel: the rolling release starts at shift-traffic's first step, with its steps as the stages",
        );
      if (s['stable-revision'] && s['stable-revision'] === s['canary-revision']) {
        refuse(ctx, 'canary-revision', 'must differ from stable-revision');
      }
    }),
  );

export type DeployCanarySettings = z.output<typeof deployCanaryInputs>;

/** What the provider is asked to deploy; Cloud Run names its own revision. */
export function deployRequestOf(settings: DeployCanarySettings): DeployRequest {
  return {
    revision: settings['canary-revision'] ?? '',
    ...(settings['canary-address'] && { address: settings['canary-address'] }),
    ...(settings.image && { image: settings.image }),
    ...(settings.provider === 'cloud-run' && {
      cloudRun: {
        envVars: settings['cloud-run-env-vars'],
        secrets: settings['cloud-run-secrets'],
        labels: settings['cloud-run-labels'],
        flags: settings['cloud-run-flags'],
      },
    }),
  };
}

const CLOUD_RUN_DEPLOY_INPUTS = [
  'cloud-run-env-vars',
  'cloud-run-secrets',
  'cloud-run-labels',
  'cloud-run-flags',
] as const;

/** Lines read by one of cloud-run-deploy's readers; its problem is the input's one line. */
function deployLines<T>(read: (text: string) => T[] | string) {
  return z.pipe(
    z.string(),
    z.transform((text, ctx) => {
      const result = read(text);
      if (typeof result === 'string') {
        refuse(ctx, [], result);
        return z.NEVER;
      }
      return result;
    }),
  );
}

export const deployCanaryExamples: InputExamples<typeof deployCanaryInputs> = {
  ...providerExamples,
  'canary-revision': 'canary-revision: green',
  'canary-address': 'canary-address: 10.0.0.12:8080',
  image: 'image: us-docker.pkg.dev/my-project/app/api:1.4.0',
  'cloud-run-tag': 'cloud-run-tag: canary',
  'cloud-run-env-vars': 'cloud-run-env-vars: "API_BASE_URL=https://api.example.com"',
  'cloud-run-secrets': 'cloud-run-secrets: "DB_PASSWORD=db-password:latest"',
  'cloud-run-labels': 'cloud-run-labels: "team=checkout"',
  'cloud-run-flags': 'cloud-run-flags: "--cpu=2"',
  'stable-revision': 'stable-revision: blue',
  'initial-percent': 'initial-percent: 0',
  'dry-run': 'dry-run: true',
  'rollout-timeout': 'rollout-timeout: 10m',
  probes: 'probes: [{name: canary-health, url: "${CANARY_URL}/health"}]',
};
