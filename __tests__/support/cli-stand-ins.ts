/**
 * Stand-ins for CLIs that need a cloud account to run for real: `eas` (Expo EAS
 * Update) and `aws elasticbeanstalk`. Each keeps the platform's state in a JSON
 * file, records every argv, and refuses what the real CLI refuses, as its own
 * source or reference says:
 *
 * eas (eas-cli 16.32.0, build/commands/update/{list,republish}.js, oclif flags):
 *   - a flag the command does not define: "Nonexistent flag", exit 2;
 *   - update:republish: --group is exclusive with --branch and --channel,
 *     --branch with --channel, --destination-branch with --destination-channel;
 *     non-interactive needs --group ("Only --group can be used in non-interactive
 *     mode") and --message ("Must supply --message when in non-interactive mode");
 *     republishing copies the group's updates under a new group id on the target
 *     branch (the group's own unless --destination-branch);
 *   - --json depends on --non-interactive; update:list needs --branch or --all when
 *     non-interactive; its JSON is {name, id, currentPage: [{message, group, …}]} with
 *     message rendered as `"<message>" (<time> by <actor>)`;
 *   - no EXPO_TOKEN: "An Expo user account is required to proceed.".
 *
 * aws elasticbeanstalk (AWS CLI reference; SwapEnvironmentCNAMEs API reference):
 *   - an option the command does not take: "Unknown options", exit 252;
 *   - swap-environment-cnames is asynchronous: both environments turn Updating and
 *     the CNAMEs move `swapMs` later; a swap while either is not Ready fails with
 *     InvalidParameterValue ("… is in an invalid state for this operation. Must be
 *     Ready."), exit 254;
 *   - `wait environment-updated` polls describe-environments until every environment
 *     is Ready (the real waiter polls every 20 s, 20 times; this one is faster).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface EasState {
  branches: Record<string, { group: string; message: string }[]>;
}

export interface EbState {
  environments: { EnvironmentName: string; CNAME: string; Status: 'Ready' | 'Updating' }[];
  /** A swap in flight: the CNAMEs of these two move at `at` (ms since the epoch). */
  swap?: { a: string; b: string; at: number };
  swapMs: number;
}

export interface StandIns {
  /** PATH with the stand-ins first, and where they keep their state. */
  env: Record<string, string>;
  calls(): string[];
  eas(): EasState;
  eb(): EbState;
}

const EAS = String.raw`#!/usr/bin/env node
const fs = require('fs');
const state = JSON.parse(fs.readFileSync(process.env.STAND_IN_EAS, 'utf8'));
fs.appendFileSync(process.env.STAND_IN_LOG, 'eas ' + process.argv.slice(2).join(' ') + '\n');
const fail = (message, code = 1) => { process.stderr.write('    Error: ' + message + '\n'); process.exit(code); };
const [command, ...rest] = process.argv.slice(2);
const defined = {
  'update:list': { branch: 's', all: 'b', platform: 's', p: 's', 'runtime-version': 's', offset: 's', limit: 's', json: 'b', 'non-interactive': 'b' },
  'update:republish': { channel: 's', branch: 's', group: 's', 'destination-channel': 's', 'destination-branch': 's', message: 's', m: 's', platform: 's', p: 's', 'private-key-path': 's', 'rollout-percentage': 's', json: 'b', 'non-interactive': 'b' },
}[command];
if (!defined) fail('command ' + command + ' not found', 127);
const flags = {};
for (let i = 0; i < rest.length; i++) {
  const m = /^--?([^=]+)(?:=(.*))?$/.exec(rest[i]);
  if (!m) fail('Unexpected argument: ' + rest[i], 2);
  const name = m[1];
  if (!defined[name]) fail('Nonexistent flag: ' + rest[i] + '\nSee more help with --help', 2);
  flags[name === 'm' ? 'message' : name === 'p' ? 'platform' : name] = defined[name] === 'b' ? true : (m[2] ?? rest[++i]);
}
if (flags.json && !flags['non-interactive']) fail('All of the following must be provided when using --json: --non-interactive', 2);
for (const [a, b] of [['branch', 'group'], ['channel', 'group'], ['branch', 'channel'], ['destination-branch', 'destination-channel']])
  if (flags[a] !== undefined && flags[b] !== undefined) fail('--' + b + '=' + flags[b] + ' cannot also be provided when using --' + a, 2);
if (!process.env.EXPO_TOKEN) fail('An Expo user account is required to proceed.');
if (command === 'update:list') {
  if (!flags.branch && !flags.all) fail('Branch name may not be empty.');
  const updates = (state.branches[flags.branch] || []).slice(0, Number(flags.limit || 25));
  const page = updates.map((u) => ({ branch: flags.branch, message: '"' + u.message + '" (2 minutes ago by ci)', runtimeVersion: '1.0.0', isRollBackToEmbedded: false, group: u.group, platforms: 'android, ios' }));
  process.stdout.write(JSON.stringify({ name: flags.branch, id: 'branch-' + flags.branch, currentPage: page }, null, 2) + '\n');
  process.exit(0);
}
if (flags['non-interactive'] && !flags.group) fail('Only --group can be used in non-interactive mode');
if (flags['non-interactive'] && !flags.message) fail('Must supply --message when in non-interactive mode');
const source = Object.entries(state.branches).find(([, list]) => list.some((u) => u.group === flags.group));
if (!source) fail('There are no published updates found');
const target = flags['destination-branch'] || source[0];
const group = require('crypto').randomUUID();
(state.branches[target] = state.branches[target] || []).unshift({ group, message: flags.message });
fs.writeFileSync(process.env.STAND_IN_EAS, JSON.stringify(state));
process.stderr.write('✔ Republished update group ' + flags.group + ' to branch ' + target + ' as ' + group + '\n');
`;

const AWS = String.raw`#!/usr/bin/env node
const fs = require('fs');
fs.appendFileSync(process.env.STAND_IN_LOG, 'aws ' + process.argv.slice(2).join(' ') + '\n');
const load = () => {
  const state = JSON.parse(fs.readFileSync(process.env.STAND_IN_EB, 'utf8'));
  if (state.swap && Date.now() >= state.swap.at) {
    const a = state.environments.find((e) => e.EnvironmentName === state.swap.a);
    const b = state.environments.find((e) => e.EnvironmentName === state.swap.b);
    [a.CNAME, b.CNAME] = [b.CNAME, a.CNAME];
    a.Status = b.Status = 'Ready';
    delete state.swap;
    fs.writeFileSync(process.env.STAND_IN_EB, JSON.stringify(state));
  }
  return state;
};
const [service, command, ...rest] = process.argv.slice(2);
const takes = {
  'describe-environments': ['application-name', 'environment-names', 'include-deleted', 'no-include-deleted', 'environment-ids', 'version-label'],
  'swap-environment-cnames': ['source-environment-name', 'destination-environment-name', 'source-environment-id', 'destination-environment-id'],
  wait: ['application-name', 'environment-names', 'environment-ids', 'include-deleted', 'no-include-deleted'],
}[command];
if (service !== 'elasticbeanstalk' || !takes) { process.stderr.write('aws: error: argument operation: Invalid choice\n'); process.exit(252); }
const sub = command === 'wait' ? rest.shift() : undefined;
if (command === 'wait' && sub !== 'environment-updated') { process.stderr.write('aws: error: argument subcommand: Invalid choice\n'); process.exit(252); }
const args = {};
for (let i = 0; i < rest.length; i++) {
  const name = rest[i].replace(/^--/, '');
  if (!rest[i].startsWith('--') || !takes.includes(name)) { process.stderr.write('\nUnknown options: ' + rest[i] + '\n'); process.exit(252); }
  const values = [];
  while (rest[i + 1] !== undefined && !rest[i + 1].startsWith('--')) values.push(rest[++i]);
  args[name] = values;
}
const select = (state) => state.environments.filter((e) => !args['environment-names'] || args['environment-names'].includes(e.EnvironmentName));
if (command === 'describe-environments') {
  process.stdout.write(JSON.stringify({ Environments: select(load()) }, null, 4) + '\n');
  process.exit(0);
}
if (command === 'swap-environment-cnames') {
  const state = load();
  const names = [args['source-environment-name'], args['destination-environment-name']].map((v) => v && v[0]);
  for (const name of names) {
    const env = state.environments.find((e) => e.EnvironmentName === name);
    if (!env) { process.stderr.write('\nAn error occurred (InvalidParameterValue) when calling the SwapEnvironmentCNAMEs operation: No Environment found for EnvironmentName = \'' + name + '\'.\n'); process.exit(254); }
    if (env.Status !== 'Ready') { process.stderr.write('\nAn error occurred (InvalidParameterValue) when calling the SwapEnvironmentCNAMEs operation: Environment named ' + name + ' is in an invalid state for this operation. Must be Ready.\n'); process.exit(254); }
  }
  for (const name of names) state.environments.find((e) => e.EnvironmentName === name).Status = 'Updating';
  state.swap = { a: names[0], b: names[1], at: Date.now() + state.swapMs };
  fs.writeFileSync(process.env.STAND_IN_EB, JSON.stringify(state));
  process.exit(0);
}
let attempts = 0;
const poll = () => {
  if (select(load()).every((e) => e.Status === 'Ready')) process.exit(0);
  if (++attempts > 100) { process.stderr.write('\nWaiter EnvironmentUpdated failed: Max attempts exceeded\n'); process.exit(255); }
  setTimeout(poll, 100);
};
poll();
`;

export function cliStandIns(initial: { eas?: EasState; eb?: EbState }): StandIns {
  const root = mkdtempSync(path.join(tmpdir(), 'ra-clis-'));
  const bin = path.join(root, 'bin');
  mkdirSync(bin);
  const files = {
    eas: path.join(root, 'eas.json'),
    eb: path.join(root, 'eb.json'),
    log: path.join(root, 'calls'),
  };
  writeFileSync(files.eas, JSON.stringify(initial.eas ?? { branches: {} }));
  writeFileSync(files.eb, JSON.stringify(initial.eb ?? { environments: [], swapMs: 0 }));
  writeFileSync(files.log, '');
  // The stand-ins are CommonJS scripts without an extension: Node takes their module
  // type from the nearest package.json, so this one says it, whatever /tmp holds.
  writeFileSync(path.join(bin, 'package.json'), '{"type": "commonjs"}\n');
  for (const [name, source] of [
    ['eas', EAS],
    ['aws', AWS],
  ] as const) {
    writeFileSync(path.join(bin, name), source);
    chmodSync(path.join(bin, name), 0o755);
  }
  return {
    env: {
      PATH: `${bin}:${process.env['PATH']}`,
      STAND_IN_EAS: files.eas,
      STAND_IN_EB: files.eb,
      STAND_IN_LOG: files.log,
    },
    calls: () => readFileSync(files.log, 'utf8').trim().split('\n').filter(Boolean),
    eas: () => JSON.parse(readFileSync(files.eas, 'utf8')) as EasState,
    eb: () => JSON.parse(readFileSync(files.eb, 'utf8')) as EbState,
  };
}
