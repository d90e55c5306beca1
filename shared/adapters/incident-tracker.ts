/**
 * GitHub issues for incidents, over Octokit with its retry and throttling plugins:
 * 5xx answers and dropped connections are retried, secondary rate limits are
 * waited out. A missing permission becomes a sentence naming the `permissions:`
 * entry to add.
 */
import type { OpenIncident, ResolvedIncident } from '../core/incident/incident.js';
import {
  lastOwnActivityOf,
  lastResolvedOf,
  openIncidentsOf,
  writtenBy,
  type IncidentIssue,
  type IssueAuthor,
} from '../core/incident/issues.js';
import { labelledIssues } from './labelled-issues.js';
import {
  githubCall as call,
  githubClientOnDemand,
  type GitHubClient,
  type GitHubOptions,
} from './octokit.js';

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
  /** Creates the label, atomically: 'taken' when one of that name exists. */
  claim(name: string, description: string): Promise<'won' | 'taken'>;
  /** The claim label's description; undefined when there is none. */
  readClaim(name: string): Promise<string | null | undefined>;
  /** Deletes the claim label; gone already is fine. */
  release(name: string): Promise<void>;
  urlOf(issue: number): string;
}

export function githubTracker(options: GitHubOptions): IncidentTracker {
  return new GitHubIncidents(options);
}

type Issue = Awaited<ReturnType<typeof labelledIssues>>[number];

class GitHubIncidents implements IncidentTracker {
  private readonly client: () => Promise<GitHubClient>;
  private identity: Promise<string | undefined> | undefined;

  constructor(private readonly options: GitHubOptions) {
    this.client = githubClientOnDemand(options);
  }

  private get repository() {
    return { owner: this.options.owner, repo: this.options.repo };
  }

  /**
   * Who this token writes as. GraphQL's viewer answers for every kind of token: a
   * person's login, or an app's bot ('github-actions[bot]' for GITHUB_TOKEN, 'my-app[bot]'
   * for an app's installation token), which GET /user refuses with 403.
   */
  private ownLogin(): Promise<string | undefined> {
    return (this.identity ??= this.client().then(async (octokit) => {
      try {
        return (await octokit.graphql<{ viewer: { login: string } }>('{ viewer { login } }')).viewer.login;
      } catch {
        return undefined;
      }
    }));
  }

  private async ours(author: IssueAuthor | null | undefined): Promise<boolean> {
    return writtenBy(await this.ownLogin(), author);
  }

  private async asIncidentIssue(i: Issue): Promise<IncidentIssue> {
    return {
      number: i.number,
      body: i.body,
      createdAt: i.created_at,
      updatedAt: i.updated_at,
      closedAt: i.closed_at,
      stateReason: i.state_reason,
      ours: await this.ours(i.user),
    };
  }

  async listOpen(label: string): Promise<OpenIncident[]> {
    const octokit = await this.client();
    // Every permission hint says write: an incident is written, and "issues: read" would
    // only move the refusal to the next call.
    const issues = await call('list issues', 'issues: write', () =>
      labelledIssues(octokit, this.repository, { label, state: 'open', sort: 'created', pages: 'all' }),
    );
    return openIncidentsOf(await Promise.all(issues.map((i) => this.asIncidentIssue(i))));
  }

  async lastResolved(label: string, fingerprint: string): Promise<ResolvedIncident | undefined> {
    const octokit = await this.client();
    // One page of the most recently updated closed incidents: a link to an incident
    // from long ago is not worth paging through the whole history for.
    const issues = await call('list issues', 'issues: write', () =>
      labelledIssues(octokit, this.repository, { label, state: 'closed', sort: 'updated', pages: 50 }),
    );
    return lastResolvedOf(await Promise.all(issues.map((i) => this.asIncidentIssue(i))), fingerprint);
  }

  async create(issue: { title: string; body: string; labels: string[]; assignees: string[] }) {
    const octokit = await this.client();
    const { data } = await call('create issues', 'issues: write', () =>
      octokit.rest.issues.create({ ...this.repository, ...issue }),
    );
    return { number: data.number, url: data.html_url };
  }

  async lastOwnActivity(issue: number, openedAt: Date): Promise<Date> {
    const octokit = await this.client();
    const comments = await call('read issue comments', 'issues: write', () =>
      octokit.paginate(octokit.rest.issues.listComments, {
        ...this.repository,
        issue_number: issue,
        per_page: 100,
      }),
    );
    const mine = await Promise.all(
      comments.map(async (c) => ({ createdAt: c.created_at, ours: await this.ours(c.user) })),
    );
    return lastOwnActivityOf(mine, openedAt);
  }

  async comment(issue: number, body: string): Promise<void> {
    const octokit = await this.client();
    await call('comment on issues', 'issues: write', () =>
      octokit.rest.issues.createComment({ ...this.repository, issue_number: issue, body }),
    );
  }

  async close(issue: number, reason: 'completed' | 'not_planned'): Promise<void> {
    const octokit = await this.client();
    await call('close issues', 'issues: write', () =>
      octokit.rest.issues.update({
        ...this.repository,
        issue_number: issue,
        state: 'closed',
        state_reason: reason,
      }),
    );
  }

  async ensureLabel(name: string, color: string, description: string): Promise<void> {
    const octokit = await this.client();
    try {
      await octokit.rest.issues.getLabel({ ...this.repository, name });
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
      await call('create labels', 'issues: write', () =>
        octokit.rest.issues
          .createLabel({ ...this.repository, name, color, description })
          .catch((e: { status?: number }) => {
            // Another run created it first: that is what we wanted.
            if (e.status !== 422) throw e;
          }),
      );
    }
  }

  async claim(name: string, description: string): Promise<'won' | 'taken'> {
    const octokit = await this.client();
    return call('create labels', 'issues: write', () =>
      octokit.rest.issues.createLabel({ ...this.repository, name, color: 'ededed', description }).then(
        () => 'won' as const,
        (e: { status?: number }) => {
          if (e.status === 422) return 'taken' as const;
          throw e;
        },
      ),
    );
  }

  async readClaim(name: string): Promise<string | null | undefined> {
    const octokit = await this.client();
    try {
      return (await octokit.rest.issues.getLabel({ ...this.repository, name })).data.description;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  async release(name: string): Promise<void> {
    const octokit = await this.client();
    await call('delete labels', 'issues: write', () =>
      octokit.rest.issues.deleteLabel({ ...this.repository, name }).catch((e: { status?: number }) => {
        if (e.status !== 404) throw e;
      }),
    );
  }

  urlOf(issue: number): string {
    return `${this.options.serverUrl}/${this.options.owner}/${this.options.repo}/issues/${issue}`;
  }
}
