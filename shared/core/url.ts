const SENSITIVE_QUERY = /^(?:.*token.*|.*secret.*|.*key.*|.*password.*|sig|signature|auth|code)$/i;

/**
 * User-info a parser would not read as such: a raw base64 password holding '/'
 * ends the authority early, so https://deploy:abc/hunter2@host/ is not a URL, and
 * https://deploy:/Aaa@host/ is one with host "deploy" and the password in its path.
 * Whenever a ':' and a '/' come before an '@', everything up to the last '@' goes.
 */
const RAW_USER_INFO = /^\s*[a-z][a-z0-9+.-]*:\/\/([^@\s]*)@/i;
const UP_TO_LAST_AT = /^(\s*[a-z][a-z0-9+.-]*:\/\/)\S*@/i;

/** A URL safe to print: user-info and credential-looking query values replaced by ***. */
export function redactUrl(text: string): string {
  const raw = RAW_USER_INFO.exec(text)?.[1];
  const plain = raw?.includes(':') && raw.includes('/') ? text.replace(UP_TO_LAST_AT, '$1***@') : text;
  let url: URL;
  try {
    url = new URL(plain);
  } catch {
    return plain.replace(/\/\/[^/@\s]*@/, '//***@');
  }
  if (url.username) url.username = '***';
  if (url.password) url.password = '***';
  for (const key of [...url.searchParams.keys()]) {
    if (SENSITIVE_QUERY.test(key)) url.searchParams.set(key, '***');
  }
  return url.toString().replace(/%2A%2A%2A/g, '***');
}

/**
 * The credential parts of a URL that must be masked in logs: the user-info as
 * written (a raw base64 password can hold '+', '/' and '=' that a parser would
 * re-encode) and as parsed, and a lone user name too, which is how tokens are
 * often given (https://TOKEN@host).
 */
export function urlSecrets(text: string): string[] {
  const secrets: string[] = [];
  const raw = /^[a-z][a-z0-9+.-]*:\/\/([^@\s]+)@/i.exec(text.trim())?.[1];
  if (raw && (raw.includes(':') || raw.length >= 8)) {
    // Short parts (a user name such as "ci") would mask ordinary words all over the log.
    secrets.push(raw, ...raw.split(':').filter((part) => part.length >= 8));
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [...new Set(secrets)];
  }
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  if (url.password) secrets.push(url.password, decode(url.password));
  // Node sends user-info as "Authorization: Basic base64(user:password)"; a service
  // that echoes its request headers would show that form, which is the same secret.
  if (url.username || url.password) {
    const basic = Buffer.from(`${decode(url.username)}:${decode(url.password)}`).toString('base64');
    secrets.push(basic, `Basic ${basic}`);
  }
  if (url.username && (url.password || url.username.length >= 8))
    secrets.push(url.username, decode(url.username));
  for (const [key, value] of url.searchParams) {
    if (SENSITIVE_QUERY.test(key) && value) secrets.push(value);
  }
  if (secrets.length > 0) secrets.push(text);
  return [...new Set(secrets)];
}

/**
 * Joins a probe path onto a base URL by plain concatenation, so a base with a path
 * (`https://host/api`) keeps it, unlike WHATWG resolution of `/health`.
 */
export function hasScheme(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
}

export function joinUrl(base: string, path: string): string {
  if (hasScheme(path) || base === '') return path;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
