import { DEFAULT_STATUS, type Probe } from '../../shared/core/probe.js';

/** A probe with the defaults a user gets, changed only where a test says so. */
export function aProbe(
  overrides: Partial<Omit<Probe, 'expect'>> = {},
  expect: Partial<Probe['expect']> = {},
): Probe {
  return {
    name: 'api',
    url: 'https://api.example.com/health',
    method: 'GET',
    headers: {},
    timeoutMs: 1000,
    samples: 1,
    retries: 0,
    retryDelayMs: 10,
    followRedirects: true,
    ...overrides,
    expect: { status: DEFAULT_STATUS, bodyContains: [], bodyMatches: [], json: [], headers: [], ...expect },
  };
}
