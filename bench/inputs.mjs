// INPUT_* variables as the runner sets them: every input's action.yml default, then
// the given values. Benchmarks never fall behind a newly added input this way.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '..');

export function actionInputs(name, values = {}) {
  const meta = parse(readFileSync(path.join(root, name, 'action.yml'), 'utf8'));
  const inputs = {};
  // A default the runner would expand (`${{ github.token }}`) is left empty: no runner here.
  for (const [input, spec] of Object.entries(meta.inputs ?? {}))
    inputs[input] = /\$\{\{/.test(String(spec.default ?? '')) ? '' : String(spec.default ?? '');
  Object.assign(inputs, values);
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]),
  );
}
