import {
  canarySplit,
  describeSplit,
  sameSplit,
  splitFromWeights,
} from '../../../shared/core/traffic/split.js';

describe('splits', () => {
  it('puts the rest on stable', () => expect(canarySplit('v1', 'v2', 10)).toEqual({ v1: 90, v2: 10 }));
  it('leaves out 0 %', () => expect(canarySplit('v1', 'v2', 0)).toEqual({ v1: 100 }));
  it('compares ignoring idle revisions', () => expect(sameSplit({ a: 100, b: 0 }, { a: 100 })).toBe(true));
  it('tells different splits apart', () => expect(sameSplit({ a: 90, b: 10 }, { a: 50, b: 50 })).toBe(false));
  it('describes the largest share first', () =>
    expect(describeSplit({ v2: 10, v1: 90 })).toBe('v1 90% / v2 10%'));

  it.each([
    [
      { a: 90, b: 10 },
      { a: 90, b: 10 },
    ],
    [
      { a: 1, b: 1, c: 1 },
      { a: 34, b: 33, c: 33 },
    ],
    [{ a: 256, b: 0 }, { a: 100 }],
    [{ a: 0, b: 0 }, {}],
    [
      { a: 3, b: 1 },
      { a: 75, b: 25 },
    ],
  ])('weights %j are %j', (weights, split) => expect(splitFromWeights(weights)).toEqual(split));
});
