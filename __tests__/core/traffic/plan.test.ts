import { parse } from 'yaml';
import {
  planSpec,
  resumeIndex,
  shorthandPlan,
  withBake,
  type Plan,
} from '../../../shared/core/traffic/plan.js';
import { describeIssue } from '../../../shared/core/errors.js';

describe('shorthand plans', () => {
  it('holds an analysis after each weight, 100 % included (the bake)', () => {
    expect(shorthandPlan('10,50,100', 60_000, 5000)).toEqual([
      { kind: 'weight', percent: 10 },
      { kind: 'analysis', durationMs: 60_000, intervalMs: 5000 },
      { kind: 'weight', percent: 50 },
      { kind: 'analysis', durationMs: 60_000, intervalMs: 5000 },
      { kind: 'weight', percent: 100 },
      { kind: 'analysis', durationMs: 60_000, intervalMs: 5000 },
    ]);
  });

  it('gates a lone 100 % step', () => {
    expect(shorthandPlan('100', 60_000, 5000)).toEqual([
      { kind: 'weight', percent: 100 },
      { kind: 'analysis', durationMs: 60_000, intervalMs: 5000 },
    ]);
  });

  it('bakes a plan that stops short of 100 after the promotion it implies', () => {
    expect(shorthandPlan('10,50', 1000, 500).slice(-2)).toEqual([
      { kind: 'weight', percent: 100 },
      { kind: 'analysis', durationMs: 1000, intervalMs: 500 },
    ]);
  });

  it('adds no bake with a zero hold', () => {
    expect(shorthandPlan('100', 0, 5000)).toEqual([{ kind: 'weight', percent: 100 }]);
  });

  it.each([
    ['10,x', 'has "x", which is not a whole percent'],
    ['50,10', 'has 10 after 50; weights must increase'],
    ['0,100', 'has 0, outside 1-100'],
    ['', 'must list at least one weight'],
  ])('%p is refused: %s', (text, message) => expect(shorthandPlan(text, 1000, 1000)).toBe(message));
});

describe('withBake', () => {
  it('keeps a plan that already analyses after 100 %', () => {
    const plan: Plan = [
      { kind: 'weight', percent: 100 },
      { kind: 'pause', durationMs: 10 },
      { kind: 'analysis', durationMs: 30, intervalMs: 10 },
    ];
    expect(withBake(plan, 1000, 100)).toBe(plan);
  });
  it('adds one after a final weight of 100 followed only by a pause', () => {
    const plan: Plan = [
      { kind: 'weight', percent: 100 },
      { kind: 'pause', durationMs: 10 },
    ];
    expect(withBake(plan, 1000, 100)).toEqual([
      ...plan,
      { kind: 'analysis', durationMs: 1000, intervalMs: 100 },
    ]);
  });
});

describe('full plans', () => {
  const parsePlan = (yaml: string) => planSpec.safeParse(parse(yaml));

  it('reads each kind of step', () => {
    const result = parsePlan(
      '[{weight: 10}, {pause: 30s}, {analysis: {duration: 2m, interval: 10s}}, {weight: 100}]',
    );
    expect(result.success && result.data).toEqual([
      { kind: 'weight', percent: 10 },
      { kind: 'pause', durationMs: 30_000 },
      { kind: 'analysis', durationMs: 120_000, intervalMs: 10_000 },
      { kind: 'weight', percent: 100 },
    ]);
  });

  it.each([
    [
      '[{weight: 10, pause: 1m}]',
      'steps[0]: has weight and pause; a step is exactly one of weight, pause or analysis',
    ],
    ['[{wait: 1m}]', 'steps[0]: must have exactly one of weight, pause or analysis'],
    ['[{weight: 10}, {weight: 5}]', 'steps[1].weight: must be more than the previous weight (10)'],
    ['[{weight: 150}]', 'steps[0].weight: must be a whole percent from 1 to 100'],
    ['[{pause: soon}]', 'steps[0].pause: must be a duration such as 500ms, 10s or 2m'],
    ['[{pause: 1m}]', 'must set a weight at least once'],
  ])('%s → %s', (yaml, message) => {
    const result = parsePlan(yaml);
    expect(result.success).toBe(false);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      expect(describeIssue({ ...issue, path: ['steps', ...issue.path] })).toBe(message);
    }
  });
});

describe('resumeIndex', () => {
  const plan: Plan = shorthandPlan('10,25,50,100', 1000, 1000) as Plan;
  it.each([
    [0, 0],
    [10, 1],
    [25, 3],
    [50, 5],
    [100, 7],
    [30, 'drift'],
  ])('canary at %d%% resumes at %p', (percent, index) => expect(resumeIndex(plan, percent)).toBe(index));
});
