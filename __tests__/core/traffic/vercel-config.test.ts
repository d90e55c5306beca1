import {
  describeConfig,
  isPlanConfig,
  parseConfigOutput,
  restoreArgs,
  sameConfig,
  type ReleaseConfig,
} from '../../../shared/core/traffic/vercel-config.js';

/** As GET /v1/projects/:idOrName/rolling-release/config answers (@vercel/sdk getrollingreleaseconfigop). */
const automatic: ReleaseConfig = {
  target: 'production',
  stages: [
    { targetPercentage: 5, duration: 30 },
    { targetPercentage: 25, duration: 60, linearShift: true },
    { targetPercentage: 100 },
  ],
  canaryResponseHeader: true,
};
const manual: ReleaseConfig = {
  target: 'production',
  stages: [
    { targetPercentage: 10, requireApproval: true },
    { targetPercentage: 50, requireApproval: true },
    { targetPercentage: 100 },
  ],
  canaryResponseHeader: false,
};

describe("a project's rolling-release configuration", () => {
  it('reads what vercel api prints, null when releases are off', () => {
    expect(parseConfigOutput(JSON.stringify({ rollingRelease: automatic }))).toEqual(automatic);
    expect(parseConfigOutput('{"rollingRelease": null}')).toBeNull();
    expect(() => parseConfigOutput('{"error": {"code": "forbidden"}}')).toThrow(SyntaxError);
    expect(() => parseConfigOutput('{"rollingRelease": {"target": "production"}}')).toThrow(SyntaxError);
  });

  it('is put back with configure --cfg as the CLI sends it: advancementType, durations, the rest as read', () => {
    const [flag, json] = restoreArgs(automatic);
    expect(flag).toBe('--cfg');
    expect(JSON.parse(json!)).toEqual({
      canaryResponseHeader: true,
      advancementType: 'automatic',
      stages: [
        { targetPercentage: 5, duration: 30 },
        { targetPercentage: 25, duration: 60, linearShift: true },
        { targetPercentage: 100 },
      ],
    });
    expect(JSON.parse(restoreArgs(manual)[1]!)).toMatchObject({
      advancementType: 'manual-approval',
      stages: [{ targetPercentage: 10 }, { targetPercentage: 50 }, { targetPercentage: 100 }],
    });
    expect(restoreArgs(null)).toEqual(['--disable']);
  });

  it('compares by how it releases, and says so in words', () => {
    expect(sameConfig(automatic, structuredClone(automatic))).toBe(true);
    expect(sameConfig(automatic, { ...automatic, canaryResponseHeader: false })).toBe(false);
    expect(sameConfig(manual, null)).toBe(false);
    expect(sameConfig(null, null)).toBe(true);
    expect(describeConfig(automatic)).toBe('automatic at 5% for 30m, 25% for 60m, 100%');
    expect(describeConfig(manual)).toBe('manual approval at 10%, 50%, 100%');
    expect(describeConfig(null)).toBe('off');
  });

  it('knows the configuration shift-traffic sets for a plan, and no other', () => {
    expect(isPlanConfig(manual, [10, 50, 100])).toBe(true);
    expect(isPlanConfig(manual, [10, 100])).toBe(false);
    expect(isPlanConfig(automatic, [5, 25, 100])).toBe(false);
    expect(isPlanConfig(null, [10, 50, 100])).toBe(false);
  });
});
