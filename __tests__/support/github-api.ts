/**
 * A local GitHub REST API for issues, comments and labels that checks every request
 * against GitHub's published OpenAPI description (the committed subset in
 * github-openapi.json) and answers with GitHub's own examples, changed only where
 * state demands. A request the description rejects is recorded as a violation,
 * answered 422, and fails the test that made it.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const spec: Json = JSON.parse(readFileSync(path.join(import.meta.dirname, 'github-openapi.json'), 'utf8'));

/** OpenAPI 3.0 `nullable` is not JSON Schema; rewrite it so Ajv can check it. */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node))
    if (k !== 'nullable' && k !== 'example' && k !== 'examples') out[k] = toJsonSchema(v);
  if (node.nullable === true) return { anyOf: [out, { type: 'null' }] };
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
ajv.addSchema(toJsonSchema({ ...spec, $id: 'github' }));
const compiled = new Map<string, ValidateFunction>();
const validator = (pointer: string): ValidateFunction => {
  const known = compiled.get(pointer);
  if (known) return known;
  const v = ajv.compile({ $ref: `github#${pointer}` });
  compiled.set(pointer, v);
  return v;
};
const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const deref = (node: Json): Json =>
  node?.$ref
    ? deref(
        node.$ref
          .replace(/^#\//, '')
          .split('/')
          .reduce((n: Json, k: string) => n?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec),
      )
    : node;

interface Route {
  template: string;
  method: string;
  pattern: RegExp;
  names: string[];
  op: Json;
}

const routes: Route[] = Object.entries(spec.paths as Record<string, Json>).flatMap(([template, item]) =>
  Object.entries(item)
    .filter(([method]) => method !== 'parameters')
    .map(([method, op]) => {
      const names: string[] = [];
      const pattern = new RegExp(
        `^${template.replace(/\{(\w+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)'))}$`,
      );
      return { template, method: method.toUpperCase(), pattern, names, op };
    }),
);

function coerce(value: string, schema: Json): unknown {
  const type = deref(schema)?.type;
  if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

function checkParams(route: Route, params: Record<string, string>, query: URLSearchParams): string[] {
  const problems: string[] = [];
  const declared = (route.op.parameters ?? []).map(deref) as Json[];
  for (const [name, value] of Object.entries(params)) {
    const p = declared.find((d) => d.in === 'path' && d.name === name);
    if (!p) problems.push(`path parameter ${name} is not declared`);
    else if (!ajv.validate(toJsonSchema(p.schema), coerce(decodeURIComponent(value), p.schema)))
      problems.push(`path ${name}=${value}: ${ajv.errorsText()}`);
  }
  for (const [name, value] of query) {
    const p = declared.find((d) => d.in === 'query' && d.name === name);
    if (!p) problems.push(`query parameter ${name} is not in the description`);
    else if (!ajv.validate(toJsonSchema(deref(p.schema)), coerce(value, p.schema)))
      problems.push(`query ${name}=${value}: ${ajv.errorsText()}`);
  }
  return problems;
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  assignees: string[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** Who opened it; default the token's identity (github-actions[bot] for an installation token). */
  author?: { login: string; type: 'Bot' | 'User' };
}

/** An open issue as someone filed it on 2026-11-20, for a test to put in `issues`. */
export function openIssue(number: number, title: string, body: string, labels: string[] = []): Issue {
  const at = '2026-11-20T09:00:00Z';
  return {
    number,
    title,
    body,
    state: 'open',
    state_reason: null,
    labels,
    assignees: [],
    created_at: at,
    updated_at: at,
    closed_at: null,
  };
}

/** A pull request, as far as which commits it is associated with. */
export interface PullRequest {
  number: number;
  body: string | null;
  state: 'open' | 'closed';
  merged_at: string | null;
  /** The commit its merge made (merge, squash or rebase), when merged. */
  merge_commit_sha: string | null;
  /** The commits on its branch. */
  commits: string[];
}

export interface Deployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  production: boolean;
  transient: boolean;
  /** As created: GitHub keeps an object payload and returns it as given. */
  payload?: Record<string, unknown>;
  /** Defaults to the time the test server created it. */
  created_at?: string;
  statuses: {
    state: string;
    description: string;
    environment_url: string;
    created_at?: string;
    log_url?: string;
  }[];
}

export interface WorkflowRun {
  /** Defaults to its position in workflowRuns, from 1. */
  id?: number;
  /** The workflow's file name, as callers address it (staging-monitor.yml). */
  workflow: string;
  created_at: string;
  status: 'completed' | 'in_progress' | 'queued';
  conclusion: 'success' | 'failure' | 'cancelled' | 'timed_out' | null;
  /** What triggered it; default schedule (on the default branch, as GitHub runs schedules). */
  event?: string;
  head_branch?: string;
}

export interface Fault {
  method: string;
  path: RegExp;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Close the connection without answering. */
  drop?: boolean;
  /** Carry the request out, then answer with the fault (a 502 after GitHub created the issue). */
  afterEffect?: boolean;
  times?: number;
}

export interface GitHubApi {
  url: string;
  token: string;
  requests: { method: string; path: string; body?: unknown }[];
  violations: string[];
  issues: Issue[];
  /** author and created_at default to the token's identity and the time it was posted. */
  comments: { issue: number; body: string; author?: Issue['author']; created_at?: string }[];
  labels: Map<string, { name: string; color: string; description: string | null }>;
  deployments: Deployment[];
  workflowRuns: WorkflowRun[];
  pullRequests: PullRequest[];
  /** Releases created, as GitHub keeps them (a tag has one release at most). */
  releases: { tag_name: string; name?: string; body?: string }[];
  fault(fault: Fault): void;
  /** Delay every answer, so concurrent clients really overlap. */
  latencyMs: number;
  close(): Promise<void>;
}

export interface GitHubApiOptions {
  /**
   * Where the REST API lives on the host: '' as on github.com (api.github.com/...),
   * '/api/v3' as on GitHub Enterprise Server (ghes.example.com/api/v3/..., GitHub's
   * docs for GHES REST). A request outside it is a violation and answered 404.
   */
  pathPrefix?: string;
  /**
   * Whom an installation token (ghs_) writes as: github-actions[bot] for GITHUB_TOKEN,
   * '<app-slug>[bot]' for a GitHub App's installation token.
   */
  installationLogin?: string;
}

export async function startGitHubApi(
  owner = 'acme',
  repo = 'shop',
  token = 'ghs_test0123456789abcdefABCDEF',
  options: GitHubApiOptions = {},
): Promise<GitHubApi> {
  const prefix = options.pathPrefix ?? '';
  const issues: Issue[] = [];
  const identity: NonNullable<Issue['author']> = token.startsWith('ghs_')
    ? { login: options.installationLogin ?? 'github-actions[bot]', type: 'Bot' }
    : { login: 'release-bot', type: 'User' };
  // GraphQL lives beside REST: api.github.com/graphql, and on GHES /api/graphql next to /api/v3.
  const graphqlPath = `${prefix.replace(/\/v3$/, '')}/graphql`;
  const comments: GitHubApi['comments'] = [];
  const labels: GitHubApi['labels'] = new Map();
  const deployments: Deployment[] = [];
  const workflowRuns: WorkflowRun[] = [];
  const pullRequests: PullRequest[] = [];
  const releases: GitHubApi['releases'] = [];
  const requests: GitHubApi['requests'] = [];
  const violations: string[] = [];
  const faults: Fault[] = [];
  const afterEffects = new WeakMap<ServerResponse, Fault>();
  const sockets = new Set<Socket>();
  const example = (name: string) => structuredClone(deref(spec.components.examples[name]).value);
  let base = '';

  const deploymentJson = (d: Deployment) => ({
    ...example('deployment-simple-example'),
    id: d.id,
    node_id: `D_${d.id}`,
    sha: d.sha,
    ref: d.ref,
    environment: d.environment,
    original_environment: d.environment,
    production_environment: d.production,
    transient_environment: d.transient,
    payload: d.payload ?? {},
    ...(d.created_at && { created_at: d.created_at, updated_at: d.created_at }),
    url: `${base}/repos/${owner}/${repo}/deployments/${d.id}`,
    statuses_url: `${base}/repos/${owner}/${repo}/deployments/${d.id}/statuses`,
  });
  const statusJson = (d: Deployment, st: Deployment['statuses'][number], k: number) => ({
    ...example('deployment-status'),
    id: d.id * 100 + k,
    state: st.state,
    description: st.description,
    environment: d.environment,
    environment_url: st.environment_url,
    ...(st.created_at && { created_at: st.created_at, updated_at: st.created_at }),
    log_url: st.log_url ?? '',
    target_url: st.log_url ?? '',
    deployment_url: `${base}/repos/${owner}/${repo}/deployments/${d.id}`,
  });
  const issueJson = (i: Issue) => ({
    ...example('issue'),
    id: 1000 + i.number,
    node_id: `I_${i.number}`,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason,
    labels: i.labels.map((name, k) => ({
      ...example('label'),
      id: k + 1,
      name,
      url: `${base}/repos/${owner}/${repo}/labels/${encodeURIComponent(name)}`,
    })),
    user: {
      ...example('issue').user,
      login: (i.author ?? identity).login,
      type: (i.author ?? identity).type,
    },
    assignee: null,
    assignees: [],
    pull_request: undefined,
    html_url: `https://github.com/${owner}/${repo}/issues/${i.number}`,
    url: `${base}/repos/${owner}/${repo}/issues/${i.number}`,
    created_at: i.created_at,
    updated_at: i.updated_at,
    closed_at: i.closed_at,
  });

  const respond = (
    res: ServerResponse,
    route: Route | undefined,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const late = afterEffects.get(res);
    if (late) {
      afterEffects.delete(res);
      return answerFault(res, late);
    }
    if (route && status < 300) {
      const content = route.op.responses?.[String(status)];
      if (!content)
        violations.push(`${route.method} ${route.template}: status ${status} is not a documented response`);
      const schema = content && deref(content)?.content?.['application/json']?.schema;
      if (schema) {
        const v = validator(
          `/paths/${escape(route.template)}/${route.method.toLowerCase()}/responses/${status}/content/application~1json/schema`,
        );
        if (!v(JSON.parse(JSON.stringify(body))))
          violations.push(
            `response to ${route.method} ${route.template} does not match the description: ${ajv.errorsText(v.errors)}`,
          );
      }
    }
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      ...headers,
    });
    res.end(status === 204 ? undefined : JSON.stringify(body));
  };

  const answerFault = (res: ServerResponse, fault: Fault): void =>
    respond(res, undefined, fault.status ?? 500, fault.body ?? { message: 'Server Error' }, fault.headers);

  /**
   * The one GraphQL query we send: who the token is. GitHub's `viewer` is the user of a
   * personal token and the app's bot for an installation token, the one case GET /user
   * refuses (403). An unauthenticated query is 401 with a message, as REST's; any other
   * query is a violation here.
   */
  const answerGraphql = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    let query: unknown;
    try {
      query = (JSON.parse(raw) as { query?: unknown }).query;
    } catch {
      query = undefined;
    }
    requests.push({ method: 'POST', path: graphqlPath, body: { query } });
    if (
      req.headers['authorization'] !== `token ${token}` &&
      req.headers['authorization'] !== `Bearer ${token}`
    ) {
      return respond(res, undefined, 401, { message: 'Bad credentials' });
    }
    if (typeof query !== 'string' || query.replace(/\s+/g, ' ').trim() !== '{ viewer { login } }') {
      violations.push(`POST ${graphqlPath}: unexpected query ${JSON.stringify(query)}`);
      return respond(res, undefined, 200, { errors: [{ message: 'unexpected query' }] });
    }
    return respond(res, undefined, 200, { data: { viewer: { login: identity.login } } });
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const method = req.method ?? 'GET';
    const asked = new URL(req.url ?? '/', base);
    if (method === 'POST' && asked.pathname === graphqlPath) return answerGraphql(req, res, raw);
    if (!asked.pathname.startsWith(`${prefix}/`)) {
      violations.push(`${method} ${asked.pathname} is outside the API's path ${prefix}/`);
      return respond(res, undefined, 404, { message: 'Not Found' });
    }
    const url = new URL(asked.pathname.slice(prefix.length) + asked.search, base);
    let body: Json;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      violations.push(`${method} ${url.pathname}: body is not JSON`);
      return respond(res, undefined, 400, { message: 'Problems parsing JSON' });
    }
    requests.push({ method, path: url.pathname + url.search, ...(body !== undefined && { body }) });

    const fault = faults.find((f) => f.method === method && f.path.test(url.pathname));
    if (fault) {
      if (fault.times !== undefined && --fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
      if (fault.drop) return req.socket.destroy();
      if (fault.afterEffect) afterEffects.set(res, fault);
      else return answerFault(res, fault);
    }
    if (
      req.headers['authorization'] !== `token ${token}` &&
      req.headers['authorization'] !== `Bearer ${token}`
    ) {
      return respond(res, undefined, 401, { message: 'Bad credentials' });
    }
    const route = routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    if (!route) {
      violations.push(`${method} ${url.pathname} is not an operation in the description`);
      return respond(res, undefined, 404, { message: 'Not Found' });
    }
    const values = route.pattern.exec(url.pathname)!.slice(1);
    const params = Object.fromEntries(route.names.map((n, i) => [n, values[i] as string]));
    const problems = checkParams(route, params, url.searchParams);
    const bodySchema =
      route.op.requestBody && deref(route.op.requestBody).content?.['application/json']?.schema;
    if (bodySchema) {
      const v = validator(
        `/paths/${escape(route.template)}/${method.toLowerCase()}/requestBody/content/application~1json/schema`,
      );
      if (!v(body ?? {})) problems.push(`body: ${ajv.errorsText(v.errors)}`);
    } else if (body !== undefined) problems.push('a body was sent to an operation that takes none');
    if (problems.length) {
      violations.push(`${method} ${route.template}: ${problems.join('; ')}`);
      return respond(res, undefined, 422, { message: 'Validation Failed', errors: problems });
    }
    const now = new Date().toISOString();
    const find = () => issues.find((i) => i.number === Number(params['issue_number']));

    switch (`${method} ${route.template}`) {
      case 'GET /user':
        // An installation token (ghs_, as GITHUB_TOKEN) is no user: GitHub answers 403.
        return token.startsWith('ghs_')
          ? respond(res, undefined, 403, { message: 'Resource not accessible by integration' })
          : respond(res, route, 200, {
              ...example('private-user-response-with-public-profile-information'),
              login: identity.login,
              type: identity.type,
            });
      case 'GET /repos/{owner}/{repo}/issues': {
        const state = url.searchParams.get('state') ?? 'open';
        const wantLabels = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        // GitHub sorts by created (the default) or updated, newest first unless direction=asc.
        const sortBy = url.searchParams.get('sort') === 'updated' ? 'updated_at' : 'created_at';
        const ascending = url.searchParams.get('direction') === 'asc' ? 1 : -1;
        const matching = issues
          .filter((i) => state === 'all' || i.state === state)
          .filter((i) => wantLabels.every((l) => i.labels.includes(l)))
          .sort((a, b) => ascending * (a[sortBy].localeCompare(b[sortBy]) || a.number - b.number));
        const slice = matching.slice((page - 1) * perPage, page * perPage);
        const headers: Record<string, string> = {};
        if (page * perPage < matching.length)
          headers['link'] =
            `<${base}${url.pathname}?${new URLSearchParams({ ...Object.fromEntries(url.searchParams), page: String(page + 1) })}>; rel="next"`;
        return respond(res, route, 200, slice.map(issueJson), headers);
      }
      case 'POST /repos/{owner}/{repo}/issues': {
        const issue: Issue = {
          number: issues.length + 1,
          title: body.title,
          body: body.body ?? '',
          state: 'open',
          state_reason: null,
          labels: (body.labels ?? []).map((l: Json) => (typeof l === 'string' ? l : l.name)),
          assignees: body.assignees ?? [],
          created_at: now,
          updated_at: now,
          closed_at: null,
        };
        for (const l of issue.labels)
          if (!labels.has(l)) labels.set(l, { name: l, color: 'ededed', description: null });
        issues.push(issue);
        return respond(res, route, 201, issueJson(issue), {
          location: `${base}/repos/${owner}/${repo}/issues/${issue.number}`,
        });
      }
      case 'POST /repos/{owner}/{repo}/releases': {
        // GitHub answers 422 already_exists to a second release of one tag.
        if (releases.some((r) => r.tag_name === body.tag_name))
          return respond(res, undefined, 422, {
            message: 'Validation Failed',
            errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
          });
        releases.push({ tag_name: body.tag_name, name: body.name, body: body.body });
        return respond(res, route, 201, {
          ...example('release'),
          tag_name: body.tag_name,
          name: body.name ?? null,
          body: body.body ?? null,
        });
      }
      case 'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls': {
        // GitHub's docs ("List pull requests associated with a commit"): the merged pull
        // request that introduced the commit; only when none did (the commit is not on
        // the default branch), the open ones whose branch holds it.
        const sha = String(params['commit_sha']);
        const [item] = example('pull-request-simple-items') as Record<string, unknown>[];
        const merged = pullRequests.filter(
          (p) => p.merged_at && (p.merge_commit_sha === sha || p.commits.includes(sha)),
        );
        const listed = merged.length
          ? merged
          : pullRequests.filter((p) => p.state === 'open' && p.commits.includes(sha));
        return respond(
          res,
          route,
          200,
          listed.map((p) => ({
            ...item,
            // GitHub's own example fails its schema here (a requested team without type).
            requested_teams: [],
            number: p.number,
            body: p.body,
            state: p.state,
            merged_at: p.merged_at,
            merge_commit_sha: p.merge_commit_sha,
          })),
        );
      }
      case 'GET /repos/{owner}/{repo}/issues/{issue_number}': {
        const issue = find();
        return issue
          ? respond(res, route, 200, issueJson(issue))
          : respond(res, undefined, 404, { message: 'Not Found' });
      }
      case 'PATCH /repos/{owner}/{repo}/issues/{issue_number}': {
        const issue = find();
        if (!issue) return respond(res, undefined, 404, { message: 'Not Found' });
        if (body.title !== undefined) issue.title = body.title;
        if (body.body !== undefined) issue.body = body.body;
        if (body.state !== undefined && body.state !== issue.state) {
          issue.state = body.state;
          issue.closed_at = body.state === 'closed' ? now : null;
          issue.state_reason = body.state === 'closed' ? (body.state_reason ?? 'completed') : 'reopened';
        }
        if (body.labels !== undefined)
          issue.labels = body.labels.map((l: Json) => (typeof l === 'string' ? l : l.name));
        issue.updated_at = now;
        return respond(res, route, 200, issueJson(issue));
      }
      case 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': {
        const issue = find();
        if (!issue) return respond(res, undefined, 404, { message: 'Not Found' });
        comments.push({ issue: issue.number, body: body.body, created_at: now });
        issue.updated_at = now;
        return respond(res, route, 201, {
          ...example('issue-comment'),
          id: comments.length,
          body: body.body,
          created_at: now,
          updated_at: now,
          issue_url: `${base}/repos/${owner}/${repo}/issues/${issue.number}`,
        });
      }
      case 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': {
        const list = comments.filter((c) => c.issue === Number(params['issue_number']));
        return respond(
          res,
          route,
          200,
          list.map((c, k) => ({
            ...example('issue-comment'),
            id: k + 1,
            body: c.body,
            user: {
              ...example('issue-comment').user,
              login: (c.author ?? identity).login,
              type: (c.author ?? identity).type,
            },
            ...(c.created_at && { created_at: c.created_at, updated_at: c.created_at }),
          })),
        );
      }
      case 'GET /repos/{owner}/{repo}/labels/{name}': {
        const label = labels.get(decodeURIComponent(params['name'] as string));
        return label
          ? respond(res, route, 200, { ...example('label'), ...label })
          : respond(res, undefined, 404, { message: 'Not Found' });
      }
      case 'DELETE /repos/{owner}/{repo}/labels/{name}': {
        const name = decodeURIComponent(params['name'] as string);
        const taken = [...labels.keys()].find((l) => l.toLowerCase() === name.toLowerCase());
        if (taken === undefined) return respond(res, undefined, 404, { message: 'Not Found' });
        labels.delete(taken);
        return respond(res, route, 204, undefined);
      }
      case 'POST /repos/{owner}/{repo}/labels': {
        // One label per name, whatever its case, and the check and the insert are one
        // step: the second of two racing creates answers 422 already_exists.
        if ([...labels.keys()].some((l) => l.toLowerCase() === String(body.name).toLowerCase()))
          return respond(res, undefined, 422, {
            message: 'Validation Failed',
            errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
          });
        const label = {
          name: body.name,
          color: body.color ?? 'ededed',
          description: body.description ?? null,
        };
        labels.set(body.name, label);
        return respond(res, route, 201, { ...example('label'), ...label });
      }
      case 'GET /repos/{owner}/{repo}/deployments': {
        const sha = url.searchParams.get('sha');
        const env = url.searchParams.get('environment');
        const list = deployments
          .filter((d) => (!sha || d.sha === sha) && (!env || d.environment === env))
          .reverse();
        return respond(res, route, 200, list.map(deploymentJson));
      }
      case 'POST /repos/{owner}/{repo}/deployments': {
        const d: Deployment = {
          id: deployments.length + 1,
          sha: body.ref,
          ref: body.ref,
          environment: body.environment ?? 'production',
          production: body.production_environment ?? false,
          transient: body.transient_environment ?? false,
          ...(body.payload && typeof body.payload === 'object' && { payload: body.payload }),
          created_at: new Date().toISOString(),
          statuses: [],
        };
        deployments.push(d);
        return respond(res, route, 201, deploymentJson(d));
      }
      case 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': {
        const d = deployments.find((x) => x.id === Number(params['deployment_id']));
        if (!d) return respond(res, undefined, 404, { message: 'Not Found' });
        return respond(
          res,
          route,
          200,
          [...d.statuses].reverse().map((st, k) => statusJson(d, st, k)),
        );
      }
      case 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs': {
        // created: GitHub's search date syntax. Only the date part is honoured here, as
        // the coarsest reading of it: callers must apply an exact start themselves.
        const created = /^>=(\d{4}-\d{2}-\d{2})/.exec(url.searchParams.get('created') ?? '');
        const status = url.searchParams.get('status');
        const event = url.searchParams.get('event');
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        if (!workflowRuns.some((r) => r.workflow === params['workflow_id']))
          return respond(res, undefined, 404, { message: 'Not Found' });
        const matching = workflowRuns
          .map((r, k) => ({ ...r, id: r.id ?? k + 1 }))
          .filter((r) => r.workflow === params['workflow_id'])
          .filter((r) => !created || Date.parse(r.created_at) >= Date.parse(created[1] as string))
          .filter((r) => !status || r.status === status)
          .filter((r) => !event || (r.event ?? 'schedule') === event)
          .reverse();
        const template = example('workflow-run-paginated').workflow_runs[0];
        const slice = matching.slice((page - 1) * perPage, page * perPage);
        const headers: Record<string, string> = {};
        if (page * perPage < matching.length)
          headers['link'] =
            `<${base}${url.pathname}?${new URLSearchParams({ ...Object.fromEntries(url.searchParams), page: String(page + 1) })}>; rel="next"`;
        return respond(
          res,
          route,
          200,
          {
            total_count: matching.length,
            workflow_runs: slice.map((r) => ({
              ...template,
              id: r.id,
              run_number: r.id,
              path: `.github/workflows/${r.workflow}`,
              status: r.status,
              conclusion: r.conclusion,
              event: r.event ?? 'schedule',
              head_branch: r.head_branch ?? 'main',
              created_at: r.created_at,
              updated_at: r.created_at,
              run_started_at: r.created_at,
              html_url: `https://github.com/${owner}/${repo}/actions/runs/${r.id}`,
            })),
          },
          headers,
        );
      }
      case 'GET /repos/{owner}/{repo}/actions/runs/{run_id}': {
        const run = workflowRuns.find((r, k) => (r.id ?? k + 1) === Number(params['run_id']));
        if (!run) return respond(res, undefined, 404, { message: 'Not Found' });
        const id = Number(params['run_id']);
        return respond(res, route, 200, {
          ...example('workflow-run'),
          id,
          run_number: id,
          path: `.github/workflows/${run.workflow}`,
          status: run.status,
          conclusion: run.conclusion,
          created_at: run.created_at,
          updated_at: run.created_at,
          html_url: `https://github.com/${owner}/${repo}/actions/runs/${id}`,
        });
      }
      case 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': {
        const d = deployments.find((x) => x.id === Number(params['deployment_id']));
        if (!d) return respond(res, undefined, 404, { message: 'Not Found' });
        const st = {
          state: body.state,
          description: body.description ?? '',
          environment_url: body.environment_url ?? '',
          created_at: new Date().toISOString(),
          log_url: body.log_url ?? '',
        };
        d.statuses.push(st);
        // GitHub's description of auto_inactive: "Adds a new inactive status to all
        // prior non-transient, non-production environment deployments with the same
        // repository and environment name … that had a success state." Production: none.
        if (body.state === 'success' && body.auto_inactive !== false && !d.production && !d.transient) {
          for (const other of deployments) {
            if (
              other !== d &&
              other.environment === d.environment &&
              !other.production &&
              !other.transient &&
              other.statuses.at(-1)?.state === 'success'
            ) {
              other.statuses.push({ state: 'inactive', description: 'replaced', environment_url: '' });
            }
          }
        }
        return respond(res, route, 201, statusJson(d, st, d.statuses.length));
      }
      default:
        violations.push(
          `${method} ${route.template} is described but this test server does not implement it`,
        );
        return respond(res, undefined, 501, { message: 'not implemented here' });
    }
  };

  const api: GitHubApi = {
    url: '',
    token,
    requests,
    violations,
    issues,
    comments,
    labels,
    deployments,
    workflowRuns,
    pullRequests,
    releases,
    latencyMs: 0,
    fault: (f) => void faults.push(f),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => setTimeout(() => handle(req, res, raw), api.latencyMs));
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;
  api.url = base;
  return api;
}
