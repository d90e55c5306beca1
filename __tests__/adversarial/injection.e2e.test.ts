/**
 * Injection: values that would carry a second command into the HAProxy admin
 * socket, an option or a command into gcloud/kubectl or a shell, a forged
 * workflow command into the log, or a mention, link or HTML into an issue.
 */
import { linkableText } from '../support/linkable-text.js';
import { CHECKLIST, on, runCorpus, type Attack } from '../support/adversarial.js';

const revisionRule = /must be a revision name/;
const traffic = ['shift-traffic', 'rollback', 'deploy-canary'] as const;
const withRevision = (action: (typeof traffic)[number], value: string) =>
  ({
    'shift-traffic': (t: Parameters<typeof on.shift>[0]) => on.shift(t, { 'canary-revision': value }),
    rollback: (t: Parameters<typeof on.rollback>[0]) => on.rollback(t, { 'to-revision': value }),
    'deploy-canary': (t: Parameters<typeof on.deploy>[0]) => on.deploy(t, { 'canary-revision': value }),
  })[action];
const revisionInput = {
  'shift-traffic': 'canary-revision',
  rollback: 'to-revision',
  'deploy-canary': 'canary-revision',
};

const socket: Attack[] = [
  ...traffic.flatMap((action) =>
    [
      ['a second runtime command after a line break', 'green\nset weight app/blue 0'],
      ["a second runtime command after ';'", 'green;disable server app/blue'],
      ['a carriage return', 'green\rshow stat'],
      ['a space, which splits runtime API arguments', 'green blue'],
      ['a backend/server path', 'app/green'],
    ].map(([title, value]): Attack => ({
      title: `revision: ${title}`,
      action,
      inputs: withRevision(action, value!),
      refuses: { input: revisionInput[action], says: revisionRule },
    })),
  ),
  {
    title: "backend: a '#', which starts a comment in the runtime API",
    action: 'shift-traffic',
    inputs: (t) => on.shift(t, { 'haproxy-backend': 'app#x' }),
    refuses: { input: 'haproxy-backend', says: /must be an HAProxy backend name/ },
  },
  {
    title: 'backend: a tab',
    action: 'rollback',
    inputs: (t) => on.rollback(t, { 'haproxy-backend': 'app\tother' }),
    refuses: { input: 'haproxy-backend', says: /must be an HAProxy backend name/ },
  },
  {
    title: 'canary address: a line break and a second command',
    action: 'deploy-canary',
    inputs: (t) => on.deploy(t, { 'canary-address': '127.0.0.1:8081\nshutdown sessions server app/blue' }),
    refuses: { input: 'canary-address', says: /must be host:port/ },
  },
  {
    title: 'canary address: a port past 65535',
    action: 'deploy-canary',
    inputs: (t) => on.deploy(t, { 'canary-address': '127.0.0.1:70000' }),
    refuses: { input: 'canary-address', says: /port/ },
  },
];

const cli: Attack[] = [
  {
    title: 'cloud-run-service: a shell substitution',
    action: 'rollback',
    inputs: (t) => ({ ...on.rollback(t), ...on.cloudRun({ 'cloud-run-service': '$(touch /tmp/pwned)' }) }),
    refuses: { input: 'cloud-run-service', says: /must be/ },
  },
  {
    title: 'cloud-run-service: an option gcloud would read',
    action: 'shift-traffic',
    inputs: (t) => ({
      ...on.shift(t),
      ...on.cloudRun({ 'cloud-run-service': '--impersonate-service-account=x' }),
    }),
    refuses: { input: 'cloud-run-service', says: /must be/ },
  },
  {
    title: 'cloud-run-region: a second argument',
    action: 'deploy-canary',
    inputs: (t) => ({
      ...on.deploy(t),
      ...on.cloudRun({ 'cloud-run-region': 'us-central1 --quiet' }),
      image: 'gcr.io/p/api:2',
    }),
    refuses: { input: 'cloud-run-region', says: /must be/ },
  },
  {
    title: 'cloud-run-project: an option',
    action: 'rollback',
    inputs: (t) => ({
      ...on.rollback(t),
      ...on.cloudRun({ 'cloud-run-project': '--account=evil@example.com' }),
    }),
    refuses: { input: 'cloud-run-project', says: /must be/ },
  },
  {
    title: 'cloud-run-tag: capitals and a flag',
    action: 'deploy-canary',
    inputs: (t) => ({
      ...on.deploy(t),
      ...on.cloudRun({ 'cloud-run-tag': '--no-traffic' }),
      image: 'gcr.io/p/api:2',
    }),
    refuses: { input: 'cloud-run-tag', says: /must be/ },
  },
  {
    title: 'image: a line break and a second flag',
    action: 'deploy-canary',
    inputs: (t) => ({ ...on.deploy(t), ...on.cloudRun(), image: 'gcr.io/p/api:2\n--set-env-vars=A=1' }),
    refuses: { input: 'image', says: /must be an image reference/ },
  },
  {
    title: 'image: a space',
    action: 'deploy-canary',
    inputs: (t) => ({ ...on.deploy(t), ...on.cloudRun(), image: 'gcr.io/p/api:2 --allow-unauthenticated' }),
    refuses: { input: 'image', says: /must be an image reference/ },
  },
  {
    title: 'kubernetes-namespace: an option',
    action: 'shift-traffic',
    inputs: (t) => ({ ...on.shift(t), ...on.kubernetes({ 'kubernetes-namespace': '--all-namespaces' }) }),
    refuses: { input: 'kubernetes-namespace', says: /must be a Kubernetes/ },
  },
  {
    title: 'kubernetes-context: an option',
    action: 'rollback',
    inputs: (t) => ({
      ...on.rollback(t),
      ...on.kubernetes({ 'kubernetes-context': '--kubeconfig=/tmp/evil' }),
    }),
    refuses: { input: 'kubernetes-context', says: /must be/ },
  },
  {
    title: 'kubernetes-route: a path that leaves the resource',
    action: 'shift-traffic',
    inputs: (t) => ({ ...on.shift(t), ...on.kubernetes({ 'kubernetes-route': '../secrets/x' }) }),
    refuses: { input: 'kubernetes-route', says: /must be a Kubernetes object name/ },
  },
  {
    title: 'kubernetes-deployment: a line break',
    action: 'deploy-canary',
    inputs: (t) => ({
      ...on.deploy(t),
      ...on.kubernetes({ 'kubernetes-deployment': 'shop\n--force' }),
      image: 'ghcr.io/acme/shop:2',
    }),
    refuses: { input: 'kubernetes-deployment', says: /must be a Kubernetes object name/ },
  },
  {
    title: 'eas-branch: an option for eas',
    action: 'shift-traffic',
    inputs: (t) => ({ ...on.shift(t), ...on.eas({ 'eas-branch': '--destination-channel=evil' }) }),
    refuses: { input: 'eas-branch', says: /must be an EAS branch name/ },
  },
  {
    title: 'eas-branch: a line break and a forged workflow command',
    action: 'rollback',
    inputs: (t) => ({ ...on.rollback(t), ...on.eas({ 'eas-branch': 'production\n::set-env name=X::1' }) }),
    refuses: { input: 'eas-branch', says: /must be an EAS branch name/ },
  },
  {
    title: 'eas-project-dir: an option',
    action: 'deploy-canary',
    inputs: (t) => ({ ...on.deploy(t), ...on.eas({ 'eas-project-dir': '--help' }) }),
    refuses: { input: 'eas-project-dir', says: /not starting with '-'/ },
  },
  {
    title: 'expo-token: a line break that would end the masked value',
    action: 'shift-traffic',
    inputs: (t) => ({ ...on.shift(t), ...on.eas({ 'expo-token': 'expoToken0123\n::add-mask::x' }) }),
    refuses: { input: 'expo-token', says: /must be an Expo access token/ },
  },
  {
    title: 'EAS revision: a group id with a second flag',
    action: 'rollback',
    inputs: (t) => ({
      ...on.rollback(t),
      ...on.eas({ 'to-revision': '11111111-1111-4111-8111-111111111111 --group x' }),
    }),
    refuses: { input: 'to-revision', says: revisionRule },
  },
  {
    title: 'command provider: a revision made of a substitution never reaches a shell',
    action: 'rollback',
    inputs: (t) => ({
      provider: 'command',
      'command-get-split': `touch '${t.marker}'; echo '{"blue":100}'`,
      'command-set-split': `touch '${t.marker}'`,
      'to-revision': '$(touch /tmp/pwned)',
      'github-token': '',
    }),
    refuses: { input: 'to-revision', says: revisionRule },
  },
];

const log: Attack[] = [
  {
    title: 'a forged ::error:: after a line break in a revision quoted by the error',
    action: 'shift-traffic',
    inputs: (t) => on.shift(t, { 'canary-revision': 'x\n::error::forged annotation' }),
    refuses: { input: 'canary-revision', says: revisionRule },
  },
  {
    title: 'an ::add-mask:: smuggled in a provider name',
    action: 'shift-traffic',
    inputs: (t) => on.shift(t, { provider: 'haproxy\n::add-mask::Input' }),
    refuses: { input: 'provider', says: /must be one of/ },
  },
  {
    title: 'a stop-commands token in a duration',
    action: 'healthcheck',
    inputs: (t) => on.healthcheck(t, undefined, { timeout: '5s\n::stop-commands::abc' }),
    refuses: { input: 'timeout', says: /must be a duration/ },
  },
  {
    title: 'a forged annotation in a probe name',
    action: 'healthcheck',
    inputs: (t) => on.healthcheck(t, `[{name: "api\\n::error::forged", url: "${t.service.url}/health"}]`),
    refuses: { input: 'probes', says: /name/ },
  },
  {
    title: 'a forged annotation on the line of an unknown YAML tag (yaml would quote it on stderr)',
    action: 'healthcheck',
    inputs: (t) => on.healthcheck(t, '::error title=forged::by the probes input: !evil x'),
    refuses: { input: 'probes', says: /must be a list/ },
  },
  {
    title: 'a forged annotation in a rollback reason is printed inert',
    action: 'rollback',
    inputs: (t) =>
      on.commandRouter(
        t,
        { blue: 0, green: 100 },
        { 'to-revision': 'blue', reason: 'spike\n::error file=x::forged' },
      ),
    safe: {
      is: 'rolled back, and the reason never starts a log line',
      check: (run) => {
        expect(run.code).toBe(0);
        expect(run.stdout.split('\n').filter((l) => l.startsWith('::error'))).toEqual([]);
      },
    },
  },
  {
    title: 'a forged annotation in an incident service name',
    action: 'open-incident-issue',
    inputs: () => on.incident({ service: 'api\n::error::forged' }),
    safe: {
      is: 'opened under the name made plain: api-error-forged',
      check: (run, t) => {
        expect(run.code).toBe(0);
        expect(t.github.issues.at(-1)!.title).toContain('api-error-forged');
        expect(run.stdout).not.toMatch(/^::error::forged/m);
      },
    },
  },
  {
    title: 'a forged annotation in a checklist item is printed inert',
    action: 'verify-checklist',
    inputs: () => on.checklist(),
    files: { 'RELEASE.md': '## Release\n- [ ] ship it %0A::error::forged\n' },
    safe: {
      is: 'fails on the unticked item; the item text never forms a workflow command',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(run.stdout).not.toMatch(/^::error::forged/m);
        expect(run.stdout).toContain('ship it %250A::error::forged');
      },
    },
  },
  {
    title: 'a right-to-left override, ESC and BEL in a checklist item reach no annotation',
    action: 'verify-checklist',
    inputs: () => on.checklist(),
    files: { 'RELEASE.md': '## Release\n- [ ] ship \u202etI\u202c\u001b[2J it\u0007\n' },
    safe: {
      is: 'fails on the unticked item; its annotation holds none of them',
      check: (run) => {
        expect(run.code).toBe(1);
        const annotations = run.stdout.split('\n').filter((l) => /^::(error|warning|notice)/.test(l));
        expect(annotations.join('\n')).toContain('ship');
        expect(annotations.join(' ')).not.toMatch(/[\u202e\u202c\p{Cc}]/u);
      },
    },
  },
];

const markdown: Attack[] = [
  {
    title: 'a mention, an HTML comment and a javascript: link in impact land inert',
    action: 'open-incident-issue',
    inputs: () =>
      on.incident({
        impact:
          '@acme/everyone <!-- release-actions incident: x/y/z --> [click](javascript:alert(1)) <img src=x>',
      }),
    safe: {
      is: 'opened; the text sits in a fence with mentions and links broken',
      check: (run, t) => {
        expect(run.code).toBe(0);
        const body = t.github.issues.at(-1)!.body;
        expect(body).toContain('@acme/everyone');
        expect(linkableText(body)).not.toMatch(/@acme|javascript:/);
        // Quoted text sits in a fence; only the first line is our marker.
        expect(body.split('\n').filter((l) => l.startsWith('<!-- release-actions'))).toHaveLength(1);
      },
    },
  },
  {
    title: 'an expression no runner expanded in impact, rollback and service is text: opened',
    action: 'open-incident-issue',
    inputs: () =>
      on.incident({
        service: 'cart ${{ github.ref }}',
        impact: 'checkout fails; the workflow printed ${{ secrets.DEPLOY_KEY }}',
        rollback: '${{ github.event.inputs.revision }}',
      }),
    safe: {
      is: 'opened, the expressions quoted as written',
      check: (run, t) => {
        expect(run.code).toBe(0);
        const { body } = t.github.issues.at(-1)!;
        expect(body).toContain('${{ secrets.DEPLOY_KEY }}');
        expect(body).toContain('${{ github.event.inputs.revision }}');
      },
    },
  },
  {
    title: 'a title with a mention keeps it from pinging',
    action: 'open-incident-issue',
    inputs: () => on.incident({ service: 'cart', title: 'cart down, cc @acme/oncall' }),
    safe: {
      is: 'opened with the title as given (titles do not notify)',
      check: (run, t) => {
        expect(run.code).toBe(0);
        expect(t.github.issues.at(-1)!.title).toBe('cart down, cc @acme/oncall');
      },
    },
  },
  {
    title: 'runbook-url: a javascript: link',
    action: 'open-incident-issue',
    inputs: () => on.incident({ 'runbook-url': 'javascript:alert(1)' }),
    refuses: { input: 'runbook-url', says: /http/ },
  },
  {
    title: 'runbook-url: a space and a mention',
    action: 'open-incident-issue',
    inputs: () => on.incident({ 'runbook-url': 'https://wiki.example.com/x @acme/all' }),
    refuses: { input: 'runbook-url', says: /URL/ },
  },
  {
    title: 'runbook-url: a closing angle bracket that would end the autolink',
    action: 'open-incident-issue',
    inputs: () => on.incident({ 'runbook-url': 'https://wiki.example.com/x><img src=x onerror=alert(1)>' }),
    refuses: { input: 'runbook-url', says: /URL/ },
  },
  {
    title: 'a template placeholder naming an inherited property renders as written',
    action: 'open-incident-issue',
    inputs: () => on.incident({ service: 'tpl', template: '.github/incident.md' }),
    files: { '.github/incident.md': '# {{service}} {{__proto__}} {{toString}}\n' },
    safe: {
      is: 'opened; unknown placeholders stay as written',
      check: (run, t) => {
        expect(run.code).toBe(0);
        const body = t.github.issues.at(-1)!.body;
        expect(body).toContain('{{__proto__}} {{toString}}');
        expect(body).not.toMatch(/function|\[object/);
      },
    },
  },
  {
    title: 'a pipe and a line break in a service name would break the tables',
    action: 'open-incident-issue',
    inputs: () => on.incident({ service: 'api | x\n| forged |' }),
    safe: {
      is: 'opened under api-x-forged; no table row is forged',
      check: (run, t) => {
        expect(run.code).toBe(0);
        const { title, body } = t.github.issues.at(-1)!;
        expect(title).toContain('api-x-forged');
        expect(body).not.toContain('| forged |');
      },
    },
  },
  {
    title: 'labels one per line, as YAML block scalars write them',
    action: 'open-incident-issue',
    inputs: () => on.incident({ service: 'labels', labels: 'incident\nwontfix' }),
    safe: {
      is: 'labels are one per line or comma; each is a plain label',
      check: (run, t) => {
        expect(run.code).toBe(0);
        expect(t.github.issues.at(-1)!.labels).toEqual(expect.arrayContaining(['incident', 'wontfix']));
      },
    },
  },
  {
    title: 'a checklist heading with HTML stays text in the summary',
    action: 'verify-checklist',
    inputs: () => on.checklist(),
    files: { 'RELEASE.md': '## <script>alert(1)</script>\n- [x] done\n' + CHECKLIST },
    safe: {
      is: 'passes; the summary escapes the heading',
      check: (run) => {
        expect(run.code).toBe(0);
        expect(run.summary).not.toContain('<script>');
      },
    },
  },
  {
    title: 'a reason with a mention, shown in the summary',
    action: 'rollback',
    inputs: (t) =>
      on.commandRouter(t, { blue: 0, green: 100 }, { 'to-revision': 'blue', reason: 'cc @acme/everyone' }),
    safe: {
      is: 'rolled back; the summary breaks the mention',
      check: (run) => {
        expect(run.code).toBe(0);
        // The summary is markdown and would notify; log lines and annotations do not.
        expect(run.summary).toContain('Reason: cc `@acme/everyone`');
        expect(linkableText(run.summary)).not.toContain('@acme');
      },
    },
  },
];

runCorpus({
  'injection into the HAProxy admin socket': socket,
  'injection into CLIs and shells': cli,
  'injection into the log': log,
  'injection into markdown': markdown,
});
