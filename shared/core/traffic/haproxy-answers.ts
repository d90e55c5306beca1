/**
 * What HAProxy's runtime API answers to `set server <b>/<s> addr <ip> port <p>`,
 * recorded from the real binaries (Debian's 2.6.12 and 3.2.0; src/server.c,
 * srv_update_addr_port, whose wording changed in 3.0):
 *
 *   2.4–2.9  "no need to change the addr, no need to change the port by 'stats socket command'"
 *            "IP changed from '127.0.0.1' to '127.0.0.2', no need to change the port by …"
 *            "no need to change the addr, port changed from '9002' to '9003' by …"
 *   3.0–3.2  "nothing changed"
 *            "IP changed from '127.0.0.1' to '127.0.0.2' by 'stats socket command'"
 *            "port changed from '9002' to '9003' by 'stats socket command'"
 *   refusals "Invalid addr 'localhost' …" (no names: the runtime API takes IPs only),
 *            "No such server.", "Require 'backend/server'." and the like.
 */
const ACCEPTED = [/^nothing changed$/i, /^IP changed from /i, /^port changed from /i, /^no need to change /i];

/** The first line of an answer that is not one of the accepted ones: HAProxy's refusal. */
export function addrAnswerRefusal(answer: string): string | undefined {
  return answer
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !ACCEPTED.some((a) => a.test(l)));
}

/** An address the runtime API can take: IPv4 or [IPv6], then a port. Host names are refused by HAProxy. */
export function parseServerAddress(text: string): { host: string; port: string } | undefined {
  const v4 = /^((?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}):(\d{1,5})$/.exec(text);
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text);
  const match = v4 ?? v6;
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  if (v6 && !(v6[1] as string).includes(':')) return undefined;
  return { host: match[1] as string, port: match[2] as string };
}
