import fc from 'fast-check';
import { incidentBody } from '../../../shared/core/incident/incident.js';
import {
  lastOwnActivityOf,
  lastResolvedOf,
  openIncidentsOf,
  writtenBy,
  type IncidentIssue,
} from '../../../shared/core/incident/issues.js';

const facts = {
  fingerprint: 'api/production/healthcheck',
  service: 'api',
  environment: 'production',
  kind: 'healthcheck',
  severity: 'P1' as const,
  runUrl: 'https://github.com/acme/shop/actions/runs/7',
  at: new Date('2026-11-30T10:00:00Z'),
};
const body = incidentBody(facts);
const issue = (over: Partial<IncidentIssue>): IncidentIssue => ({
  number: 1,
  body,
  createdAt: '2026-11-30T10:00:00Z',
  updatedAt: '2026-11-30T10:05:00Z',
  ours: true,
  ...over,
});

describe('writtenBy', () => {
  it.each([
    ['a known login, the same author', 'octocat', { login: 'octocat', type: 'User' }, true],
    ['a known login, another author', 'octocat', { login: 'mallory', type: 'User' }, false],
    ['an app, its own bot', 'acme-release[bot]', { login: 'acme-release[bot]', type: 'Bot' }, true],
    ['an app, another bot', 'acme-release[bot]', { login: 'renovate[bot]', type: 'Bot' }, false],
    [
      'unknown identity: GITHUB_TOKEN assumed',
      undefined,
      { login: 'github-actions[bot]', type: 'Bot' },
      true,
    ],
    ['unknown identity, another bot', undefined, { login: 'renovate[bot]', type: 'Bot' }, false],
    ['unknown identity, a person', undefined, { login: 'mallory', type: 'User' }, false],
    ['no author', 'octocat', null, false],
  ])('%s', (_, me, author, ours) => {
    expect(writtenBy(me, author)).toBe(ours);
  });

  it('is ours exactly when the login is the identity: the kind of author never counts', () => {
    const login = fc.oneof(
      fc.constantFrom('github-actions[bot]', 'renovate[bot]', 'acme-release[bot]', 'octocat'),
      fc.string({ minLength: 1, maxLength: 12 }),
    );
    fc.assert(
      fc.property(
        fc.option(login, { nil: undefined }),
        login,
        fc.constantFrom('Bot', 'User', 'Organization', undefined),
        (me, author, type) => {
          const ours = writtenBy(me, { login: author, type });
          expect(ours).toBe(author === (me ?? 'github-actions[bot]'));
        },
      ),
    );
  });
});

describe('openIncidentsOf', () => {
  it('keeps ours with a fingerprint, with the run that opened it', () => {
    expect(openIncidentsOf([issue({})])).toEqual([
      {
        number: 1,
        fingerprint: 'api/production/healthcheck',
        detectedBy: 'https://github.com/acme/shop/actions/runs/7',
        createdAt: new Date('2026-11-30T10:00:00Z'),
        updatedAt: new Date('2026-11-30T10:05:00Z'),
      },
    ]);
  });
  it.each([
    ['someone else opened it with our marker copied', issue({ ours: false })],
    ['no marker', issue({ body: 'the site is down' })],
    ['no body', issue({ body: null })],
  ])('leaves out an issue when %s', (_, i) => {
    expect(openIncidentsOf([i])).toEqual([]);
  });
});

describe('lastResolvedOf', () => {
  const closed = (number: number, closedAt: string, over: Partial<IncidentIssue> = {}) =>
    issue({ number, closedAt, stateReason: 'completed', ...over });
  it('the most recently closed of ours, completed, with this fingerprint', () => {
    const issues = [
      closed(3, '2026-11-20T00:00:00Z'),
      closed(5, '2026-11-25T00:00:00Z'),
      closed(6, '2026-11-28T00:00:00Z', { stateReason: 'not_planned' }),
      closed(7, '2026-11-29T00:00:00Z', { ours: false }),
      closed(8, '2026-11-29T12:00:00Z', { body: 'other' }),
    ];
    expect(lastResolvedOf(issues, facts.fingerprint)).toEqual({
      number: 5,
      resolvedAt: new Date('2026-11-25T00:00:00Z'),
    });
  });
  it('none when nothing matches', () => {
    expect(lastResolvedOf([], facts.fingerprint)).toBeUndefined();
  });
});

it('lastOwnActivityOf: our newest comment, else the opening', () => {
  const opened = new Date('2026-11-30T10:00:00Z');
  expect(lastOwnActivityOf([], opened)).toEqual(opened);
  expect(
    lastOwnActivityOf(
      [
        { createdAt: '2026-11-30T10:30:00Z', ours: true },
        { createdAt: '2026-11-30T11:00:00Z', ours: false },
      ],
      opened,
    ),
  ).toEqual(new Date('2026-11-30T10:30:00Z'));
});
