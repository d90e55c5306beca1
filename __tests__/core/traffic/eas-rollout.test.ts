import {
  branchSplit,
  branchState,
  copyMessage,
  moveTo,
  nameOf,
  parseBranchGroups,
  parseInsights,
  type BranchGroup,
} from '../../../shared/core/traffic/eas-rollout.js';

const S = '11111111-1111-4111-8111-111111111111';
const C = '22222222-2222-4222-8222-222222222222';
const COPY = '8a871c5c-3126-49db-bf66-f0981f83c13e';
const OTHER = '33333333-3333-4333-8333-333333333333';
const names = [S, C];

/** What `eas update:list --branch production --json` prints (eas-cli 24.8.0). */
const listed = (groups: { group: string; message: string; rolloutPercentage?: number }[]) =>
  JSON.stringify({
    name: 'production',
    id: 'b1',
    currentPage: groups.map((g) => ({
      branch: 'production',
      message: `"${g.message}" (6 hours ago by ci (robot))`,
      runtimeVersion: '1.0.0',
      isRollBackToEmbedded: false,
      group: g.group,
      platforms: 'android, ios',
      ...(g.rolloutPercentage !== undefined && { rolloutPercentage: g.rolloutPercentage }),
    })),
  });

const rolling = (percent: number): BranchGroup[] => [
  { group: COPY, runtimeVersion: '1.0.0', rollout: percent, source: C },
  { group: S, runtimeVersion: '1.0.0' },
];

describe('reading a branch', () => {
  it('reads each group, its rollout and the source our copies name in their message', () => {
    const groups = parseBranchGroups(
      listed([
        { group: COPY, message: copyMessage.rollout(C), rolloutPercentage: 10 },
        { group: S, message: 'fix checkout' },
      ]),
    );
    expect(groups).toEqual(rolling(10));
  });

  it('a rollout below 100 splits with the group before it on the same runtime; at 100 it has it all', () => {
    expect(branchSplit(branchState(rolling(10)), names)).toEqual({ [S]: 90, [C]: 10 });
    expect(branchSplit(branchState(rolling(100)), names)).toEqual({ [C]: 100 });
    const otherRuntime = [rolling(10)[0]!, { group: OTHER, runtimeVersion: '0.9.0' }, rolling(10)[1]!];
    expect(branchState(otherRuntime).control?.group).toBe(S);
  });

  it('names a group as the step does: its own id when given, else the source it copies', () => {
    expect(nameOf({ group: COPY, runtimeVersion: '1', source: C }, names)).toBe(C);
    expect(nameOf({ group: COPY, runtimeVersion: '1', source: C }, [COPY])).toBe(COPY);
    expect(nameOf({ group: OTHER, runtimeVersion: '1' }, names)).toBe(OTHER);
  });

  it('refuses output that is not a branch listing', () => {
    expect(() => parseBranchGroups('Unauthorized')).toThrow();
    expect(() => parseBranchGroups('{"currentPage":[{"message":"x"}]}')).toThrow(/group/);
    for (const percent of [150, -5, 12.5, '10'])
      expect(() =>
        parseBranchGroups(
          JSON.stringify({ currentPage: [{ group: S, runtimeVersion: '1', rolloutPercentage: percent }] }),
        ),
      ).toThrow(/rollout percentage/);
  });
});

describe('the one move to a split', () => {
  const idle = branchState([{ group: S, runtimeVersion: '1.0.0' }]);

  it('starts a rollout over the group the branch serves, raises it, completes it', () => {
    expect(moveTo(idle, { [S]: 90, [C]: 10 }, names)).toEqual({ kind: 'start', group: C, percent: 10 });
    expect(moveTo(branchState(rolling(10)), { [S]: 50, [C]: 50 }, names)).toEqual({
      kind: 'raise',
      group: COPY,
      percent: 50,
    });
    expect(moveTo(branchState(rolling(50)), { [C]: 100 }, names)).toEqual({
      kind: 'raise',
      group: COPY,
      percent: 100,
    });
  });

  it('goes back by reverting a rollout, or by republishing once it ended', () => {
    expect(moveTo(branchState(rolling(50)), { [S]: 100 }, names)).toEqual({
      kind: 'revert',
      group: COPY,
      control: S,
    });
    expect(moveTo(branchState(rolling(100)), { [S]: 100 }, names)).toEqual({ kind: 'republish', group: S });
  });

  it('changes nothing when the branch already serves the split', () => {
    expect(moveTo(branchState(rolling(10)), { [S]: 90, [C]: 10 }, names)).toEqual({ kind: 'none' });
    expect(moveTo(idle, { [S]: 100, [C]: 0 }, names)).toEqual({ kind: 'none' });
  });

  it('refuses what EAS cannot do, saying why', () => {
    expect(moveTo(branchState(rolling(50)), { [S]: 90, [C]: 10 }, names)).toMatchObject({
      kind: 'refuse',
      why: expect.stringMatching(/only raises a rollout's percentage/),
    });
    expect(moveTo(branchState(rolling(10)), { [OTHER]: 100 }, [...names, OTHER])).toMatchObject({
      kind: 'refuse',
      why: expect.stringMatching(/a rollout of .* is in progress/),
    });
    expect(moveTo(idle, { [OTHER]: 90, [C]: 10 }, [...names, OTHER])).toMatchObject({
      kind: 'refuse',
      why: expect.stringMatching(/starts over the group the branch serves/),
    });
    expect(moveTo(branchState([]), { [S]: 90, [C]: 10 }, names)).toMatchObject({ kind: 'refuse' });
  });
});

describe('launches and crashes', () => {
  it('adds the platforms up as launches (installs and failed ones) and crashes', () => {
    const insights = JSON.stringify({
      groupId: C,
      platforms: [
        {
          platform: 'android',
          totals: { uniqueUsers: 9, installs: 990, failedInstalls: 10, crashRatePercent: 1 },
        },
        {
          platform: 'ios',
          totals: { uniqueUsers: 9, installs: 495, failedInstalls: 5, crashRatePercent: 1 },
        },
      ],
    });
    expect(parseInsights(insights)).toEqual({ requests: 1500, errors5xx: 15 });
    expect(() => parseInsights('{"platforms":[{"totals":{}}]}')).toThrow();
    expect(() => parseInsights('{"platforms":[{"totals":{"installs":-1,"failedInstalls":0}}]}')).toThrow();
  });
});
