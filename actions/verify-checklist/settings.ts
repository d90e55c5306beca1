import { refuse } from '../../shared/core/schema-kit.js';
import { linearPattern } from '../../shared/core/user-pattern.js';
import * as z from 'zod/mini';
import { defaultRules, type ChecklistRules } from '../../shared/core/checklist/gate.js';
import { parseVersionFileRef, type VersionFileRef } from '../../shared/core/release/version-files.js';
import { WEEKDAYS, type ReleaseWindow, type Weekday } from '../../shared/core/release/release-window.js';
import { ConfigurationError } from '../../shared/core/errors.js';
import { versionOfTag } from '../../shared/core/release/version.js';
import {
  booleanInput,
  listEntries,
  optionalInput,
  yamlText,
  type InputExamples,
} from '../../shared/core/schema-kit.js';

export type ChecklistSourceRef =
  | { kind: 'pull-request' }
  | { kind: 'release-issue' }
  | { kind: 'issue'; number: number }
  | { kind: 'file'; path: string };

function sourceRef(entry: string): ChecklistSourceRef | string {
  if (entry === 'pull-request') return { kind: 'pull-request' };
  if (entry === 'release-issue') return { kind: 'release-issue' };
  const issue = /^(?:issue:|#)(.*)$/.exec(entry);
  if (issue) {
    const number = /^\d{1,9}$/.test(issue[1] ?? '') ? Number(issue[1]) : 0;
    return number > 0
      ? { kind: 'issue', number }
      : `names "${entry}", which is not issue:<number> (issue:42)`;
  }
  const path = entry.startsWith('file:') ? entry.slice(5) : entry;
  if (path === '' || (!entry.startsWith('file:') && !/[./]/.test(path)))
    return `names an unknown source "${entry}": use pull-request, release-issue, issue:<number> or a file path such as RELEASE_CHECKLIST.md`;
  return { kind: 'file', path };
}

const sources = z.pipe(
  z.string(),
  z.transform((text, ctx) => {
    const refs: ChecklistSourceRef[] = [];
    for (const entry of listEntries(text)) {
      const ref = sourceRef(entry);
      if (typeof ref === 'string') {
        refuse(ctx, [], ref);
        return z.NEVER;
      }
      refs.push(ref);
    }
    return refs;
  }),
);

const regex = linearPattern(
  () => 'must be regular expressions without backreferences or lookaround (they run in linear time)',
);

const rules = z.pipe(
  z.nullish(
    z.strictObject({
      sections: z._default(
        z.array(z.string().check(z.minLength(1)), { message: 'must be a list of section headings' }),
        [],
      ),
      minimum: z._default(
        z.record(
          z.string(),
          z
            .number({ message: 'must map a heading to a whole number' })
            .check(z.refine((n: number) => Number.isSafeInteger(n), 'must be a whole number'))
            .check(z.gte(1, 'must be at least 1')),
          { message: 'must map section headings to a number of ticked items' },
        ),
        {},
      ),
      optional: z._default(
        z.array(z.string().check(z.minLength(1)), { message: 'must be a list of markers' }),
        [...defaultRules.optional],
      ),
      ignore: z._default(z.array(regex, { message: 'must be a list of regular expressions' }), []),
    }),
  ),
  z.transform((r): ChecklistRules => r ?? defaultRules),
);

const weekday = z.pipe(
  z.string(),
  z.transform((s, ctx) => {
    const day = WEEKDAYS.find(
      (d) =>
        d.toLowerCase() === s.trim().toLowerCase() || d.slice(0, 3).toLowerCase() === s.trim().toLowerCase(),
    );
    if (!day) {
      refuse(ctx, [], 'must be weekday names such as Friday');
      return z.NEVER;
    }
    return day as Weekday;
  }),
);

const clock = /^([01]\d|2[0-3]):([0-5]\d)$/;
const minutesOf = (t: string) => {
  const [, h, m] = clock.exec(t) as RegExpExecArray;
  return Number(h) * 60 + Number(m);
};

const WINDOW_SHAPE = 'must be true or a mapping such as {time-zone: Europe/Berlin, hours: 09:00-16:00}';

const window = z.pipe(
  z.union([
    z.pipe(
      z.literal(true, { message: WINDOW_SHAPE }),
      z.transform(() => ({})),
    ),
    z.strictObject(
      {
        'time-zone': z.optional(
          z.string().check(
            z.refine((zone) => {
              try {
                new Intl.DateTimeFormat('en-US', { timeZone: zone });
                return true;
              } catch {
                return false;
              }
            }, 'must be an IANA time zone such as Europe/Berlin'),
          ),
        ),
        'blocked-weekdays': z.optional(z.array(weekday, { message: 'must be a list of weekday names' })),
        'blocked-dates': z.optional(
          z.array(
            z.pipe(
              z.union([z.string(), z.date()]),
              z.transform((d, ctx) => {
                const text = d instanceof Date ? d.toISOString().slice(0, 10) : d.trim();
                if (!/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(text)) {
                  refuse(ctx, [], 'must be dates written YYYY-MM-DD');
                  return z.NEVER;
                }
                // 2026-02-30 has the shape of a date but never comes: the freeze it lists never holds.
                if (new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) !== text) {
                  refuse(ctx, [], `must be real dates (${text} does not exist)`);
                  return z.NEVER;
                }
                return text;
              }),
            ),
            { message: 'must be a list of dates written YYYY-MM-DD' },
          ),
        ),
        hours: z.optional(
          z
            .pipe(
              z
                .string()
                .check(z.regex(/^\d\d:\d\d-\d\d:\d\d$/, 'must be HH:MM-HH:MM such as 09:00-16:00'))
                .check(
                  z.refine(
                    (h) => h.split('-').every((t) => clock.test(t)),
                    'must use times from 00:00 to 23:59',
                  ),
                ),
              z.transform((h) => {
                const [from, to] = h.split('-').map(minutesOf) as [number, number];
                return { from, to };
              }),
            )
            .check(z.refine((h) => h.from < h.to, 'must start before it ends (09:00-16:00)')),
        ),
      },
      { message: WINDOW_SHAPE },
    ),
  ]),
  z.transform((w): ReleaseWindow => ({
    timeZone: ('time-zone' in w && w['time-zone']) || 'UTC',
    blockedWeekdays: ('blocked-weekdays' in w && w['blocked-weekdays']) || ['Friday'],
    blockedDates: ('blocked-dates' in w && w['blocked-dates']) || [],
    ...('hours' in w && w.hours && { hours: w.hours }),
  })),
);

const repoPath = z
  .string()
  .check(z.trim())
  .check(z.minLength(1))
  .check(z.regex(/^[^\n]+$/, 'must be one path'));

export const checklistInputs = z.object({
  /** Where checklists are: pull-request, release-issue, issue:<n> and file paths. */
  sources,
  rules: optionalInput(yamlText(rules)),
  /** The label of the open release issue that `release-issue` reads. */
  'release-label': z
    .string()
    .check(z.trim())
    .check(z.minLength(1, 'is required for release-issue (for example release)'))
    .check(z.maxLength(50, 'must be at most 50 characters, as GitHub allows'))
    .check(
      z.regex(
        /^[^\p{Cc}\p{Cf}]*$/u,
        'must be one label, without line breaks, control or invisible characters',
      ),
    ),
  'github-token': z.string().check(z.trim()),
  /** The release tag (default: the tag this run was pushed for). */
  tag: z.string().check(z.trim()),
  'tag-prefix': z
    .string()
    .check(z.trim())
    .check(z.regex(/^[\w./-]*$/, 'must be letters, digits, . _ - or / (for example api-)')),
  changelog: optionalInput(repoPath),
  'version-files': z.pipe(
    z.string(),
    z.transform((text, ctx) => {
      const refs: VersionFileRef[] = [];
      for (const entry of listEntries(text)) {
        const ref = parseVersionFileRef(entry);
        if (!ref) {
          refuse(ctx, [], `names "${entry}", which is not a file or file#json.path`);
          return z.NEVER;
        }
        refs.push(ref);
      }
      return refs;
    }),
  ),
  'build-numbers': optionalInput(repoPath),
  'check-tag': booleanInput,
  'release-window': optionalInput(yamlText(window)),
  hotfix: booleanInput,
});

export type ChecklistSettings = z.output<typeof checklistInputs>;

export const checklistExamples: InputExamples<typeof checklistInputs> = {
  sources: 'sources: pull-request, RELEASE_CHECKLIST.md',
  rules: 'rules: "{sections: [Code Quality], minimum: {Testing: 3}, ignore: [\'^Performance\']}"',
  'release-label': 'release-label: release',
  'github-token': 'github-token: ${{ github.token }}',
  tag: 'tag: v1.4.0',
  'tag-prefix': 'tag-prefix: api-',
  changelog: 'changelog: CHANGELOG.md',
  'version-files': 'version-files: package.json, app.json',
  'build-numbers': 'build-numbers: app.json',
  'check-tag': 'check-tag: true',
  'release-window':
    'release-window: "{time-zone: Europe/Berlin, blocked-weekdays: [Friday], hours: 09:00-16:00}"',
  hotfix: 'hotfix: true',
};

/**
 * The tag and version the fact checks compare against, from the tag input or the
 * ref this run was pushed for; and the checks that need one and have none.
 */
export function releaseOf(settings: ChecklistSettings, ref: string | undefined) {
  const prefix = settings['tag-prefix'];
  const versionFacts = Boolean(
    settings.changelog || settings['version-files'].length || settings['build-numbers'],
  );
  const tag = settings.tag || (ref?.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : '');
  if ((versionFacts || settings['check-tag']) && !tag)
    throw new ConfigurationError(
      'tag',
      'is required for changelog, version-files, build-numbers and check-tag, and this run was not started by a tag push',
      checklistExamples.tag,
    );
  const version = tag ? versionOfTag(tag, prefix) : undefined;
  if (versionFacts && !version)
    throw new ConfigurationError(
      'tag',
      `is "${tag}", which is not ${prefix}<semver>, so there is no version to check files against`,
      checklistExamples.tag,
    );
  if (!settings.sources.length && !versionFacts && !settings['check-tag'] && !settings['release-window'])
    throw new ConfigurationError(
      'sources',
      'is empty and no fact check is on: there is nothing to verify',
      checklistExamples.sources,
    );
  if (
    settings.sources.some((s) => s.kind === 'issue' || s.kind === 'release-issue') &&
    !settings['github-token']
  )
    throw new ConfigurationError(
      'github-token',
      'is required to read checklists from issues',
      checklistExamples['github-token'],
    );
  return { tag, prefix, version };
}
