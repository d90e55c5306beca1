import {
  googleErrorMessage,
  requestCountQuery,
  requestCounts,
} from '../../../shared/core/traffic/cloud-monitoring.js';
import { PromQLResultError } from '../../../shared/core/traffic/prometheus-gate.js';

const vector = (result: unknown[]) =>
  JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });
const series = (revision: string, cls: string, value: string) => ({
  metric: { revision_name: revision, response_code_class: cls },
  value: [1795984877.9, value],
});

describe('requestCountQuery', () => {
  it('selects one service in one region, by revision and response class, over a whole-second window', () => {
    expect(requestCountQuery({ service: 'api', region: 'us-central1', project: 'shop' }, 61.2)).toBe(
      'sum by (revision_name, response_code_class) (increase(run_googleapis_com:request_count{monitored_resource="cloud_run_revision",service_name="api",location="us-central1",project_id="shop"}[62s]))',
    );
  });
  it('never asks for less than one sample period, and quotes what it is given', () => {
    expect(requestCountQuery({ service: 'a"b', region: 'r' }, 3)).toContain(
      'service_name="a\\"b",location="r"}[60s]',
    );
  });
});

describe('requestCounts', () => {
  it('adds the classes of each revision and counts 5xx as errors', () => {
    expect(
      requestCounts(
        vector([
          series('v1', '2xx', '300'),
          series('v1', '5xx', '3'),
          series('v2', '4xx', '7'),
          series('v2', '5xx', '20'),
        ]),
      ),
    ).toEqual({ v1: { requests: 303, errors5xx: 3 }, v2: { requests: 27, errors5xx: 20 } });
  });
  it("rounds increase()'s extrapolation to whole requests and never counts below zero", () => {
    expect(requestCounts(vector([series('v2', '5xx', '11.6'), series('v2', '2xx', '-0.2')]))).toEqual({
      v2: { requests: 12, errors5xx: 12 },
    });
  });
  it('an empty vector is no data for anyone, not zero errors', () => {
    expect(requestCounts(vector([]))).toEqual({});
  });
  it('a PromQL error or a non-vector answer is refused with what it said', () => {
    expect(() =>
      requestCounts(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' })),
    ).toThrow(new PromQLResultError('Cloud Monitoring: parse error'));
    expect(() =>
      requestCounts(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } })),
    ).toThrow(/a matrix result; a vector was expected/);
    expect(() => requestCounts('<html>')).toThrow(/not JSON/);
  });
});

describe('googleErrorMessage', () => {
  it("reads Google's error model, and falls back to the status", () => {
    expect(
      googleErrorMessage(
        403,
        JSON.stringify({
          error: {
            code: 403,
            message: 'Permission monitoring.timeSeries.list denied',
            status: 'PERMISSION_DENIED',
          },
        }),
      ),
    ).toBe('403 PERMISSION_DENIED: Permission monitoring.timeSeries.list denied');
    expect(googleErrorMessage(502, 'Bad Gateway')).toBe('HTTP 502');
  });
});
