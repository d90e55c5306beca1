/**
 * A Vercel deployment's own address: https in front of a local service, with
 * Deployment Protection. While the project is protected (VercelApi.protectionBypass
 * set), a request without the bypass gets 401 before it reaches the deployment:
 * automated tools "receive a login page or a 401 response instead of your
 * deployment content" (https://vercel.com/docs/deployment-protection/automated-agent-access)
 * unless they send the secret "using either an HTTP header or a query parameter
 * named x-vercel-protection-bypass" (Protection Bypass for Automation,
 * https://vercel.com/docs/deployment-protection/methods-to-bypass-deployment-protection/protection-bypass-automation).
 */
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import type { Socket } from 'node:net';
import { listenFront, type LocalCertificate, type TlsFront } from './tls-front.js';

export async function vercelEdge(
  serviceUrl: string,
  certificate: LocalCertificate,
  bypass: () => string | null,
): Promise<TlsFront> {
  const target = new URL(serviceUrl);
  const sockets = new Set<Socket>();
  const server = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    const secret = bypass();
    const url = new URL(req.url ?? '/', 'https://edge');
    const given =
      req.headers['x-vercel-protection-bypass'] ?? url.searchParams.get('x-vercel-protection-bypass');
    if (secret !== null && given !== secret) {
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Authentication Required</title>');
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return listenFront(server, sockets);
}
