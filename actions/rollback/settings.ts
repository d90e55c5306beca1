import { refuse } from '../../shared/core/schema-kit.js';
import { chatExamples, chatInputs } from '../../shared/core/notify/webhook-input.js';
import * as z from 'zod/mini';
import { probeList } from '../../shared/core/probe-spec.js';
import { booleanInput, wholeNumber } from '../../shared/core/schema-kit.js';
import { deploymentExamples, deploymentInputs } from '../../shared/core/traffic/deployment-settings.js';
import {
  checkProviderInputs,
  providerExamples,
  providerInputs,
  revisionName,
} from '../../shared/core/traffic/provider-settings.js';
import { optionalInput, yamlText, type InputExamples } from '../../shared/core/schema-kit.js';

export const rollbackInputs = z
  .object({
    ...providerInputs,
    /** The last good revision, which gets the traffic back. */
    'to-revision': optionalInput(revisionName),
    /** 100 returns all traffic; less is a partial rollback (e.g. 90 leaves 10 % where it is). */
    percent: wholeNumber(1, 100),
    /** Why; shown in the summary and outputs. */
    reason: z.string().check(z.trim()).check(z.maxLength(500, 'must be at most 500 characters')),
    /** Read the platform, check everything, print what would move; change nothing. */
    'dry-run': booleanInput,
    /** Probes that must pass after the rollback; ${TARGET_URL} is the revision's own address. */
    probes: optionalInput(yamlText(probeList)),
    ...deploymentInputs,
    ...chatInputs,
  })
  .check(
    z.superRefine((s, ctx) => {
      checkProviderInputs(s, ctx);
      if (!s['to-revision'] && !['cloud-run', 'kubernetes', 'eas-update', 'local'].includes(s.provider)) {
        refuse(
          ctx,
          'to-revision',
          `is required with provider ${s.provider}, which keeps no revision history`,
        );
      }
    }),
  );

export type RollbackSettings = z.output<typeof rollbackInputs>;

export const rollbackExamples: InputExamples<typeof rollbackInputs> = {
  ...providerExamples,
  'to-revision': 'to-revision: blue',
  percent: 'percent: 100',
  reason: 'reason: error rate over 5% after 1.4.0',
  'dry-run': 'dry-run: true',
  probes: 'probes: [{name: health, url: "${TARGET_URL}/health"}]',
  ...deploymentExamples,
  ...chatExamples,
};
