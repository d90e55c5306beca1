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

/**
 * A server HAProxy sends nothing to, whatever its weight: in maintenance (MAINT,
 * MAINT (via …), MAINT (resolution)) or marked DOWN by its health checks. The
 * `status` column of `show stat` (doc/management.txt, "status"); "no check",
 * UP, NOLB and DRAIN servers still take what their weight gives them.
 */
export function serverOutOfService(status: string | undefined): boolean {
  return /^(MAINT|DOWN)/.test(status ?? '');
}

/** `show sess` ages: HAProxy's human_time, e.g. "0s", "59s", "1m3s", "2h5m", "3d1h". */
export function parseAge(text: string): number | undefined {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!match || text === '') return undefined;
  const [d, h, m, s] = match.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number];
  return (((d * 24 + h) * 60 + m) * 60 + s) * 1000;
}

/**
 * Requests in flight on each server of `backend` for at least `olderThanMs`, from
 * `show sess` (one line per stream: `… be=<backend> srv=<server> … age=<time> …`,
 * the same on 2.6 and 3.2). A server with none has no entry. Ages come in whole
 * seconds, so the threshold rounds up to one.
 */
export function stalledRequests(
  showSess: string,
  backend: string,
  olderThanMs: number,
): Record<string, number> {
  const threshold = Math.max(1000, Math.ceil(olderThanMs / 1000) * 1000);
  const out: Record<string, number> = {};
  for (const line of showSess.split('\n')) {
    const fields = Object.fromEntries(
      line
        .split(' ')
        .map((f) => /^(be|srv|age)=(.*)$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], m[2]]),
    );
    if (fields['be'] !== backend || !fields['srv'] || fields['srv'] === '<none>') continue;
    const age = parseAge(fields['age'] ?? '');
    if (age !== undefined && age >= threshold) out[fields['srv']] = (out[fields['srv']] ?? 0) + 1;
  }
  return out;
}
