/**
 * GitHub issues for incidents, over Octokit with its retry and throttling plugins:
 * 5xx answers and dropped connections are retried, secondary rate limits are
 * waited out. A missing permission becomes a sentence naming the `permissions:`
 * entry to add.
 */
import { githubCall as call, githubClient } from './octokit.js';
import {
  detectedByIn,
  fingerprintIn,
  type OpenIncident,
  type ResolvedIncident,
} from '../core/incident/incident.js';

export interface IncidentTracker {
  listOpen(label: string): Promise<OpenIncident[]>;
  create(issue: {
    title: string;
    body: string;
    labels: string[];
    assignees: string[];
  }): Promise<{ number: number; url: string }>;
  comment(issue: number, body: string): Promise<void>;
  /** The incident with this fingerprint this identity last resolved (closed as completed), if any is recent. */
  lastResolved(label: string, fingerprint: string): Promise<ResolvedIncident | undefined>;
  /** When this identity last wrote on the issue (a comment, else opening it). */
  lastOwnActivity(issue: number, openedAt: Date): Promise<Date>;
  close(issue: number, reason: 'completed' | 'not_planned'): Promise<void>;
  ensureLabel(name: string, color: string, description: string): Promise<void>;
  urlOf(issue: number): string;
}

export interface GitHubOptions {
  token: string;
  apiUrl: string;
  serverUrl: string;
  owner: string;
  repo: string;
  log?: (message: string) => void;
  /** Base wait of the retry plugin; tests shorten it. */
  retryAfterMs?: number;
}

export function githubTracker(options: GitHubOptions): IncidentTracker {
  const octokit = githubClient(options);
  const { owner, repo } = options;
  /**
   * Who this token writes as: a personal or app user token answers GET /user; an
   * installation token (GITHUB_TOKEN) is refused there and writes as a bot.
   */
  let identity: Promise<string | undefined> | undefined;
  const ownLogin = () =>
    (identity ??= octokit.rest.users.getAuthenticated().then(
      (r) => r.data.login,
      () => undefined,
    ));
  /** Only issues this identity wrote can be the incident: anyone may open an issue with the label. */
  const ours = async (user: { login: string; type?: string } | null | undefined) => {
    const me = await ownLogin();
    return me ? user?.login === me : user?.type === 'Bot';
  };
  return {
    async listOpen(label) {
      const issues = await call('list issues', 'issues: read', () =>
        octokit.paginate(octokit.rest.issues.listForRepo, {
          owner,
          repo,
          state: 'open',
          labels: label,
          per_page: 100,
        }),
      );
      const mine = await Promise.all(issues.map((i) => ours(i.user)));
      return issues
        .filter((i, k) => !i.pull_request && mine[k])
        .map((i) => ({
          number: i.number,
          fingerprint: fingerprintIn(i.body) ?? '',
          ...(detectedByIn(i.body) && { detectedBy: detectedByIn(i.body) }),
          createdAt: new Date(i.created_at),
          updatedAt: new Date(i.updated_at),
        }))
        .filter((i) => i.fingerprint !== '');
    },
    async lastResolved(label, fingerprint) {
      // One page of the most recently updated closed incidents: a link to an incident
      // from long ago is not worth paging through the whole history for.
      const { data } = await call('list issues', 'issues: read', () =>
        octokit.rest.issues.listForRepo({
          owner,
          repo,
          state: 'closed',
          labels: label,
          sort: 'updated',
          direction: 'desc',
          per_page: 50,
        }),
      );
      const candidates = data.filter(
        (i) =>
          !i.pull_request &&
          i.state_reason === 'completed' &&
          i.closed_at &&
          fingerprintIn(i.body) === fingerprint,
      );
      const mine = await Promise.all(candidates.map((i) => ours(i.user)));
      const latest = candidates
        .filter((_i, k) => mine[k])
        .sort((a, b) => (b.closed_at as string).localeCompare(a.closed_at as string))[0];
      return latest && { number: latest.number, resolvedAt: new Date(latest.closed_at as string) };
    },
    async create(issue) {
      const { data } = await call('create issues', 'issues: write', () =>
        octokit.rest.issues.create({ owner, repo, ...issue }),
      );
      return { number: data.number, url: data.html_url };
    },
    async lastOwnActivity(issue, openedAt) {
      const comments = await call('read issue comments', 'issues: read', () =>
        octokit.paginate(octokit.rest.issues.listComments, {
          owner,
          repo,
          issue_number: issue,
          per_page: 100,
        }),
      );
      const mine = await Promise.all(comments.map((c) => ours(c.user)));
      return comments
        .filter((_c, k) => mine[k])
        .map((c) => new Date(c.created_at))
        .reduce((latest, at) => (at > latest ? at : latest), openedAt);
    },
    async comment(issue, body) {
      await call('comment on issues', 'issues: write', () =>
        octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body }),
      );
    },
    async close(issue, reason) {
      await call('close issues', 'issues: write', () =>
        octokit.rest.issues.update({
          owner,
          repo,
          issue_number: issue,
          state: 'closed',
          state_reason: reason,
        }),
      );
    },
    async ensureLabel(name, color, description) {
      try {
        await octokit.rest.issues.getLabel({ owner, repo, name });
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
        await call('create labels', 'issues: write', () =>
          octokit.rest.issues
            .createLabel({ owner, repo, name, color, description })
            .catch((e: { status?: number }) => {
              // Another run created it first: that is what we wanted.
              if (e.status !== 422) throw e;
            }),
        );
      }
    },
    urlOf: (issue) => `${options.serverUrl}/${owner}/${repo}/issues/${issue}`,
  };
}
