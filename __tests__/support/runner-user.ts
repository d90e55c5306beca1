/**
 * GitHub's hosted runners run every step as the user "runner" (not root), with
 * passwordless sudo from /etc/sudoers.d/runner (actions/runner-images, the Ubuntu
 * image's configure-system step). Tests that run our workflows "as GitHub runs them"
 * make the same user here: ra-runner with that sudo rule, and ra-nosudo without it.
 * Making users needs root; as anyone else there is no such user and those tests say so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import type { RunnerUser } from '../../tools/workflow-harness/steps.js';

export interface TestUser extends RunnerUser {
  name: string;
}

const idOf = (name: string, flag: '-u' | '-g') =>
  Number(execFileSync('id', [flag, name], { encoding: 'utf8' }));

function ensureUser(name: string, sudo: boolean): TestUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    execFileSync('id', [name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--create-home', '--shell', '/bin/bash', name]);
  }
  const rule = `/etc/sudoers.d/${name}`;
  if (sudo && !existsSync(rule)) writeFileSync(rule, `${name} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
  return { name, uid: idOf(name, '-u'), gid: idOf(name, '-g') };
}

/** The hosted runner's user: not root, passwordless sudo. */
export const runnerUser = (): TestUser | undefined => ensureUser('ra-runner', true);

/** A self-hosted runner's user without sudo. */
export const userWithoutSudo = (): TestUser | undefined => ensureUser('ra-nosudo', false);
