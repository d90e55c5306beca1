/**
 * Property: the post step of shift-traffic acts only on what its main step sealed.
 * Whatever GITHUB_STATE holds (the runner also takes save-state from any line in the
 * log), a value is read back only through a seal that names a file the main step wrote.
 */
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { leftShifting, sealedState, stepState } from '../../actions/shift-traffic/state.js';

const previous = process.env['RUNNER_TEMP'];
beforeAll(() => (process.env['RUNNER_TEMP'] = mkdtempSync(path.join(tmpdir(), 'ra-sealed-'))));
afterAll(() =>
  previous === undefined ? delete process.env['RUNNER_TEMP'] : (process.env['RUNNER_TEMP'] = previous),
);

const forgedValue = fc.oneof(
  fc.constantFrom('shifting', 'promoted', '../../etc/passwd', '0'.repeat(32), 'f'.repeat(32)),
  fc.stringMatching(/^[0-9a-f]{32}$/),
  fc.string({ maxLength: 40 }),
);
const forgedState = fc.dictionary(fc.constantFrom('seal', 'phase', 'previous', 'config'), forgedValue);

describe('sealed post-step state', () => {
  it('a state nobody sealed yields nothing, so the post step moves no traffic', () => {
    fc.assert(
      fc.property(forgedState, (forged) => {
        const state = sealedState((name) => forged[name] ?? '');
        expect(leftShifting(state)).toBe(false);
        for (const name of ['phase', 'previous', 'config']) expect(state.read(name)).toBe('');
      }),
    );
  });

  it('what the main step sealed is read back whole, whatever else the log adds', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('phase', 'previous'), fc.string()),
        forgedState,
        (saved, forged) => {
          const saves: Record<string, string> = {};
          const main = stepState({ saveState: (name, value) => void (saves[name] = value) });
          for (const [name, value] of Object.entries(saved)) main.save(name, value);
          // Forged lines land beside the seal; only a forged seal itself could replace it.
          const runnerState = { ...forged, ...saves };
          const post = sealedState((name) => runnerState[name] ?? '');
          for (const name of ['phase', 'previous']) expect(post.read(name)).toBe(saved[name] ?? '');
        },
      ),
    );
  });
});
