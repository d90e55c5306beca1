/**
 * The chat webhook inputs (slack-webhook-url, teams-webhook-url). A webhook URL is a
 * credential: whoever has it can post to the channel. A refusal never quotes it, and
 * readSettings masks it (whole and by path segment) before it is checked.
 */
import * as z from 'zod/mini';
import { optionalInput, refuse } from '../schema-kit.js';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

export const webhookUrl = (secretName: string) =>
  optionalInput(
    z
      .string()
      .check(z.trim())
      .check(
        z.superRefine((text, ctx) => {
          let url: URL;
          try {
            url = new URL(text);
          } catch {
            return refuse(
              ctx,
              [],
              `is not a URL; pass the webhook URL from a secret, \${{ secrets.${secretName} }}`,
            );
          }
          if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname)))
            refuse(ctx, [], 'must be an https URL (http only to localhost, for a relay on the runner)');
        }),
      ),
  );

/** What to mask of a webhook URL: all of it, and each long path segment (Slack's key is one). */
export function webhookSecrets(text: string): string[] {
  const value = text.trim();
  if (!value) return [];
  let segments: string[] = [];
  try {
    segments = new URL(value).pathname.split('/').filter((s) => s.length >= 16);
  } catch {
    // Not a URL: the whole value is still masked.
  }
  return [value, ...segments];
}

export const chatInputs = {
  /** A Slack incoming webhook: tells the channel when the incident opens, is updated and resolves. */
  'slack-webhook-url': webhookUrl('SLACK_WEBHOOK_URL'),
  /** A Microsoft Teams incoming webhook (or Workflows webhook): the same as an Adaptive Card. */
  'teams-webhook-url': webhookUrl('TEAMS_WEBHOOK_URL'),
};

export const chatExamples = {
  'slack-webhook-url': 'slack-webhook-url: ${{ secrets.SLACK_WEBHOOK_URL }}',
  'teams-webhook-url': 'teams-webhook-url: ${{ secrets.TEAMS_WEBHOOK_URL }}',
};
