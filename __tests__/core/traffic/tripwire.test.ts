import type { Outcome } from '../../../shared/core/probe.js';
import { liveCountsOf } from '../../../shared/core/traffic/haproxy-backend.js';
import {
  confirmation,
  confirmTimeoutMs,
  hangThresholdMs,
  observe,
  rest,
  startWatch,
  tripText,
  type LiveCounts,
} from '../../../shared/core/traffic/tripwire.js';

const live = (over: Partial<LiveCounts> = {}): LiveCounts => ({
  dispatched: 100,
  ended: 100,
  failed: 0,
  inFlight: 0,
  slowestMs: 20,
  ...over,
});
const stable = live({ dispatched: 900, slowestMs: 40 });

describe('observe', () => {
  const watch = startWatch(live(), 1000);

  it('a quiet reading moves the clear mark and trips nothing', () => {
    const seen = observe(watch, { canary: live({ dispatched: 103 }), stable }, 1010, 5000);
    expect(seen.trip).toBeUndefined();
    expect(seen.watch).toMatchObject({ clearAt: 1010, dispatched: 103, pending: [] });
  });

  it('the first failed request trips, dated from the last clear reading', () => {
    const seen = observe(watch, { canary: live({ dispatched: 101, failed: 1 }), stable }, 1010, 5000);
    expect(seen.trip).toEqual({ kind: 'failed', count: 1, sinceMs: 1000 });
    expect(seen.watch.clearAt).toBe(1000);
  });

  it('a request in flight longer than the threshold trips as hung, dated from when it was first seen', () => {
    let w = observe(watch, { canary: live({ dispatched: 101, inFlight: 1 }), stable }, 1010, 5000).watch;
    expect(w.pending).toEqual([1010]);
    const early = observe(w, { canary: live({ dispatched: 101, inFlight: 1 }), stable }, 1080, 5000);
    expect(early.trip).toBeUndefined();
    w = early.watch;
    const late = observe(w, { canary: live({ dispatched: 102, inFlight: 2 }), stable }, 1260, 5000);
    expect(late.trip).toEqual({ kind: 'hung', ageMs: 250, thresholdMs: 250, sinceMs: 1010 });
  });

  it('a request waiting past the limit while the canary answers others is not a hang (a long download)', () => {
    let w = observe(watch, { canary: live({ dispatched: 101, inFlight: 1 }), stable }, 1010, 5000).watch;
    for (let t = 1; t <= 10; t++) {
      // Others come and go every 100 ms; the first request stays in flight throughout.
      const seen = observe(
        w,
        { canary: live({ dispatched: 101 + t, ended: 100 + t, inFlight: 1 }), stable },
        1010 + t * 100,
        5000,
      );
      expect(seen.trip).toBeUndefined();
      w = seen.watch;
    }
  });

  it('requests that finish are dropped oldest first: a canary answering within the limit never trips', () => {
    let w = watch;
    // One new request every 100 ms, each answered after 150 ms: never more than 2 in flight.
    for (let t = 1; t <= 30; t++) {
      const seen = observe(
        w,
        { canary: live({ dispatched: 100 + t, ended: 100 + t - 1, inFlight: t === 1 ? 1 : 2 }), stable },
        1000 + t * 100,
        5000,
      );
      expect(seen.trip).toBeUndefined();
      w = seen.watch;
    }
  });

  it('counters that went back (a reload) start the watch again instead of tripping', () => {
    const seen = observe(
      { ...watch, failed: 50, dispatched: 5000, ended: 5000 },
      { canary: live(), stable },
      1010,
      5000,
    );
    expect(seen.trip).toBeUndefined();
    expect(seen.watch).toMatchObject({ failed: 0, dispatched: 100, ended: 100, clearAt: 1010 });
  });

  it('a canary the router no longer lists trips nothing', () => {
    expect(observe(watch, { canary: undefined, stable }, 1010, 5000).trip).toBeUndefined();
  });

  it('rests after a trip that was not confirmed: failures then are left to the window', () => {
    const rested = rest(watch, 1000, 10_000);
    const during = observe(rested, { canary: live({ failed: 1 }), stable }, 5000, 5000);
    expect(during.trip).toBeUndefined();
    const after = observe(during.watch, { canary: live({ failed: 2 }), stable }, 11_001, 5000);
    expect(after.trip).toMatchObject({ kind: 'failed', count: 1 });
  });
});

describe('hangThresholdMs', () => {
  it.each([
    ['stable fast: the floor', 30, 5000, 250],
    ['stable slow: twice its slowest', 900, 5000, 1800],
    ['never beyond hang-after', 9000, 5000, 5000],
    ['hang-after 0: hangs are not watched', 30, 0, Infinity],
  ])('%s', (_, slowestMs, hangAfterMs, expected) => {
    expect(hangThresholdMs(live({ slowestMs }), hangAfterMs)).toBe(expected);
  });
});

describe('confirmation', () => {
  const answer = (status: number): Outcome => ({
    kind: 'response',
    response: { status, headers: {}, body: '' },
    latencyMs: 1,
  });
  const timeout: Outcome = { kind: 'error', error: 'no answer within 1000ms (timeout)', latencyMs: 1000 };

  it('a canary failing where stable answers is confirmed', () => {
    expect(
      confirmation([answer(500), answer(500), timeout], [answer(404), answer(200), answer(200)], '/'),
    ).toEqual({
      confirmed: true,
      detail:
        'asked directly for /, the canary failed 3 of 3 (500, 500, no answer within 1000ms (timeout)) and stable 0 of 3 (404, 200, 200)',
    });
  });

  it.each([
    [
      'one failure of three is noise',
      [answer(500), answer(200), answer(200)],
      [answer(200), answer(200), answer(200)],
    ],
    [
      'stable fails too: not the canary to roll back',
      [answer(503), answer(503), answer(503)],
      [answer(503), answer(503), answer(200)],
    ],
  ])('%s', (_, canary, stableAnswers) => {
    expect(confirmation(canary, stableAnswers, '/health').confirmed).toBe(false);
  });
});

describe('trip texts and timeouts', () => {
  it('say what was seen', () => {
    expect(tripText({ kind: 'failed', count: 1, sinceMs: 0 })).toBe(
      'the router saw the canary fail a request (5xx or no answer)',
    );
    expect(tripText({ kind: 'failed', count: 3, sinceMs: 0 })).toMatch(/fail 3 requests/);
    expect(tripText({ kind: 'probes', down: ['api (status 500)'], passes: 3, sinceMs: 0 })).toBe(
      'the probes failed 3 passes in a row: api (status 500)',
    );
    expect(tripText({ kind: 'hung', ageMs: 260.4, thresholdMs: 250, sinceMs: 0 })).toMatch(
      /^a canary request went unanswered for 260 ms with nothing else coming back \(the limit is 250 ms/,
    );
  });

  it('a hung canary is asked with a short deadline, a failing one with a longer one', () => {
    expect(confirmTimeoutMs({ kind: 'hung', ageMs: 260, thresholdMs: 250, sinceMs: 0 })).toBe(1000);
    expect(confirmTimeoutMs({ kind: 'hung', ageMs: 3000, thresholdMs: 3000, sinceMs: 0 })).toBe(3000);
    expect(confirmTimeoutMs({ kind: 'failed', count: 1, sinceMs: 0 })).toBe(2000);
  });
});

describe('liveCountsOf', () => {
  it("reads HAProxy's stot, scur, rtime_max and the requests serverCounts counts (not ttime_max: keep-alive idle)", () => {
    expect(
      liveCountsOf({
        stot: '120',
        scur: '2',
        rtime_max: '37',
        ttime_max: '1509',
        hrsp_2xx: '100',
        hrsp_5xx: '3',
        econ: '1',
        eresp: '2',
      }),
    ).toEqual({ dispatched: 120, ended: 106, failed: 6, inFlight: 2, slowestMs: 37 });
  });
});
