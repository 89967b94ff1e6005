import { HelpdeskError, HelpdeskProvider, isPermanentStatus } from './helpdesk-error';

/**
 * The one mapping from a helpdesk answer (or its absence) to a HelpdeskError, used by every client:
 * fetchJson (reads, OAuth grants, setup), node-zendesk's transport and the intercom-client adapter.
 */

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'unprocessable',
  429: 'rate_limited',
};

/** What to check, per provider and status; never a credential. */
const HINTS: Record<HelpdeskProvider, Partial<Record<number, string>>> = {
  zendesk: {
    401: 'the access token was refused: check ZENDESK_ACCESS_TOKEN, or the OAuth client (ZENDESK_OAUTH_CLIENT_ID, ZENDESK_OAUTH_CLIENT_SECRET) and its scopes',
    403: 'the token lacks the scope or the user the role for this resource (read scope, agent or admin)',
  },
  intercom: {
    401: 'the access token is invalid or revoked (INTERCOM_ACCESS_TOKEN)',
    403: 'the app lacks a permission this call needs (Developer Hub > Authentication: read and write conversations, tags, articles)',
    422: 'Intercom refused the request body (is INTERCOM_ADMIN_ID an admin of this workspace, the team id right?)',
  },
};

/**
 * A 429 without a wait header: Intercom counts requests in 10-second windows
 * (developers.intercom.com/docs/references/rest-api/errors/rate-limiting), so one window is worth
 * waiting out. Zendesk always sends Retry-After; the job layer has its own default.
 */
const RATE_LIMIT_DEFAULT_MS: Partial<Record<HelpdeskProvider, number>> = { intercom: 10_000 };

/**
 * How long the provider asked us to wait, in ms.
 * Zendesk: `Retry-After` in seconds (developer.zendesk.com/api-reference/introduction/rate-limits/).
 * Intercom: `X-RateLimit-Reset`, the unix time (seconds) the window resets
 * (developers.intercom.com/docs/references/rest-api/errors/rate-limiting).
 * Either header is read whichever provider sent it: a proxy in between may use the other convention.
 */
export function retryAfterMs(provider: HelpdeskProvider, headers: Pick<Headers, 'get'>, now = Date.now()): number | undefined {
  const fromRetryAfter = (): number | undefined => {
    const raw = headers.get('retry-after')?.trim();
    if (!raw) return undefined;
    if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
    const date = Date.parse(raw); // RFC 9110 also allows an HTTP date
    return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
  };
  const fromReset = (): number | undefined => {
    const raw = headers.get('x-ratelimit-reset')?.trim();
    if (!raw || !/^\d+$/.test(raw)) return undefined;
    return Math.max(0, Number(raw) * 1000 - now);
  };
  return provider === 'zendesk' ? fromRetryAfter() ?? fromReset() : fromReset() ?? fromRetryAfter();
}

/**
 * The provider's own words, short: Zendesk `{error, description}`, Intercom `{errors:[{code, message}]}`;
 * a page that is not JSON (a proxy's or load balancer's HTML) without its tags.
 */
export function providerDetail(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (Array.isArray(body.errors)) {
      return body.errors.map((e: { code?: unknown; message?: unknown }) => [e.code, e.message].filter(Boolean).join(': ')).join('; ').slice(0, 200);
    }
    const parts = [body.error, body.description, body.message].filter((p) => typeof p === 'string');
    if (parts.length) return parts.join(': ').slice(0, 200);
    if (body.error && typeof body.error === 'object') return JSON.stringify(body.error).slice(0, 200);
  } catch {
    // not JSON
  }
  return text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 120);
}

/** "zendesk GET https://acme.zendesk.com/api/v2/tickets/1.json": the URL without its query, never a credential. */
export function callLabel(provider: HelpdeskProvider, method: string, url: string): string {
  let shown = url;
  try {
    const u = new URL(url);
    shown = `${u.origin}${u.pathname}`;
  } catch {
    // a path, as given
  }
  return `${provider} ${method} ${shown}`;
}

export interface ResponseErrorOptions {
  /** what the call is about, for a 404 the caller treats as "gone": "conversation 123" */
  subject?: string;
  now?: number;
}

/**
 * A non-2xx answer as a HelpdeskError: the status, a stable code, permanent or not, the wait a 429 or
 * 503 asked for (Retry-After / X-RateLimit-Reset), the provider's own words and a hint of what to check.
 */
export function helpdeskErrorFromResponse(provider: HelpdeskProvider, call: string, status: number, headers: Pick<Headers, 'get'>, text: string, options: ResponseErrorOptions = {}): HelpdeskError {
  const kind = CODES[status] ?? (status >= 500 ? 'server_error' : `http_${status}`);
  const asked = status === 429 || status === 503 ? retryAfterMs(provider, headers, options.now) : undefined;
  const wait = status === 429 ? asked ?? RATE_LIMIT_DEFAULT_MS[provider] : asked;
  const detail = providerDetail(text);
  // Deleted, merged, or in another account or region: nothing to write to, and nothing a retry changes.
  const hint = status === 404 && options.subject ? `${options.subject} does not exist (deleted, merged, or in another workspace or region, see ${provider === 'intercom' ? 'INTERCOM_BASE_URL' : 'ZENDESK_SUBDOMAIN'}); dropped` : HINTS[provider][status];
  return new HelpdeskError(
    provider,
    status,
    `${provider}_${kind}`,
    `${call} answered ${status}${detail ? ` (${detail})` : ''}${hint ? `: ${hint}` : ''}${wait !== undefined ? `; retry after ${Math.ceil(wait / 1000)} s` : ''}`,
    isPermanentStatus(status),
    wait,
  );
}

/**
 * No response arrived: a timeout (our AbortSignal.timeout, or an abort) or a network error (reset,
 * DNS, refused). Both retryable, status 0: whether a write was applied is unknown, which is what the
 * writers' marker check on the next attempt settles.
 */
export function helpdeskErrorFromFailure(provider: HelpdeskProvider, call: string, err: unknown, timeoutMs: number, timedOut = isTimeout(err)): HelpdeskError {
  return new HelpdeskError(provider, 0, `${provider}_${timedOut ? 'timeout' : 'unreachable'}`, `${call}: ${timedOut ? `no answer within ${timeoutMs} ms` : failureText(err)}`, false);
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/** The error's message, with the cause's code when fetch wrapped one ("fetch failed" says little). */
function failureText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (!cause || typeof cause !== 'object') return message;
  return [cause.code, cause.message ?? message].filter(Boolean).join(' ');
}
