import {
  incidentChatMessage,
  rollbackChatMessage,
  type ChatMessage,
} from '../../shared/core/notify/chat-message.js';
import { SLACK_LIMITS, slackPayload } from '../../shared/core/notify/slack.js';
import { teamsPayload } from '../../shared/core/notify/teams.js';
import { webhookSecrets } from '../../shared/core/notify/webhook-input.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const facts = {
  fingerprint: 'api/production/healthcheck',
  service: 'api',
  environment: 'production',
  kind: 'healthcheck',
  severity: 'P0' as const,
  runUrl: 'https://github.com/acme/shop/actions/runs/7',
  at: new Date('2026-11-30T10:30:00Z'),
};

describe('chat messages', () => {
  it('an incident opened without an assessment says so, and links the issue and run', () => {
    const m = incidentChatMessage(facts, 'created', { issueUrl: 'https://github.com/acme/shop/issues/3' });
    expect(m.headline).toBe('P0 incident opened: api (production): healthcheck failing');
    expect(m.facts).toEqual([
      ['Severity', 'P0 (Critical)'],
      ['Service', 'api in production'],
      ['Impact', 'not assessed yet'],
      ['Rollback', 'none recorded'],
    ]);
    expect(m.links.map((l) => l.label)).toEqual(['Incident issue', 'Run']);
  });

  it('a resolution says how long it lasted', () => {
    const m = incidentChatMessage(facts, 'resolved', {
      issueUrl: '',
      openedAt: new Date('2026-11-30T10:00:00Z'),
    });
    expect(m.facts).toContainEqual(['Duration', '30m']);
    expect(m.links).toEqual([{ label: 'Run that saw it recover', url: facts.runUrl }]);
  });

  it('a rollback reads as one line per fact', () => {
    const m = rollbackChatMessage({
      action: 'rollback',
      from: 'v2 100%',
      to: 'v1 100%',
      reason: 'r',
      runUrl: '',
    });
    expect(m).toEqual({
      event: 'rolled-back',
      headline: 'Rolled back: v1 100%',
      facts: [
        ['Before', 'v2 100%'],
        ['Now', 'v1 100%'],
        ['Why', 'r'],
        ['By', 'rollback'],
      ],
      links: [],
    });
  });
});

describe('payloads stay inside the services limits', () => {
  const huge: ChatMessage = {
    event: 'opened',
    headline: `H${'h'.repeat(500)}\u202e\n`,
    facts: Array.from({ length: 15 }, (_, i) => [`F${i}`, `<v> & ${'v'.repeat(5000)}`] as [string, string]),
    links: [{ label: 'a|b>', url: 'https://x.example/a|b>c' }],
  };

  it('Slack: header within 150, at most 10 fields of at most 2000, escaped', () => {
    const p: Json = slackPayload(huge);
    expect(p.blocks[0].text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
    expect(p.blocks[0].text.text).not.toMatch(/[\u202e\n]/);
    expect(p.blocks[1].fields).toHaveLength(10);
    for (const f of p.blocks[1].fields) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.field);
    expect(p.blocks[1].fields[0].text).toMatch(/^\*F0\*\n&lt;v&gt; &amp; v/);
    expect(p.blocks[2].elements[0].text).toBe('<https://x.example/a%7Cb&gt;c|a|b&gt;>');
  });

  it('Teams: escaped markdown, capped values, links as Action.OpenUrl', () => {
    const card: Json = (teamsPayload(huge) as Json).attachments[0].content;
    expect(card.version).toBe('1.4');
    expect(card.body[1].facts).toHaveLength(15);
    for (const f of card.body[1].facts) expect(f.value.length).toBeLessThanOrEqual(1100);
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'a|b>', url: 'https://x.example/a|b>c' }]);
  });
});

describe('webhookSecrets', () => {
  it('masks the whole URL and each long path segment (the key)', () => {
    expect(
      webhookSecrets(' https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/abcdefghijklmnopqrstuvwx '),
    ).toEqual([
      'https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/abcdefghijklmnopqrstuvwx',
      'abcdefghijklmnopqrstuvwx',
    ]);
    expect(webhookSecrets('not a url')).toEqual(['not a url']);
    expect(webhookSecrets('')).toEqual([]);
  });
});
