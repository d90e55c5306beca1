import { releaseCaller, startReleaseLab, TAG_PUSH, type ReleaseLab } from '../support/release-lab.js';

let lab: ReleaseLab;
beforeEach(async () => (lab = await startReleaseLab()));
afterEach(async () => lab.close());

it('smoke', async () => {
  const file = lab.caller('release.yml', releaseCaller(lab, { hotfix: true }));
  const run = await lab.run(file, TAG_PUSH, { log: (l) => console.log(l) });
  const called = run.jobs['release']?.called;
  for (const [id, job] of Object.entries(called?.jobs ?? {}))
    for (const s of job.steps) console.log(id, s.name, s.outcome, s.log.slice(0, 1500));
  console.log(JSON.stringify(run.errors), JSON.stringify(run.jobs['release']?.errors), run.outputs);
}, 120_000);
