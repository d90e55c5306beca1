/**
 * A local Vercel REST API, enough for the real `vercel` CLI (58.10.0) to run the
 * vercel.yml recipe and provider: vercel: who am I (GET /v2/user), a deployment by
 * id, URL or production domain (GET /v13/deployments/:idOrUrl, also through `vercel
 * api`), the project with its last alias request and rolling-release configuration
 * (GET /v9/projects/:idOrName), promote (POST /v10/projects/:id/promote/:deployment),
 * rollback (POST /v9/projects/:id/rollback/:deployment), and promote-by-creation
 * (POST /v13/deployments with deploymentId), which the CLI uses for a preview.
 *
 * It behaves as Vercel documents and the CLI's own source expects (src/commands/
 * promote, rollback, inspect): a bearer token is required. A rollback points
 * production TO the deployment it names ("Point production traffic to a previous
 * production deployment by ID"; deploymentId is "the ID of the deployment to
 * rollback *to*", https://vercel.com/docs/rest-api/projects/point-production-
 * traffic-to-a-previous-production-deployment-by-id), and only to one that has
 * served production ("all deployments previously aliased to a production domain
 * are eligible to roll back", https://vercel.com/docs/deployments/instant-rollback):
 * a staged deployment (vercel deploy --prod --skip-domain) is refused, and
 * isRollbackCandidate (@vercel/sdk getdeploymentop) says which are eligible. A
 * rollback during a rolling release ends it. Promoting moves the production domain
 * at once, unless rolling releases are enabled (then it starts a release, which the
 * CLI waits for: promote/status.ts) or one is active (202, queued); each move records
 * lastAliasRequest {jobStatus: succeeded}. Promoting a preview builds a new
 * production deployment with a new id, which takes the domain only when its build
 * is done (`buildMs`). Point the CLI here with `$HOME/.local/share/com.vercel.cli/
 * config.json` {"api": url}, its global config. The project belongs to team `acme`:
 * without `--scope acme` the CLI refuses to promote or roll back its deployments
 * ("Deployment belongs to a different team"). Rolling releases (`vercel
 * rolling-release …`) are in vercel-rolling-release.ts; the deployments' own
 * addresses, with Deployment Protection, in vercel-edge.ts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  abortRelease,
  activeRelease,
  rollingReleaseRoute,
  startRelease,
  type ReleaseConfig,
  type RollingReleaseState,
} from './vercel-rolling-release.js';

export interface VercelDeployment {
  id: string;
  url: string;
  target: 'production' | null;
  readyState: 'READY' | 'BUILDING';
  /** It served the production domain before this test: an instant rollback may return to it. */
  servedProduction?: boolean;
}

export interface VercelApi {
  /** HOME for the CLI: its global config points it here. */
  home: string;
  token: string;
  domain: string;
  deployments: VercelDeployment[];
  /** The deployment the production domain serves. */
  production(): string;
  rollingRelease: RollingReleaseState;
  /** Deployment Protection's bypass secret, or null when the deployments are not protected (vercel-edge.ts). */
  protectionBypass: string | null;
  requests: string[];
  buildMs: number;
  close(): Promise<void>;
}

export async function startVercelApi(options: {
  token: string;
  domain: string;
  deployments: VercelDeployment[];
  production: string;
  /** The project's rolling-release configuration when the test starts (GET …/rolling-release/config). */
  rollingRelease?: ReleaseConfig | null;
}): Promise<VercelApi> {
  const deployments = options.deployments.map((d) => ({ ...d }));
  const requests: string[] = [];
  const rollingRelease: RollingReleaseState = {
    config: options.rollingRelease ?? null,
    release: null,
    started: [],
  };
  let production = options.production;
  let lastAliasRequest: Record<string, unknown> | null = null;
  let created = 0;
  const project = { id: 'prj_shop', name: 'shop', accountId: 'team_acme' };

  const find = (idOrUrl: string) =>
    idOrUrl === options.domain
      ? deployments.find((d) => d.id === production)
      : deployments.find((d) => d.id === idOrUrl || d.url === idOrUrl || `https://${d.url}` === idOrUrl);
  // Eligible for an instant rollback: it serves, or once served, the production domain.
  const candidate = (d: VercelDeployment) => d.servedProduction === true || d.id === production;
  const json = (d: VercelDeployment) => ({
    id: d.id,
    uid: d.id,
    url: d.url,
    name: project.name,
    target: d.target,
    readyState: d.readyState,
    createdAt: 1_790_000_000_000,
    creator: { uid: 'usr_ci', username: 'ci' },
    alias: d.id === production ? [options.domain] : [],
    isRollbackCandidate: candidate(d),
    projectId: project.id,
    ownerId: project.accountId,
    team: { id: project.accountId, name: 'acme', slug: 'acme' },
  });
  const moveDomain = (to: string, type: 'promote' | 'rollback') => {
    const from = production;
    deployments.find((d) => d.id === from)!.servedProduction = true;
    production = to;
    lastAliasRequest = {
      fromDeploymentId: from,
      toDeploymentId: to,
      jobStatus: 'succeeded',
      requestedAt: Date.now(),
      type,
    };
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const route = `${req.method} ${url.pathname}`;
      requests.push(route);
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const error = (status: number, code: string, message: string) =>
        send(status, { error: { code, message } });
      if (req.headers.authorization !== `Bearer ${options.token}`)
        return error(403, 'forbidden', 'Not authorized');
      if (route === 'GET /v2/user')
        return send(200, {
          user: {
            id: 'usr_ci',
            uid: 'usr_ci',
            username: 'ci',
            email: 'ci@example.com',
            name: 'CI',
            version: 'northstar',
          },
        });
      // --scope: the CLI lists the token's teams and fetches the one it names.
      const team = { id: project.accountId, slug: 'acme', name: 'Acme' };
      if (/^GET \/v\d+\/teams$/.test(route))
        return send(200, { teams: [team], pagination: { count: 1, next: null, prev: null } });
      if (/^GET (\/v\d+)?\/teams\/team_acme$/.test(route)) return send(200, team);
      let m = /^GET \/v13\/deployments\/(.+)$/.exec(route);
      if (m) {
        const d = find(decodeURIComponent(m[1]!));
        return d ? send(200, json(d)) : error(404, 'not_found', "Can't find the deployment");
      }
      const releases = {
        state: rollingRelease,
        find,
        production: () => production,
        setProduction: (id: string) => moveDomain(id, 'promote'),
        deploymentJson: json,
      };
      const released = rollingReleaseRoute(route, body, project, releases);
      if (released) return send(...released);
      // `--project shop` looks the project up by name; rollingRelease is its configuration.
      if (/^GET \/v9\/projects\/(prj_shop|shop)$/.test(route))
        return send(200, {
          ...project,
          targets: { production: { id: production } },
          lastAliasRequest,
          rollingRelease: rollingRelease.config,
        });
      m = /^POST \/v10\/projects\/prj_shop\/promote\/(.+)$/.exec(route);
      if (m) {
        const d = find(m[1]!);
        if (!d) return error(404, 'not_found', "Can't find the deployment");
        if (d.target !== 'production')
          return error(400, 'invalid_deployment', 'Only production deployments can be promoted directly');
        const active = activeRelease(rollingRelease);
        // The CLI prints "Promotion has been queued and will begin when the active rolling release completes".
        if (active) return send(202, { ...active, queuedDeploymentId: d.id });
        if (rollingRelease.config) {
          const [status, reply] = startRelease(d, releases);
          return status === 200 ? send(201, {}) : send(status, reply);
        }
        moveDomain(d.id, 'promote');
        return send(201, {});
      }
      m = /^POST \/v9\/projects\/prj_shop\/rollback\/(.+)$/.exec(route);
      if (m) {
        const d = find(m[1]!);
        if (!d || d.target !== 'production')
          return error(400, 'invalid_deployment', 'Can only roll back to a production deployment');
        // Vercel publishes no code for this refusal: ours.
        if (!candidate(d))
          return error(
            422,
            'not_rollback_candidate',
            `${d.id} has never been aliased to a production domain, so it cannot be rolled back to; promote it instead`,
          );
        const active = activeRelease(rollingRelease);
        if (active) abortRelease(active);
        moveDomain(d.id, 'rollback');
        return send(201, {});
      }
      if (route === 'POST /v13/deployments') {
        // Promote by creation: a preview is rebuilt for production, under a new id.
        const source = find(String((JSON.parse(body || '{}') as { deploymentId?: string }).deploymentId));
        if (!source) return error(404, 'not_found', "Can't find the deployment");
        const d: VercelDeployment = {
          id: `dpl_rebuilt${++created}`,
          url: `shop-rebuilt${created}-acme.vercel.app`,
          target: 'production',
          readyState: 'BUILDING',
        };
        deployments.push(d);
        setTimeout(() => {
          d.readyState = 'READY';
          moveDomain(d.id, 'promote');
        }, api.buildMs);
        return send(200, { ...json(d), inspectorUrl: `https://vercel.com/acme/shop/${d.id}` });
      }
      return error(404, 'not_found', `${route} is not part of this stand-in`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const home = mkdtempSync(path.join(tmpdir(), 'ra-vercel-home-'));
  const config = path.join(home, '.local', 'share', 'com.vercel.cli');
  mkdirSync(config, { recursive: true });
  writeFileSync(
    path.join(config, 'config.json'),
    JSON.stringify({ api: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
  );
  const api: VercelApi = {
    home,
    token: options.token,
    domain: options.domain,
    deployments,
    production: () => production,
    rollingRelease,
    protectionBypass: null,
    requests,
    buildMs: 3000,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return api;
}
