import { proxyAt, runnerProxy } from '../../shared/core/proxy.js';

describe('runnerProxy', () => {
  it('is undefined without a proxy variable, and NO_PROXY alone is not a proxy', () => {
    expect(runnerProxy({})).toBeUndefined();
    expect(runnerProxy({ NO_PROXY: 'localhost', HTTPS_PROXY: '  ' })).toBeUndefined();
  });

  it('prefers the lower-case name, as Node and curl do', () => {
    const proxy = runnerProxy({ HTTPS_PROXY: 'http://upper:3128', https_proxy: 'http://lower:3128' });
    expect(proxy?.nodeEnv).toEqual({ HTTPS_PROXY: 'http://lower:3128' });
    expect(proxy?.line).toBe(
      "Requests go through the runner's proxy: https through http://lower:3128/ (https_proxy).",
    );
  });

  it('hands Node NO_PROXY only with a usable proxy', () => {
    expect(runnerProxy({ HTTP_PROXY: 'http://p:1', no_proxy: '.internal' })?.nodeEnv).toEqual({
      HTTP_PROXY: 'http://p:1',
      NO_PROXY: '.internal',
    });
    expect(runnerProxy({ HTTP_PROXY: 'p:1', NO_PROXY: '*' })?.nodeEnv).toEqual({});
  });

  it('refuses what is not an http(s) URL, one sentence per variable, redacted', () => {
    const proxy = runnerProxy({ HTTP_PROXY: 'socks5://u:secretpass1@p:1', HTTPS_PROXY: 'http://good:3128' });
    expect(proxy?.routes.map((r) => r.variable)).toEqual(['HTTPS_PROXY']);
    expect(proxy?.problems).toEqual([
      'HTTP_PROXY is not a proxy URL (socks5://***:***@p:1); http requests go direct. Example: HTTP_PROXY=http://proxy.internal:3128',
    ]);
    expect(proxy?.secrets).toEqual(expect.arrayContaining(['secretpass1']));
  });

  it('collects credentials to mask and never prints them', () => {
    const proxy = runnerProxy({ HTTPS_PROXY: 'http://ci-bot:hunter2hunter2@proxy:3128' });
    expect(proxy?.secrets).toEqual(expect.arrayContaining(['hunter2hunter2', 'ci-bot:hunter2hunter2']));
    expect(proxy?.line).not.toContain('hunter2');
  });
});

describe('proxyAt', () => {
  const proxy = runnerProxy({ HTTP_PROXY: 'http://10.0.0.5:3128', HTTPS_PROXY: 'https://[::1]' });
  it('finds the proxy a failed connection went to, by address and port', () => {
    expect(proxyAt(proxy, { address: '10.0.0.5', port: 3128 })?.variable).toBe('HTTP_PROXY');
    expect(proxyAt(proxy, { address: '::1', port: 443 })?.variable).toBe('HTTPS_PROXY');
    expect(proxyAt(proxy, { address: '10.0.0.5', port: 80 })).toBeUndefined();
    expect(proxyAt(undefined, { address: '10.0.0.5', port: 3128 })).toBeUndefined();
  });
});
