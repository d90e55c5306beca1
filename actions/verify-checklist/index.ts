import { run } from './run.js';

// Not awaited: a bundle whose entry has a top-level await is wrapped in a function,
// where the minifier cannot drop the code nothing calls (healthcheck: 140 -> 80 KiB,
// 4 ms of its cold start). run() ends the step itself, whatever it throws (runStep).
void run();
