/**
 * A ChatMessage as a Microsoft Teams webhook payload: a message with one Adaptive Card
 * attachment, version 1.4 (Teams renders up to 1.5 from a webhook), TextBlock, FactSet
 * and Action.OpenUrl only. Teams renders markdown in both; text we did not write is
 * backslash-escaped so a probe reason cannot make a link or a heading.
 */
import { chatText, type ChatMessage } from './chat-message.js';

const escape = (text: string) => text.replace(/[\\`*_[\]()#>~|!-]/g, (c) => `\\${c}`);

const COLOR = {
  opened: 'Attention',
  updated: 'Warning',
  resolved: 'Good',
  'rolled-back': 'Warning',
} as const;

export function teamsPayload(message: ChatMessage): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            {
              type: 'TextBlock',
              text: escape(chatText(message.headline, 200)),
              weight: 'Bolder',
              size: 'Medium',
              color: COLOR[message.event],
              wrap: true,
            },
            {
              type: 'FactSet',
              facts: message.facts.map(([title, value]) => ({ title, value: escape(chatText(value, 1000)) })),
            },
          ],
          actions: message.links.map((l) => ({ type: 'Action.OpenUrl', title: l.label, url: l.url })),
        },
      },
    ],
  };
}
