// The least a healthcheck can do: one GET with node:http and one output line, no
// library, no validation, no summary. The bench runs it beside bare `node -e 0` so the
// cold-start table shows how much of any healthcheck's start-up is the request itself.
// node:http is required, not imported: an ESM import of it reads every export, and
// its WebSocket getter loads undici (~20 ms; nodejs/node#59686).
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// FLOOR_CORE_BUILTINS=1 adds the Node built-ins @actions/core 3.x loads when it is imported:
// crypto (its output delimiter), child_process and assert (through @actions/exec, for
// core.platform) and fs/promises (its summary). No action that uses @actions/core starts
// faster than this.
if (process.env.FLOOR_CORE_BUILTINS) {
  for (const builtin of ['node:crypto', 'node:child_process', 'node:assert']) require(builtin);
  void require('node:fs').promises;
}
const { get } = require('node:http');
get(process.env.FLOOR_URL, (res) => {
  res.resume();
  res.on('end', () => appendFileSync(process.env.GITHUB_OUTPUT, `healthy=${res.statusCode === 200}\n`));
});
