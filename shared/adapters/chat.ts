/**
 * Posts a ChatMessage to the Slack and Teams webhooks a step was given. A chat that
 * does not take the message is a warning, never a failed step: the incident issue
 * and the traffic are what must not fail. The webhook URL is a secret and is never
 * printed; a refusal is quoted only as one short, flattened line.
 */
import type { ChatMessage } from '../core/notify/chat-message.js';
import { slackPayload } from '../core/notify/slack.js';
import { teamsPayload } from '../core/notify/teams.js';
import type { HttpClient } from './http.js';

export interface ChatWebhooks {
  slack?: string | undefined;
  teams?: string | undefined;
}

/** The webhooks a step's settings name (slack-webhook-url, teams-webhook-url). */
export interface ChatWebhookSettings {
  'slack-webhook-url'?: string | undefined;
  'teams-webhook-url'?: string | undefined;
}

export function chatWebhooksOf(settings: ChatWebhookSettings): ChatWebhooks {
  return { slack: settings['slack-webhook-url'], teams: settings['teams-webhook-url'] };
}

interface ChatLog {
  info(message: string): void;
  warning(message: string): void;
}

const CHATS = [
  { key: 'slack', name: 'Slack', payload: slackPayload },
  { key: 'teams', name: 'Microsoft Teams', payload: teamsPayload },
] as const;

export async function postToChats(
  http: HttpClient,
  webhooks: ChatWebhooks,
  message: ChatMessage,
  log: ChatLog,
): Promise<void> {
  await Promise.all(
    CHATS.map(async (chat) => {
      const url = webhooks[chat.key];
      if (!url) return;
      const outcome = await http.send({
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(chat.payload(message)),
        timeoutMs: 10_000,
        followRedirects: false,
      });
      if (outcome.kind === 'error') return log.warning(`${chat.name} was not told: ${outcome.error}.`);
      const { status, body } = outcome.response;
      if (status >= 200 && status < 300) return log.info(`Posted to ${chat.name}.`);
      const said = body
        .replace(/\s+/g, ' ')
        .replace(/[^\x20-\x7e]/g, '')
        .trim()
        .slice(0, 120);
      log.warning(`${chat.name} did not take the message: HTTP ${status}${said ? ` (${said})` : ''}.`);
    }),
  );
}
