const SENSITIVE_QUERY = /^(?:.*token.*|.*secret.*|.*key.*|.*password.*|sig|signature|auth|code)$/i;

/** A URL safe to print: user-info and credential-looking query values replaced by ***. */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text.replace(/\/\/[^/@\s]*@/, '//***@');
  }
  if (url.username) url.username = '***';
  if (url.password) url.password = '***';
  for (const key of [...url.searchParams.keys()]) {
    if (SENSITIVE_QUERY.test(key)) url.searchParams.set(key, '***');
  }
  return url.toString().replace(/%2A%2A%2A/g, '***');
}

/** The credential parts of a URL that must be masked in logs. */
export function urlSecrets(text: string): string[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [];
  }
  const secrets: string[] = [];
  if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
  if (url.username && url.password) secrets.push(url.username);
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
