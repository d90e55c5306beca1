/**
 * Encodings, control and zero-width characters, homoglyphs: text that looks right
 * and is not. A revision, provider, severity or service that differs from the
 * real one by an invisible or look-alike character must not pass as it, and
 * nothing invisible may reach a socket, a fingerprint or a label.
 */
import { on, runCorpus, type Attack } from '../support/adversarial.js';

const ZWSP = '\u200b';
const CYRILLIC_A = '\u0430';
const RLO = '\u202e';
const BOM = '\ufeff';

const encodings: Attack[] = [
  {
    title: 'a revision with a zero-width space',
    action: 'shift-traffic',
    inputs: (t) => on.shift(t, { 'canary-revision': `gre${ZWSP}en` }),
    refuses: { input: 'canary-revision', says: /must be a revision name/ },
  },
  {
    title: 'a revision with a Cyrillic a that looks Latin',
    action: 'rollback',
    inputs: (t) => on.rollback(t, { 'to-revision': `bl${CYRILLIC_A}ue` }),
    refuses: { input: 'to-revision', says: /must be a revision name/ },
  },
  {
    title: 'a provider spelled with a Cyrillic a',
    action: 'deploy-canary',
    inputs: (t) => on.deploy(t, { provider: `h${CYRILLIC_A}proxy` }),
    refuses: { input: 'provider', says: /must be one of/ },
  },
  {
    title: 'a provider with a trailing zero-width space',
    action: 'shift-traffic',
    inputs: (t) => on.shift(t, { provider: `haproxy${ZWSP}` }),
    refuses: { input: 'provider', says: /must be one of/ },
  },
  {
    title: 'a backend with a right-to-left override',
    action: 'shift-traffic',
    inputs: (t) => on.shift(t, { 'haproxy-backend': `app${RLO}ppa` }),
    refuses: { input: 'haproxy-backend', says: /must be an HAProxy backend name/ },
  },
  {
    title: 'a severity with a Cyrillic P',
    action: 'open-incident-issue',
    inputs: () => on.incident({ severity: '\u04201' }),
    refuses: { input: 'severity', says: /must be one of P0, P1, P2, P3|P0/ },
  },
  {
    title: 'a service with a zero-width space would split one incident in two',
    action: 'open-incident-issue',
    inputs: () => on.incident({ service: `a${ZWSP}pi` }),
    safe: {
      is: 'opened as the incident of api: the invisible character is dropped',
      check: (run, t) => {
        expect(run.code).toBe(0);
        expect(t.github.issues.at(-1)!.body).toContain('release-actions incident: api/');
      },
    },
  },
  {
    title: 'an environment with a right-to-left override',
    action: 'open-incident-issue',
    inputs: () => on.incident({ environment: `prod${RLO}` }),
    safe: {
      is: 'opened for prod, the override dropped',
      check: (run, t) => {
        expect(run.code).toBe(0);
        const { title, body } = t.github.issues.at(-1)!;
        expect(title + body).not.toContain(RLO);
        expect(title).toContain('(prod)');
      },
    },
  },
  {
    title: 'a fingerprint with a NUL-like control character',
    action: 'open-incident-issue',
    inputs: () => on.incident({ fingerprint: 'api/prod/\u0007bell' }),
    refuses: { input: 'fingerprint', says: /must/ },
  },
  {
    title: 'a label that is only a zero-width space',
    action: 'open-incident-issue',
    inputs: () => on.incident({ labels: `incident, ${ZWSP}` }),
    refuses: { input: 'labels', says: /label/ },
  },
  {
    title: 'an assignee with a homoglyph',
    action: 'open-incident-issue',
    inputs: () => on.incident({ assignees: `octo${CYRILLIC_A}t` }),
    refuses: { input: 'assignees', says: /must be GitHub logins/ },
  },
  {
    title: 'a boolean written in full-width letters',
    action: 'healthcheck',
    inputs: (t) => on.healthcheck(t, undefined, { 'fail-on-unhealthy': '\uff54rue' }),
    refuses: { input: 'fail-on-unhealthy', says: /must be true or false/ },
  },
  {
    title: 'a boolean with a trailing zero-width space',
    action: 'verify-checklist',
    inputs: () => on.checklist({ hotfix: `true${ZWSP}` }),
    refuses: { input: 'hotfix', says: /must be true or false/ },
  },
  {
    title: 'a duration with Arabic-Indic digits',
    action: 'healthcheck',
    inputs: (t) => on.healthcheck(t, undefined, { timeout: '\u0665s' }),
    refuses: { input: 'timeout', says: /must be a duration/ },
  },
  {
    title: 'a whole number with full-width digits',
    action: 'healthcheck',
    inputs: (t) => on.healthcheck(t, undefined, { samples: '\uff13' }),
    refuses: { input: 'samples', says: /whole number/ },
  },
  {
    title: 'steps with a non-breaking space and a full-width percent',
    action: 'shift-traffic',
    inputs: (t) => on.shift(t, { steps: '10\u00a0\uff05,100' }),
    refuses: { input: 'steps', says: /steps|weights/ },
  },
  {
    title: 'a probe URL whose host is an IDN homoglyph is sent as punycode, never as look-alike text',
    action: 'healthcheck',
    inputs: () =>
      on.healthcheck({} as never, `[{name: api, url: "http://${CYRILLIC_A}pi.invalid/health"}]`, {
        retries: '0',
        timeout: '2s',
      }),
    safe: {
      is: 'the probe is down (the host does not resolve) and the log names the punycode host',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(run.stdout).toContain('xn--');
      },
    },
  },
  {
    title: 'a probe name made only of a zero-width space',
    action: 'healthcheck',
    inputs: (t) => on.healthcheck(t, `[{name: "${ZWSP}", url: "${t.service.url}/health"}]`),
    refuses: { input: 'probes', says: /name/ },
  },
  {
    title: 'two probe names that differ by a zero-width space',
    action: 'healthcheck',
    inputs: (t) =>
      on.healthcheck(
        t,
        `[{name: api, url: "${t.service.url}/health"}, {name: "a${ZWSP}pi", url: "${t.service.url}/health"}]`,
      ),
    refuses: { input: 'probes', says: /name/ },
  },
  {
    title: 'probes YAML that starts with a byte-order mark',
    action: 'healthcheck',
    inputs: (t) => on.healthcheck(t, `${BOM}[{name: api, url: "${t.service.url}/health"}]`),
    safe: {
      is: 'the mark is ignored, as YAML parsers do, and the probe runs',
      check: (run) => expect(run.code).toBe(0),
    },
  },
  {
    title: 'a header value with a zero-width space, which Node refuses to send',
    action: 'healthcheck',
    inputs: (t) =>
      on.healthcheck(t, `[{name: api, url: "${t.service.url}/health", headers: {X-Trace: "a${ZWSP}b"}}]`),
    refuses: { input: 'probes', says: /header|control/ },
  },
  {
    title: 'a checklist tick written with a full-width x is not a tick',
    action: 'verify-checklist',
    inputs: () => on.checklist(),
    files: { 'RELEASE.md': '## Release\n- [\uff58] Staging deployment successful\n' },
    safe: {
      is: 'the item is not ticked; the gate fails',
      check: (run) => expect(run.code).toBe(1),
    },
  },
  {
    title: 'a checklist file that is not UTF-8',
    action: 'verify-checklist',
    inputs: () => on.checklist(),
    files: { 'RELEASE.md': Buffer.from([0xff, 0xfe, 0x23, 0x00, 0x20, 0x00]).toString('latin1') },
    safe: {
      is: 'read as text with replacement characters; no item, so the gate fails with one line',
      check: (run) => expect(run.code).toBe(1),
    },
  },
  {
    title: 'a rollback reason with a right-to-left override is shown with the override removed',
    action: 'rollback',
    inputs: (t) =>
      on.commandRouter(t, { blue: 0, green: 100 }, { 'to-revision': 'blue', reason: `ok ${RLO}kcab dellor` }),
    safe: {
      is: 'rolled back; the summary carries no bidirectional control',
      check: (run) => {
        expect(run.code).toBe(0);
        expect(run.summary).not.toContain(RLO);
      },
    },
  },
];

runCorpus({ 'encodings, control and zero-width characters, homoglyphs': encodings });
