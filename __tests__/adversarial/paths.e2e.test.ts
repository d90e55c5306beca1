/**
 * Paths, symbolic links and FIFOs: every file an input names is read or written
 * only inside the checkout, only if it is a regular file, and never by blocking
 * on a pipe or a device.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHECKLIST, on, runCorpus, type Attack } from '../support/adversarial.js';
import type { ActionRun } from '../support/run-action.js';

const fifo = (workspace: string, name: string) => {
  mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
  execFileSync('mkfifo', [path.join(workspace, name)]);
};
const link = (workspace: string, name: string, to: string) => {
  mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
  symlinkSync(to, path.join(workspace, name));
};
const healthy = '{"healthy": false, "probes": [{"name": "api", "healthy": false}]}';

const reads: Attack[] = [
  {
    title: 'a checklist that is a FIFO would block the read forever',
    action: 'verify-checklist',
    inputs: () => on.checklist(),
    setup: (w) => fifo(w, 'RELEASE.md'),
    refuses: { input: 'sources', says: /not a file/ },
  },
  {
    title: 'a checklist linked to /etc/passwd',
    action: 'verify-checklist',
    inputs: () => on.checklist(),
    setup: (w) => link(w, 'RELEASE.md', '/etc/passwd'),
    refuses: { input: 'sources', says: /outside the repository/ },
  },
  {
    title: 'a checklist linked to /dev/zero',
    action: 'verify-checklist',
    inputs: () => on.checklist(),
    setup: (w) => link(w, 'RELEASE.md', '/dev/zero'),
    refuses: { input: 'sources', says: /outside the repository/ },
  },
  {
    title: 'a checklist reached through a linked folder that leads out',
    action: 'verify-checklist',
    inputs: () => on.checklist({ sources: 'docs/passwd' }),
    setup: (w) => link(w, 'docs', '/etc'),
    refuses: { input: 'sources', says: /outside the repository/ },
  },
  {
    title: 'a checklist path with a NUL-free but encoded dot-dot',
    action: 'verify-checklist',
    inputs: () => on.checklist({ sources: 'docs/..%2f..%2fetc/passwd' }),
    refuses: { input: 'sources', says: /does not exist/ },
  },
  {
    title: 'a checklist path that climbs out and back in',
    action: 'verify-checklist',
    inputs: () => on.checklist({ sources: '../workspace/../../etc/passwd' }),
    refuses: { input: 'sources', says: /outside the repository/ },
  },
  {
    title: 'a changelog that is a FIFO',
    action: 'verify-checklist',
    inputs: () => on.checklist({ changelog: 'CHANGELOG.md', tag: 'v1.4.0' }),
    files: { 'RELEASE.md': CHECKLIST },
    setup: (w) => fifo(w, 'CHANGELOG.md'),
    refuses: { input: 'changelog', says: /not a file/ },
  },
  {
    title: 'a version file linked out of the checkout',
    action: 'verify-checklist',
    inputs: () => on.checklist({ 'version-files': 'package.json', tag: 'v1.4.0' }),
    files: { 'RELEASE.md': CHECKLIST },
    setup: (w) => link(w, 'package.json', '/etc/hostname'),
    refuses: { input: 'version-files', says: /outside the repository/ },
  },
  {
    title: 'a healthcheck config that is a FIFO',
    action: 'healthcheck',
    inputs: () => ({ config: '.github/health.yml' }),
    setup: (w) => fifo(w, '.github/health.yml'),
    refuses: { input: 'config', says: /not a file/ },
  },
  {
    title: 'a healthcheck config that is a folder',
    action: 'healthcheck',
    inputs: () => ({ config: '.github' }),
    setup: (w) => mkdirSync(path.join(w, '.github')),
    refuses: { input: 'config', says: /not a file/ },
  },
  {
    title: 'a healthcheck config linked to the runner’s environment',
    action: 'healthcheck',
    inputs: () => ({ config: 'health.yml' }),
    setup: (w) => link(w, 'health.yml', '/proc/self/environ'),
    refuses: { input: 'config', says: /outside the repository/ },
  },
  {
    title: 'an incident template that is a FIFO',
    action: 'open-incident-issue',
    inputs: () => on.incident({ template: 'incident.md', report: healthy }),
    setup: (w) => fifo(w, 'incident.md'),
    refuses: { input: 'template', says: /not a file/ },
  },
  {
    title: 'an incident template larger than 1 MiB',
    action: 'open-incident-issue',
    inputs: () => on.incident({ template: 'incident.md', report: healthy }),
    setup: (w) => writeFileSync(path.join(w, 'incident.md'), 'x'.repeat(1024 * 1024 + 1)),
    refuses: { input: 'template', says: /larger than 1 MiB/ },
  },
];

/** The record's name today: a FIFO or a link there is no record, so the incident gets the next name. */
const today = () => `${new Date().toISOString().slice(0, 10)}-api-production-healthcheck`;
const recordedBeside = (run: ActionRun) => {
  expect(run.code).toBe(0);
  expect(run.outputs['action']).toBe('created');
  expect(readFileSync(path.join(run.workspace, 'ops', `${today()}-2.md`), 'utf8')).toContain('# [P1] api');
};

const writes: Attack[] = [
  {
    title: 'a record file that is a FIFO would block the write forever',
    action: 'open-incident-issue',
    inputs: () => on.incident({ 'record-dir': 'ops', 'github-token': '' }),
    setup: (w) => fifo(w, `ops/${today()}.md`),
    timeoutMs: 10_000,
    safe: {
      is: 'never opened: the incident is recorded beside it',
      check: (run) => recordedBeside(run),
    },
  },
  {
    title: 'a record-dir that is a file',
    action: 'open-incident-issue',
    inputs: () => on.incident({ 'record-dir': 'ops/incidents', 'github-token': '', report: healthy }),
    files: { ops: 'not a folder' },
    refuses: { input: 'record-dir', says: /needs "ops" to be a folder, and it is a file/ },
  },
  {
    title: 'a record-dir linked to /tmp',
    action: 'open-incident-issue',
    inputs: () => on.incident({ 'record-dir': 'ops', 'github-token': '', report: healthy }),
    setup: (w) => link(w, 'ops', '/tmp'),
    refuses: { input: 'record-dir', says: /outside the repository/ },
  },
  {
    title: 'a record file linked to a file outside the checkout',
    action: 'open-incident-issue',
    inputs: () => on.incident({ 'record-dir': 'ops', 'github-token': '' }),
    setup: (w) => link(w, `ops/${today()}.md`, '/tmp/ra-pwned.md'),
    safe: {
      is: 'never followed: the incident is recorded beside it',
      check: (run) => {
        recordedBeside(run);
        expect(existsSync('/tmp/ra-pwned.md')).toBe(false);
      },
    },
  },
  {
    title: 'a record-dir that climbs out',
    action: 'open-incident-issue',
    inputs: () => on.incident({ 'record-dir': 'ops/../../x', 'github-token': '', report: healthy }),
    refuses: { input: 'record-dir', says: /outside the repository/ },
  },
  {
    title: 'an absolute record-dir',
    action: 'open-incident-issue',
    inputs: () => on.incident({ 'record-dir': '/tmp/records', 'github-token': '', report: healthy }),
    refuses: { input: 'record-dir', says: /relative to the repository|outside/ },
  },
];

const sockets: Attack[] = [
  {
    title: 'an HAProxy socket path that is a regular file',
    action: 'shift-traffic',
    inputs: (t) => on.shift(t, { 'haproxy-socket': path.join(t.binDir, 'gcloud') }),
    safe: {
      is: 'one line: the runtime API cannot be reached, nothing moved',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(
          /::error::shift-traffic: cannot reach the HAProxy runtime API at .* \((ECONNREFUSED|ENOTSOCK)\)/,
        );
      },
    },
  },
  {
    title: 'an HAProxy socket path that does not exist',
    action: 'rollback',
    inputs: (t) => on.rollback(t, { 'haproxy-socket': `${t.socket}.missing` }),
    safe: {
      is: 'one line naming the socket and ENOENT',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(
          /::error::rollback: cannot reach the HAProxy runtime API at .*missing \(ENOENT\)/,
        );
      },
    },
  },
  {
    title: 'an HAProxy socket path with a line break',
    action: 'deploy-canary',
    inputs: (t) => on.deploy(t, { 'haproxy-socket': `${t.socket}\nx` }),
    refuses: { input: 'haproxy-socket', says: /must be an absolute path/ },
  },
];

runCorpus({
  'paths, symbolic links and FIFOs (reads)': reads,
  'paths, symbolic links and FIFOs (writes)': writes,
  'paths to sockets': sockets,
});
