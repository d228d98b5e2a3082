/**
 * Keeping secrets out of logs and API answers. Chat webhook URLs carry their secret in the path
 * (Slack, Teams, Discord, Mattermost) or the query (Google Chat, Power Automate `sig`), tracker
 * write-back carries it in headers. Logs get only scheme and host; views for operators (the
 * dead-letter list) keep enough of the request to recognise it, with the secret parts replaced.
 */

export const REDACTED = '[redacted]';

// Names of headers and query parameters whose values are (or may be) credentials. Deliberately
// broad: hiding a harmless `issueKey` costs nothing, showing a `private_token` costs a rotation.
const SECRET_NAME = /auth|token|secret|pass|key|sig|cookie|session|credential|code/i;

// Hosts whose whole path is the secret.
const WEBHOOK_HOSTS = [/^hooks\.slack\.com$/i, /\.webhook\.office\.com$/i, /^outlook\.office(365)?\.com$/i];

// Path segments after which the rest of the path is the secret: /services/T…/B…/xyz (Slack),
// /webhookb2/… (Teams), /api/webhooks/id/token (Discord), /hooks/key (Mattermost, Rocket.Chat),
// /workflows/id/triggers/… (Power Automate).
const WEBHOOK_SEGMENT = /^(hooks?|webhooks?|webhookb2|incomingwebhook|services|workflows|triggers)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Scheme and host (with port) only: what a log line may say about where a request went. */
export function logTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'unparseable-url';
  }
}

function redactPath(hostname: string, pathname: string): string {
  if (pathname === '/' || pathname === '') return pathname;
  if (WEBHOOK_HOSTS.some((host) => host.test(hostname))) return `/${REDACTED}`;
  const segments = pathname.split('/');
  const marker = segments.findIndex((segment) => WEBHOOK_SEGMENT.test(segment));
  if (marker < 0 || marker === segments.length - 1) return pathname;
  return [...segments.slice(0, marker + 1), REDACTED].join('/');
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

function redactQuery(search: string): string {
  if (search.length <= 1) return '';
  const parts = search
    .slice(1)
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=');
      const name = equals < 0 ? part : part.slice(0, equals);
      return isSecretName(decodeName(name)) ? `${name}=${REDACTED}` : part;
    });
  return `?${parts.join('&')}`;
}

/**
 * The URL with user info and fragment dropped, webhook path secrets and secret-named query values
 * replaced. Not a URL to call: a view for people.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REDACTED;
  }
  return `${parsed.protocol}//${parsed.host}${redactPath(parsed.hostname, parsed.pathname)}${redactQuery(parsed.search)}`;
}

export function redactHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, isSecretName(name) ? REDACTED : value]));
}

// Pieces of a URL too short to replace in free text without garbling it.
const MIN_FRAGMENT_LENGTH = 8;

/** What of `url` must not appear in a message: the URL itself, its path, secret query values, removed path segments. */
function secretFragments(url: string): string[] {
  const fragments = [url];
  try {
    const parsed = new URL(url);
    fragments.push(`${parsed.pathname}${parsed.search}`);
    const redactedPath = redactPath(parsed.hostname, parsed.pathname);
    if (redactedPath !== parsed.pathname) {
      fragments.push(parsed.pathname);
      const kept = new Set(redactedPath.split('/'));
      fragments.push(...parsed.pathname.split('/').filter((segment) => !kept.has(segment)));
    }
    for (const [name, value] of parsed.searchParams) if (isSecretName(name)) fragments.push(value, encodeURIComponent(value));
    if (parsed.password) fragments.push(parsed.password, decodeName(parsed.password));
  } catch {
    // an unparseable URL has no parts to look for
  }
  return fragments.filter((fragment) => fragment.length >= MIN_FRAGMENT_LENGTH).sort((a, b) => b.length - a.length);
}

/** `text` (a library's or a server's message) with every secret part of `url` replaced. */
export function scrubUrl(text: string, url: string): string {
  let scrubbed = text;
  for (const fragment of secretFragments(url)) scrubbed = scrubbed.split(fragment).join(fragment === url ? logTarget(url) : REDACTED);
  return scrubbed;
}

/**
 * The values a request's secret headers carry, as a server might quote them back: the whole value,
 * the credential after its scheme (`Bearer x`, `token x`), and for Basic the decoded `user:password`
 * and the password alone.
 */
function headerSecrets(headers: Readonly<Record<string, string>> | undefined): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!isSecretName(name) || !value) continue;
    found.push(value);
    const credential = /^\s*[A-Za-z][\w-]*\s+(\S+)\s*$/.exec(value)?.[1];
    if (credential) {
      found.push(credential);
      if (/^\s*basic\s/i.test(value)) {
        const decoded = Buffer.from(credential, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0) found.push(decoded, decoded.slice(colon + 1));
      }
    }
  }
  return found.filter((fragment) => fragment.length >= MIN_FRAGMENT_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * `text` (a server's refusal, a library's error) with every secret the request carried replaced:
 * the secret parts of its URL and the values of its credential headers. A tracker or chat server
 * that quotes the token it was sent must not put it into a log line or a dead letter.
 */
export function scrubRequestSecrets(text: string, request: { readonly url: string; readonly headers?: Readonly<Record<string, string>> | undefined }): string {
  let scrubbed = scrubUrl(text, request.url);
  for (const fragment of headerSecrets(request.headers)) scrubbed = scrubbed.split(fragment).join(REDACTED);
  return scrubbed;
}
