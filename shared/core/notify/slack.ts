/**
 * A ChatMessage as a Slack incoming-webhook payload (Block Kit), inside Slack's
 * documented limits (docs.slack.dev/reference/block-kit/blocks): 50 blocks a message,
 * a header's plain_text 150 characters, a section's text 3000, its fields 10 of 2000
 * each, a context's elements 10. Text we did not write is escaped (& < >), so a probe
 * reason cannot write <!channel> or a disguised <url|link>.
 */
import { chatText, type ChatMessage } from './chat-message.js';

export const SLACK_LIMITS = { blocks: 50, header: 150, section: 3000, fields: 10, field: 2000, context: 10 };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const link = (url: string, label: string) => `<${escape(url).replace(/\|/g, '%7C')}|${escape(label)}>`;

const EMOJI = {
  opened: ':rotating_light:',
  updated: ':hourglass:',
  resolved: ':white_check_mark:',
  'rolled-back': ':leftwards_arrow_with_hook:',
};

export function slackPayload(message: ChatMessage): Record<string, unknown> {
  const emoji = EMOJI[message.event];
  // Slack counts the emoji's :name: in the header's 150 characters.
  const headline = chatText(message.headline, SLACK_LIMITS.header - emoji.length - 1);
  const fields = message.facts.slice(0, SLACK_LIMITS.fields).map(([label, value]) => ({
    type: 'mrkdwn',
    text: `*${label}*\n${escape(chatText(value, SLACK_LIMITS.field - label.length - 40))}`,
  }));
  const links = message.links.map((l) => link(l.url, l.label)).join('  ·  ');
  return {
    // The notification and the fallback where blocks cannot show.
    text: escape(headline),
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: `${emoji} ${headline}`, emoji: true },
      },
      { type: 'section', fields },
      ...(links
        ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: links.slice(0, SLACK_LIMITS.section) }] }]
        : []),
    ],
  };
}
