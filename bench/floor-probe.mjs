// The least a healthcheck can do: one GET with node:http and one output line, no
// library, no validation, no summary. The bench runs it beside bare `node -e 0` so the
// cold-start table shows how much of any healthcheck's start-up is the request itself.
// node:http is required, not imported: an ESM import of it reads every export, and
// its WebSocket getter loads undici (~20 ms; nodejs/node#59686).
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const { get } = createRequire(import.meta.url)('node:http');
get(process.env.FLOOR_URL, (res) => {
  res.resume();
  res.on('end', () => appendFileSync(process.env.GITHUB_OUTPUT, `healthy=${res.statusCode === 200}\n`));
});
