import fc from 'fast-check';
import {
  failuresInARow,
  workflowFileOf,
  decideOpen,
  duplicatesOf,
  fingerprintIn,
  fingerprintOf,
  freeName,
  markerFor,
  untrusted,
  type OpenIncident,
} from '../../../shared/core/incident/incident.js';

const at = (iso: string) => new Date(iso);
const incident = (
  number: number,
  fingerprint = 'api/production/healthcheck',
  updated = '2026-11-28T10:00:00Z',
): OpenIncident => ({
  number,
  fingerprint,
  createdAt: at('2026-11-28T09:00:00Z'),
  updatedAt: at(updated),
});

describe('fingerprints', () => {
  it('are readable and stable', () =>
    expect(fingerprintOf('Machinemate API', 'Production', 'healthcheck')).toBe(
      'machinemate-api/production/healthcheck',
    ));
  it('round-trip through the hidden marker on the first line, where we put it', () => {
    expect(fingerprintIn(`${markerFor('a/b/c')}\nmore`)).toBe('a/b/c');
    // Quoted anywhere else, it is someone's text, not our incident.
    expect(fingerprintIn(`text\n${markerFor('a/b/c')}\nmore`)).toBeUndefined();
  });
  it('are absent from bodies without a marker', () =>
    expect(fingerprintIn('an ordinary issue')).toBeUndefined());
});

describe('decideOpen', () => {
  const now = at('2026-11-28T10:20:00Z');
  const thirty = 30 * 60_000;
  it('creates when nothing is open', () =>
    expect(decideOpen([], 'api/production/healthcheck', now, thirty)).toEqual({ kind: 'create' }));
  it('ignores other incidents', () =>
    expect(
      decideOpen([incident(3, 'web/production/healthcheck')], 'api/production/healthcheck', now, thirty).kind,
    ).toBe('create'));
  it('stays quiet within the interval', () =>
    expect(decideOpen([incident(3)], 'api/production/healthcheck', now, thirty)).toEqual({
      kind: 'nothing',
      issue: 3,
      reason: '#3 was updated 20m ago; the next update is due after 30m',
    }));
  it('updates once the interval has passed', () =>
    expect(
      decideOpen([incident(3, undefined, '2026-11-28T09:40:00Z')], 'api/production/healthcheck', now, thirty),
    ).toEqual({ kind: 'update', issue: 3 }));
  it('uses the lowest-numbered duplicate', () =>
    expect(
      decideOpen(
        [incident(7, undefined, '2026-11-28T09:00:00Z'), incident(4)],
        'api/production/healthcheck',
        now,
        thirty,
      ),
    ).toMatchObject({ issue: 4 }));
});

describe('duplicatesOf', () => {
  it('keeps the lowest number', () =>
    expect(
      duplicatesOf(
        [incident(9), incident(4), incident(6), incident(5, 'x/y/z')],
        'api/production/healthcheck',
      ),
    ).toEqual([9, 6]));
});

describe('untrusted', () => {
  it('fences with a longer fence than the text holds; inside it GitHub neither pings nor links, so the text stays as written', () => {
    const out = untrusted('hi @team, see https://x.example ```code```');
    expect(out).toBe('````text\nhi @team, see https://x.example ```code```\n````');
    expect(out).not.toMatch(/\u200b/);
  });
  it('caps the length', () => expect(untrusted('x'.repeat(50), 10)).toContain('… (40 more characters)'));
});

describe('failures in a row', () => {
  it.each([
    [[], 1],
    [['success'], 1],
    [['failure'], 2],
    [['timed_out', 'failure', 'success', 'failure'], 3],
    [['cancelled', 'failure'], 1],
  ])('previous %j → this failure is number %i', (previous, n) => expect(failuresInARow(previous)).toBe(n));

  it('reads the workflow file from GITHUB_WORKFLOW_REF', () => {
    expect(workflowFileOf('acme/shop/.github/workflows/monitor.yml@refs/heads/main')).toBe('monitor.yml');
    expect(workflowFileOf(undefined)).toBeUndefined();
  });
});

describe('freeName', () => {
  it.each([
    ['a free name as it is', 'a.md', [], 'a.md'],
    ['the first variant no entry has', 'a.md', ['a.md', 'a-2.md'], 'a-3.md'],
    ['other names do not matter', 'a.md', ['b.md', 'a-2.md'], 'a.md'],
    ['a name without an extension', 'notes', ['notes'], 'notes-2'],
  ])('%s', (_, name, taken, free) => {
    expect(freeName(name, taken)).toBe(free);
  });

  it('is never a name already taken, and is the name itself when that is free', () => {
    const name = fc.constantFrom('2026-12-07-api.md', 'notes', 'a.b.md', '.hidden');
    fc.assert(
      fc.property(name, fc.array(fc.oneof(name, fc.string({ maxLength: 20 }))), (n, taken) => {
        const free = freeName(n, taken);
        expect(taken).not.toContain(free);
        if (!taken.includes(n)) expect(free).toBe(n);
      }),
    );
  });
});
