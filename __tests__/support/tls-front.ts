/**
 * TLS in front of a local http service. Some platforms give a revision an address
 * with no scheme (a Vercel deployment's `url` is a host name, always served over
 * https), so the address the action builds must answer TLS. The certificate is made
 * for 127.0.0.1 by openssl and trusted by the action through NODE_EXTRA_CA_CERTS,
 * as a runner behind a company CA would do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:tls';

export interface LocalCertificate {
  /** The file to hand to NODE_EXTRA_CA_CERTS. */
  caFile: string;
  key: Buffer;
  cert: Buffer;
}

export function localCertificate(): LocalCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'ra-tls-'));
  const [keyFile, certFile] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' }); // prettier-ignore
  return { caFile: certFile, key: readFileSync(keyFile), cert: readFileSync(certFile) };
}

export interface TlsFront {
  /** host:port, with no scheme, as such platforms give it. */
  host: string;
  close(): Promise<void>;
}

export async function tlsFront(serviceUrl: string, certificate: LocalCertificate): Promise<TlsFront> {
  const target = new URL(serviceUrl);
  const sockets = new Set<Socket>();
  const server = createServer({ key: certificate.key, cert: certificate.cert }, (client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  return listenFront(server, sockets);
}

/** Listens on a loopback port; closing ends the connections it still holds, then the server. */
export async function listenFront(server: Server, sockets: ReadonlySet<Socket>): Promise<TlsFront> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
