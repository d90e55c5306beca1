import { afterCreate, resolvePlan, streakTooShort } from '../../../shared/core/incident/open-rules.js';

const incident = (number: number, fingerprint = 'api/production/healthcheck', detectedBy?: string) => ({
  number,
  fingerprint,
  createdAt: new Date('2026-11-30T10:00:00Z'),
  updatedAt: new Date('2026-11-30T10:00:00Z'),
  ...(detectedBy && { detectedBy }),
});
const RUN = 'https://github.com/acme/shop/actions/runs/7';

it.each([
  [1, 1, undefined],
  [3, 2, undefined],
  [1, 2, 'failed check 1 of 2 in a row; the incident opens when 2 checks in a row fail'],
])('streakTooShort(%i, open-after %i)', (streak, openAfter, note) => {
  expect(streakTooShort(streak, openAfter)).toBe(note);
});

describe('afterCreate: two runs created at once', () => {
  it('keeps the created issue when it is the lowest-numbered', () => {
    expect(afterCreate(incident(12), 12, RUN)).toEqual({ kind: 'kept', number: 12 });
    expect(afterCreate(undefined, 12, RUN)).toEqual({ kind: 'kept', number: 12 });
  });
  it("closes this run's issue as a duplicate of a concurrent run's earlier one", () => {
    expect(
      afterCreate(incident(11, undefined, 'https://github.com/acme/shop/actions/runs/6'), 12, RUN),
    ).toEqual({
      kind: 'duplicate',
      close: 12,
      keep: 11,
      ownEarlier: false,
      comment: 'Duplicate of #11, opened by a concurrent run.',
    });
  });
  it('knows its own earlier issue, created by a request GitHub answered 502 and the retry repeated', () => {
    expect(afterCreate(incident(11, undefined, RUN), 12, RUN)).toMatchObject({
      ownEarlier: true,
      comment: 'Duplicate of #11, opened by this run before a retried request.',
    });
  });
});

describe('resolvePlan', () => {
  it('resolves the lowest-numbered and closes the rest, leaving other fingerprints', () => {
    const plan = resolvePlan(
      [incident(14), incident(9), incident(11), incident(10, 'web/production/healthcheck')],
      'api/production/healthcheck',
    );
    expect(plan).toMatchObject({ kind: 'resolve', incident: { number: 9 }, duplicates: [14, 11] });
  });
  it('has nothing to resolve without an open incident', () => {
    expect(resolvePlan([], 'api/production/healthcheck')).toEqual({
      kind: 'nothing',
      note: 'no open incident for api/production/healthcheck; nothing to resolve',
    });
  });
});
