/**
 * An HTTP server that answers the way broken and hostile servers do: redirect
 * loops and redirects to other schemes, bodies that are huge or never end, a body
 * that drips a byte at a time, broken chunked encoding, oversized headers, bytes
 * that are not HTTP, connections reset mid-answer, invalid JSON and wrong content
 * types. Raw-socket answers are written by hand, because Node's own server refuses
 * to produce them.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface HostileServer {
  url: string;
  close(): Promise<void>;
}

type Answer = (socket: Socket, path: string) => void;

const head = (status: string, headers: Record<string, string | number> = {}) =>
  `HTTP/1.1 ${status}\r\n${Object.entries({ connection: 'close', ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;

const MiB = 1024 * 1024;
const gzipBomb = gzipSync(Buffer.alloc(20 * MiB));

let turnsHostile = 0;
let failsAfterOne = 0;

const answers: Record<string, Answer> = {
  '/redirect-loop': (s) => s.end(head('302 Found', { location: '/redirect-loop', 'content-length': 0 })),
  '/redirect-file': (s) => s.end(head('302 Found', { location: 'file:///etc/passwd', 'content-length': 0 })),
  '/redirect-ftp': (s) => s.end(head('301 Moved', { location: 'ftp://127.0.0.1/x', 'content-length': 0 })),
  '/redirect-garbage': (s) => s.end(head('302 Found', { location: 'http://[::1', 'content-length': 0 })),
  '/huge': (s) => {
    s.write(head('200 OK', { 'content-type': 'application/json', 'content-length': 64 * MiB }));
    const chunk = Buffer.alloc(MiB, 0x61);
    let sent = 0;
    const more = () => {
      while (sent < 64 && s.writable && s.write(chunk)) sent++;
      if (sent < 64 && s.writable) s.once('drain', () => (sent++, more()));
      else s.end();
    };
    more();
  },
  '/endless': (s) => {
    s.write(head('200 OK', { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' }));
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    const more = () => {
      while (s.writable && s.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`));
      if (s.writable) s.once('drain', more);
    };
    more();
  },
  '/drip': (s) => {
    s.write(head('200 OK', { 'content-type': 'text/plain', 'content-length': 1000 }));
    const timer = setInterval(() => (s.writable ? s.write('x') : clearInterval(timer)), 200);
    s.on('close', () => clearInterval(timer));
  },
  '/bad-chunk': (s) =>
    s.end(`${head('200 OK', { 'transfer-encoding': 'chunked' })}zz\r\nnot a chunk size\r\n0\r\n\r\n`),
  '/header-bomb': (s) => s.end(head('200 OK', { 'x-bomb': 'b'.repeat(100 * 1024), 'content-length': 0 })),
  '/not-http': (s) => s.end('SSH-2.0-OpenSSH_9.6\r\n'),
  '/reset-mid-body': (s) => {
    s.write(`${head('200 OK', { 'content-length': 1000 })}partial`);
    setTimeout(() => s.resetAndDestroy(), 20);
  },
  // A service that answers with text the runner would obey: a legacy command mid-line,
  // and a V2 one after U+0085, which the runner's TrimStart() removes.
  '/forged-commands': (s) => {
    const body = JSON.stringify({ status: 'degraded ##[stop-commands]halt', detail: '\u0085::add-mask::x' });
    s.end(
      `${head('200 OK', { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })}${body}`,
    );
  },
  '/short-body': (s) => s.end(`${head('200 OK', { 'content-length': 100 })}only ten b`),
  '/invalid-json': (s) =>
    s.end(`${head('200 OK', { 'content-type': 'application/json', 'content-length': 5 })}{nope`),
  '/json-as-html': (s) => {
    const body = '{"status":"ok"}';
    s.end(`${head('200 OK', { 'content-type': 'text/html', 'content-length': body.length })}${body}`);
  },
  '/html-200': (s) => {
    const body = '<html><body>Sign in to continue</body></html>';
    s.end(`${head('200 OK', { 'content-type': 'text/html', 'content-length': body.length })}${body}`);
  },
  '/gzip-bomb': (s) => {
    s.write(
      head('200 OK', {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': gzipBomb.length,
      }),
    );
    s.end(gzipBomb);
  },
  '/status-999': (s) => s.end(head('999 Whatever', { 'content-length': 0 })),
  '/no-headers': () => undefined,
  /** A valid Prometheus answer for the first request (the preflight), then a login page. */
  '/turns-hostile': (s) => {
    const body =
      turnsHostile++ < 1
        ? '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"0"]}]}}'
        : '<html>Sign in</html>';
    s.end(`${head('200 OK', { 'content-type': 'application/json', 'content-length': body.length })}${body}`);
  },
  /** 200 for the first request (a canary checked before it takes traffic), then 500. */
  '/fails-after-one': (s) =>
    s.end(head(failsAfterOne++ < 1 ? '200 OK' : '500 Internal Server Error', { 'content-length': 0 })),
  '/early-hints': (s) =>
    s.end(`HTTP/1.1 103 Early Hints\r\nlink: </x>\r\n\r\n${head('200 OK', { 'content-length': 2 })}ok`),
};

export async function startHostileServer(): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let received = '';
    socket.on('data', function onData(data: Buffer) {
      received += data.toString('latin1');
      if (!received.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      // The first segment picks the answer, so a client that appends its own path
      // (Prometheus's /api/v1/query) meets it too.
      const path = `/${/^[A-Z]+ \/([^/?\s]*)/.exec(received)?.[1] ?? ''}`;
      (answers[path] ?? ((s: Socket) => s.end(head('404 Not Found', { 'content-length': 0 }))))(socket, path);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
