import { escapeCell } from '../../shared/core/markdown.js';

describe('escapeCell', () => {
  it('puts URLs and mentions in code spans: copyable as written, never linked or notified', () => {
    expect(escapeCell('see https://api.example.com/health?x=1 or www.example.com, cc @acme/oncall')).toBe(
      'see `https://api.example.com/health?x=1` or `www.example.com`, cc `@acme/oncall`',
    );
    expect(escapeCell('a@b.example is mail, not a mention')).toBe('a@b.example is mail, not a mention');
    expect(escapeCell('https://x.example/`tick` | next')).toBe('`` https://x.example/`tick` `` \\| next');
    expect(escapeCell('x')).not.toMatch(/\u200b/);
  });
});
