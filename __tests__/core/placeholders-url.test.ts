import fc from 'fast-check';
import { fillPlaceholders } from '../../shared/core/placeholders.js';
import { isHttpUrl, joinUrl, redactUrl, urlSecrets } from '../../shared/core/url.js';

describe('fillPlaceholders', () => {
  const env = { KEY: 's3cr3t-key', BASE: 'https://api.example.com', EMPTY: '' };
  it('fills from the environment and reports what it used', () => {
    expect(fillPlaceholders('Bearer ${KEY}', env)).toEqual({
      text: 'Bearer s3cr3t-key',
      used: ['s3cr3t-key'],
      missing: [],
    });
  });
  it('reports unset and empty variables as missing', () => {
    expect(fillPlaceholders('${NOPE}/${EMPTY}', env).missing).toEqual(['NOPE', 'EMPTY']);
  });
  it('keeps $${NAME} as a literal', () => {
    expect(fillPlaceholders('cost: $${KEY}', env)).toEqual({ text: 'cost: ${KEY}', used: [], missing: [] });
  });
  it('leaves text without placeholders alone', () => {
    expect(fillPlaceholders('/health?x=$1', env).text).toBe('/health?x=$1');
  });
});

describe('urls', () => {
  it.each([
    ['https://user:pw@example.com/a', 'https://***:***@example.com/a'],
    ['https://example.com/a?token=abc&limit=1', 'https://example.com/a?token=***&limit=1'],
    [
      'https://example.com/rest/v1/favorites?select=count&limit=1',
      'https://example.com/rest/v1/favorites?select=count&limit=1',
    ],
    ['${BASE}/health', '${BASE}/health'],
    // Not a URL (the password's '/' ends the authority early), so the user-info's end is the last '@'.
    ['https://deploy:abc/hunter2@host/', 'https://***@host/'],
    ['ftp://u:p/w@h/x', 'ftp://***@h/x'],
  ])('redactUrl(%s)', (url, shown) => expect(redactUrl(url)).toBe(shown));

  it('knows the Basic header Node derives from user-info as the same secret', () => {
    const basic = Buffer.from('deploy:p@ss word').toString('base64');
    expect(urlSecrets('https://deploy:p%40ss%20word@status.example.com/')).toEqual(
      expect.arrayContaining([basic, `Basic ${basic}`]),
    );
  });

  it('never shows a password pasted raw into a URL, whatever base64 it holds, valid URL or not', () =>
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9+/=]{8,24}$/),
        fc.constantFrom('/', '/health', '/a?b=1', ''),
        (password, path) => {
          const url = `https://deploy:${password}@status.example.com${path}`;
          expect(redactUrl(url)).not.toContain(password);
          expect(urlSecrets(url)).toEqual(expect.arrayContaining([`deploy:${password}`]));
        },
      ),
    ));

  it('lists the credential parts of a URL', () => {
    expect(urlSecrets('https://bot:p%40ss@example.com/?apikey=k1')).toEqual(
      expect.arrayContaining(['p%40ss', 'p@ss', 'bot', 'k1']),
    );
    expect(urlSecrets('https://example.com/health')).toEqual([]);
  });

  it('masks a raw base64 password as written, and a token given as the user name alone', () => {
    const raw = 'https://deploy:dGhpcyBpcy+/c2VjcmV0==@router.internal:8080/split';
    expect(urlSecrets(raw)).toEqual(
      expect.arrayContaining(['deploy:dGhpcyBpcy+/c2VjcmV0==', 'dGhpcyBpcy+/c2VjcmV0==']),
    );
    expect(urlSecrets('https://ghp_abcdefghijklmnop1234@github.com/acme/shop.git')).toEqual(
      expect.arrayContaining(['ghp_abcdefghijklmnop1234']),
    );
    // A short user name alone is not masked: it would hide ordinary words in the log.
    expect(urlSecrets('https://ci@example.com/')).not.toContain('ci');
  });

  it.each([
    ['https://api.example.com', '/health', 'https://api.example.com/health'],
    ['https://api.example.com/v2/', 'health', 'https://api.example.com/v2/health'],
    ['https://api.example.com', 'https://other.example.com/x', 'https://other.example.com/x'],
    ['', '/health', '/health'],
  ])('joinUrl(%s, %s)', (base, p, joined) => expect(joinUrl(base, p)).toBe(joined));

  it.each([
    ['https://example.com', true],
    ['http://127.0.0.1:8080/x', true],
    ['ftp://example.com', false],
    ['/health', false],
    ['https://', false],
  ])('isHttpUrl(%s) is %s', (url, ok) => expect(isHttpUrl(url)).toBe(ok));
});
