import { formatJsonPath, jsonPathGet, parseJsonPath } from '../../shared/core/json-path.js';

describe('parseJsonPath', () => {
  it.each([
    ['version', ['version']],
    ['$.version', ['version']],
    ['data.items[0].id', ['data', 'items', 0, 'id']],
    ['[0].count', [0, 'count']],
    ['meta["content-type"]', ['meta', 'content-type']],
    ['checks.db-primary', ['checks', 'db-primary']],
  ])('%s', (text, path) => expect(parseJsonPath(text)).toEqual(path));

  it.each(['', '$', 'a..b', 'a[x]', 'a.', '[-1]', 'a["\\q"]', 'a["\\u12"]', 'a[99999999999999999999]'])(
    'rejects %p',
    (text) => expect(parseJsonPath(text)).toBeUndefined(),
  );

  it('formats back to the same text', () => {
    expect(formatJsonPath(['data', 'items', 0, 'content type'])).toBe('data.items[0]["content type"]');
  });
});

describe('jsonPathGet', () => {
  const doc = { version: '1.2.3', items: [{ id: 7 }], nothing: null };
  it.each([
    [['version'], { present: true, value: '1.2.3' }],
    [['items', 0, 'id'], { present: true, value: 7 }],
    [['nothing'], { present: true, value: null }],
    [['items', 1], { present: false }],
    [['missing'], { present: false }],
    [['version', 'x'], { present: false }],
    [['toString'], { present: false }],
  ])('%j', (path, found) => expect(jsonPathGet(doc, path)).toEqual(found));
});
