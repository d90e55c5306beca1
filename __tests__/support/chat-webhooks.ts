/**
 * Local stand-ins for a Slack incoming webhook and a Microsoft Teams webhook that
 * refuse what the real services refuse.
 *
 * Slack (docs.slack.dev/messaging/sending-messages-using-incoming-webhooks and
 * /reference/block-kit/blocks): POST JSON to /services/T…/B…/<key>; 200 "ok"; an
 * unknown key 404 "no_service"; an archived channel 410 "channel_is_archived"; a
 * payload without text or blocks 400 "no_text"; blocks outside Block Kit's limits
 * 400 "invalid_blocks" (50 blocks, header plain_text ≤ 150, section text ≤ 3000,
 * fields ≤ 10 of ≤ 2000, context elements ≤ 10).
 *
 * Teams (learn.microsoft.com, "Create an Incoming Webhook" and the Workflows
 * "When a Teams webhook request is received" trigger): POST a message whose one
 * attachment is application/vnd.microsoft.card.adaptive; 202 Accepted. The card is
 * parsed by Microsoft's own Adaptive Cards library (adaptivecards), and any element
 * or value it does not know, a version above 1.5 (what Teams renders), or a
 * payload over 28 KB is refused with 400.
 */
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface ChatWebhook {
  /** The webhook URL, secret part included, as a user would store it in a secret. */
  url: string;
  /** The part of the URL that is the credential. */
  key: string;
  received: Json[];
  /** Why the stand-in refused a payload the real service would refuse too. */
  refusals: string[];
  /** Make the channel refuse as Slack does for an archived channel (410) or a service down (503). */
  refuseWith(status: number, body: string): void;
  close(): Promise<void>;
}

async function serve(
  path: string,
  key: string,
  accept: (payload: Json) => { status: number; body: string },
): Promise<ChatWebhook> {
  const received: Json[] = [];
  const refusals: string[] = [];
  let forced: { status: number; body: string } | undefined;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const answer = (status: number, body: string) => {
        if (status >= 400) refusals.push(`${status} ${body}`);
        res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
      };
      if (req.method !== 'POST' || req.url !== path) return answer(404, 'no_service');
      if (forced) return answer(forced.status, forced.body);
      let payload: Json;
      try {
        payload = JSON.parse(raw);
      } catch {
        return answer(400, 'invalid_payload');
      }
      const verdict = accept(payload);
      if (verdict.status < 300) received.push(payload);
      answer(verdict.status, verdict.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}${path}`,
    key,
    received,
    refusals,
    refuseWith: (status, body) => (forced = { status, body }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const KEY = 'xoxWebhookKey0123456789AB';

export function startSlackWebhook(): Promise<ChatWebhook> {
  return serve(`/services/T0001/B0001/${KEY}`, KEY, (payload) => {
    const problem = slackProblem(payload);
    if (problem === 'no_text') return { status: 400, body: 'no_text' };
    if (problem) return { status: 400, body: `invalid_blocks: ${problem}` };
    return { status: 200, body: 'ok' };
  });
}

const textObject = (t: Json, max: number, where: string, plainOnly = false): string | undefined => {
  if (!t || typeof t.text !== 'string') return `${where}: no text object`;
  if (plainOnly ? t.type !== 'plain_text' : !['plain_text', 'mrkdwn'].includes(t.type))
    return `${where}: text type ${t.type}`;
  if (t.text.length === 0) return `${where}: empty text`;
  if (t.text.length > max) return `${where}: ${t.text.length} characters, over ${max}`;
  return undefined;
};

function slackProblem(p: Json): string | undefined {
  if (typeof p.text !== 'string' && !Array.isArray(p.blocks)) return 'no_text';
  if (!Array.isArray(p.blocks)) return undefined;
  if (p.blocks.length > 50) return `${p.blocks.length} blocks, over 50`;
  for (const [i, b] of p.blocks.entries()) {
    const where = `blocks[${i}]`;
    switch (b.type) {
      case 'header': {
        const bad = textObject(b.text, 150, where, true);
        if (bad) return bad;
        break;
      }
      case 'section': {
        if (!b.text && !b.fields) return `${where}: a section needs text or fields`;
        if (b.text) {
          const bad = textObject(b.text, 3000, where);
          if (bad) return bad;
        }
        if (b.fields) {
          if (b.fields.length > 10) return `${where}: ${b.fields.length} fields, over 10`;
          for (const [k, f] of b.fields.entries()) {
            const bad = textObject(f, 2000, `${where}.fields[${k}]`);
            if (bad) return bad;
          }
        }
        break;
      }
      case 'context': {
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10)
          return `${where}: context needs 1 to 10 elements`;
        for (const [k, e] of b.elements.entries()) {
          const bad = textObject(e, 3000, `${where}.elements[${k}]`);
          if (bad) return bad;
        }
        break;
      }
      case 'divider':
        break;
      default:
        return `${where}: block type ${b.type}`;
    }
  }
  return undefined;
}

// The browser bundle: the package's ESM build imports extensionless paths Node cannot resolve.
const AdaptiveCards = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as Json;

export function startTeamsWebhook(): Promise<ChatWebhook> {
  const path = `/webhookb2/0f3c1a2e-9d7b-4c5e-8a61-2b9d4e7f1c30@tenant/IncomingWebhook/${KEY}/owner`;
  return serve(path, KEY, (payload) => {
    const problem = teamsProblem(payload);
    return problem
      ? { status: 400, body: `Bad payload received by generic incoming webhook: ${problem}` }
      : { status: 202, body: '' };
  });
}

function teamsProblem(p: Json): string | undefined {
  if (JSON.stringify(p).length > 28 * 1024) return 'over 28 KB';
  if (p.type !== 'message' || !Array.isArray(p.attachments) || p.attachments.length !== 1)
    return 'a message with one attachment is expected';
  const [a] = p.attachments;
  if (a.contentType !== 'application/vnd.microsoft.card.adaptive') return `contentType ${a.contentType}`;
  const card = a.content;
  if (card?.type !== 'AdaptiveCard') return 'content is not an AdaptiveCard';
  if (!/^1\.[0-5]$/.test(String(card.version)))
    return `card version ${card.version}; Teams renders up to 1.5`;
  const context = new AdaptiveCards.SerializationContext();
  new AdaptiveCards.AdaptiveCard().parse(card, context);
  const events = Array.from(
    { length: context.eventCount },
    (_, i) => context.getEventAt(i).message as string,
  );
  return events.length ? events.join('; ') : undefined;
}

/** A Slack message as a person reads it in the channel: header, fields, links. */
export function slackAsText(payload: Json): string {
  const unescape = (t: string) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const links = (t: string) => t.replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)');
  return (payload.blocks as Json[])
    .map((b) => {
      if (b.type === 'header') return b.text.text;
      if (b.type === 'section')
        return (b.fields ?? [b.text])
          .map((f: Json) => unescape(f.text.replace(/^\*(.+?)\*\n/, '$1: ')))
          .join('\n');
      if (b.type === 'context') return b.elements.map((e: Json) => unescape(links(e.text))).join(' ');
      return '';
    })
    .join('\n');
}
