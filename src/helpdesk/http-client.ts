import type { z } from 'zod';
import type { Env } from '../config/env';

export type HelpdeskProvider = 'zendesk' | 'intercom';

/**
 * A helpdesk API call that did not return what we asked for. `permanent` tells the job layer whether
 * a retry can help: 401/403/404/422 (and other client errors) never will, so the job fails at once
 * (BullMQ's UnrecoverableError); 429, 5xx, timeouts and network errors may, and a 429 carries how long
 * the provider asked us to wait.
 */
export class HelpdeskError extends Error {
  constructor(
    readonly provider: HelpdeskProvider,
    /** the provider's HTTP status; 0 when no response arrived (network error, timeout) */
    readonly status: number,
    /** stable, e.g. zendesk_rate_limited, intercom_unauthorized, zendesk_unexpected_response */
    readonly code: string,
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'HelpdeskError';
  }

  get retryable(): boolean {
    return !this.permanent;
  }
}

/** Client errors a retry could still fix: timeouts, conflicts, "too early", rate limits. */
const TRANSIENT_4XX = new Set([408, 409, 425, 429]);

export function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && !TRANSIENT_4XX.has(status);
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'unprocessable',
  429: 'rate_limited',
};

const HINTS: Partial<Record<HelpdeskProvider, Record<number, string>>> = {
  zendesk: {
    401: 'the access token was refused: check ZENDESK_ACCESS_TOKEN, or the OAuth client (ZENDESK_OAUTH_CLIENT_ID, ZENDESK_OAUTH_CLIENT_SECRET) and its scopes',
    403: 'the token lacks the scope or the user the role for this resource (read scope, agent or admin)',
  },
  intercom: {
    401: 'the access token is invalid (INTERCOM_ACCESS_TOKEN)',
    403: 'the app lacks the permission for this resource (Developer Hub > Authentication > scopes)',
  },
};

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

/** The provider's own words, short: Zendesk `{error, description}`, Intercom `{errors:[{code, message}]}`. */
function providerDetail(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (Array.isArray(body.errors)) {
      return body.errors.map((e: { code?: unknown; message?: unknown }) => [e.code, e.message].filter(Boolean).join(': ')).join('; ').slice(0, 200);
    }
    const parts = [body.error, body.description, body.message].filter((p) => typeof p === 'string');
    if (parts.length) return parts.join(': ').slice(0, 200);
    if (body.error && typeof body.error === 'object') return JSON.stringify(body.error).slice(0, 200);
  } catch {
    // not JSON: an HTML error page from a proxy or load balancer
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 120);
}

/** The URL without its query string: enough to tell which call failed, never a credential. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}

export interface FetchJsonInit extends RequestInit {
  /** ms before the call is abandoned as a (retryable) timeout; 20 s by default */
  timeoutMs?: number;
}

/**
 * GET/POST a helpdesk API with global fetch (what nock 14 intercepts) and parse the answer with the
 * given zod schema at the boundary. Every non-2xx, timeout, network error and unexpected body becomes
 * a HelpdeskError; no retries here, the job layer owns them.
 */
export async function fetchJson<T>(url: string, init: FetchJsonInit, provider: HelpdeskProvider, schema: z.ZodType<T>): Promise<T>;
export async function fetchJson(url: string, init: FetchJsonInit, provider: HelpdeskProvider): Promise<unknown>;
export async function fetchJson(url: string, init: FetchJsonInit, provider: HelpdeskProvider, schema?: z.ZodType): Promise<unknown> {
  const { timeoutMs = 20_000, ...rest } = init;
  const method = rest.method ?? 'GET';
  let res: Response;
  try {
    res = await fetch(url, { ...rest, signal: rest.signal ?? AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw helpdeskErrorFromFailure(provider, method, url, err, timeoutMs);
  }
  const text = await res.text();
  if (!res.ok) throw helpdeskErrorFromResponse(provider, method, url, res.status, res.headers, text);
  const json = parseJsonAnswer(provider, method, url, res.status, text);
  if (!schema) return json;
  return validateAnswer(provider, method, url, res.status, json, schema);
}

/**
 * No response arrived: a timeout (our AbortSignal.timeout, or an abort) or a network error (reset,
 * DNS, refused). Both retryable, status 0.
 */
export function helpdeskErrorFromFailure(
  provider: HelpdeskProvider,
  method: string,
  url: string,
  err: unknown,
  timeoutMs: number,
  /** the caller knows its own timeout fired (its signal is aborted); otherwise told by the error's name */
  timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'),
): HelpdeskError {
  return new HelpdeskError(
    provider,
    0,
    `${provider}_${timedOut ? 'timeout' : 'unreachable'}`,
    `${provider} ${method} ${where(url)}: ${timedOut ? `no answer within ${timeoutMs} ms` : (err as Error).message}`,
    false,
  );
}

/**
 * A non-2xx answer as a HelpdeskError: the status, a stable code, permanent or not, the wait a 429 or
 * 503 asked for (Retry-After / X-RateLimit-Reset), the provider's own words and a hint for 401/403.
 */
export function helpdeskErrorFromResponse(provider: HelpdeskProvider, method: string, url: string, status: number, headers: Pick<Headers, 'get'>, text: string): HelpdeskError {
  const permanent = isPermanentStatus(status);
  const kind = CODES[status] ?? (status >= 500 ? 'server_error' : `http_${status}`);
  const wait = status === 429 || status === 503 ? retryAfterMs(provider, headers) : undefined;
  const hint = HINTS[provider]?.[status];
  const detail = providerDetail(text);
  return new HelpdeskError(
    provider,
    status,
    `${provider}_${kind}`,
    `${provider} ${method} ${where(url)} answered ${status}${detail ? ` (${detail})` : ''}${hint ? `: ${hint}` : ''}${wait !== undefined ? `; retry after ${Math.ceil(wait / 1000)} s` : ''}`,
    permanent,
    wait,
  );
}

/** A 2xx body as JSON (null when empty); a body that is not JSON is a retryable unexpected response. */
export function parseJsonAnswer(provider: HelpdeskProvider, method: string, url: string, status: number, text: string): unknown {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    throw new HelpdeskError(provider, status, `${provider}_unexpected_response`, `${provider} ${method} ${where(url)} answered ${status} with a body that is not JSON`, false);
  }
}

/** The answer checked against the schema: an unexpected shape is permanent (the same request returns the same shape). */
export function validateAnswer<T>(provider: HelpdeskProvider, method: string, url: string, status: number, json: unknown, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    // The same request returns the same shape: retrying cannot help, someone has to look.
    throw new HelpdeskError(provider, status, `${provider}_unexpected_response`, `${provider} ${method} ${where(url)}: unexpected response (${issues})`, true);
  }
  return parsed.data;
}

/**
 * Bearer tokens that change (Zendesk OAuth): the shape of the writer's AccessTokenProvider
 * (delivery/zendesk/oauth.ts), which is passed as is. No call meter: reads are not metered.
 */
export interface BearerTokens {
  /** the token for the next request (granted or refreshed when needed) */
  token(): Promise<string>;
  /** the API answered 401 to `rejected`: a fresh token to repeat once with, or null (the 401 is final) */
  renewAfterUnauthorized(rejected: string): Promise<string | null>;
}

/** Where and how to reach one provider's API. */
export interface HelpdeskAccess {
  provider: HelpdeskProvider;
  /** origin (and base path) without a trailing slash, e.g. https://acme.zendesk.com */
  baseUrl: string;
  headers: Record<string, string>;
  /**
   * When set, every request carries `Authorization: Bearer <tokens.token()>` (over any authorization in
   * `headers`), and a 401 renews the token once and repeats the request.
   */
  tokens?: BearerTokens;
}

/**
 * The Intercom API version sent with every call. PROVIDERS.md: intercom-client 7 (the write side)
 * sends 2.14; reads use the same version so both sides see one conversation and article model.
 * https://developers.intercom.com/docs/build-an-integration/learn-more/rest-apis/api-versioning
 */
export const INTERCOM_VERSION = '2.14';

/** What the Zendesk settings are called, for "no credentials" messages. */
export const ZENDESK_CREDENTIALS_HINT = 'ZENDESK_ACCESS_TOKEN, or ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET with APP_ENCRYPTION_KEY';

/**
 * Zendesk with an OAuth access token as a bearer (API tokens are being retired, PROVIDERS.md);
 * ZENDESK_BASE_URL (a proxy or a test host) wins over https://<subdomain>.zendesk.com.
 *
 * With `auth` (the writer's ZendeskAuth from zendeskAuthFromEnv: a static token or the OAuth client
 * credentials grant), the reads use the writer's token provider: one token, granted and renewed in
 * one place. Without it, ZENDESK_ACCESS_TOKEN as a fixed header, as before.
 */
export function zendeskAccess(
  env: Pick<Env, 'ZENDESK_ACCESS_TOKEN' | 'ZENDESK_BASE_URL' | 'ZENDESK_SUBDOMAIN'>,
  auth?: { baseUrl: string; tokens: BearerTokens },
): HelpdeskAccess | undefined {
  if (auth) return { provider: 'zendesk', baseUrl: auth.baseUrl.replace(/\/+$/, ''), headers: { accept: 'application/json' }, tokens: auth.tokens };
  if (!env.ZENDESK_ACCESS_TOKEN) return undefined;
  const base = env.ZENDESK_BASE_URL ?? (env.ZENDESK_SUBDOMAIN ? `https://${env.ZENDESK_SUBDOMAIN}.zendesk.com` : undefined);
  if (!base) return undefined;
  return {
    provider: 'zendesk',
    baseUrl: base.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${env.ZENDESK_ACCESS_TOKEN}`, accept: 'application/json' },
  };
}

export function intercomAccess(env: Pick<Env, 'INTERCOM_ACCESS_TOKEN' | 'INTERCOM_BASE_URL'>): HelpdeskAccess | undefined {
  if (!env.INTERCOM_ACCESS_TOKEN) return undefined;
  return {
    provider: 'intercom',
    baseUrl: env.INTERCOM_BASE_URL.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${env.INTERCOM_ACCESS_TOKEN}`, accept: 'application/json', 'intercom-version': INTERCOM_VERSION },
  };
}

/**
 * GET a path or a full URL the provider handed us (next-page links) with the access's credentials.
 * With a token provider (access.tokens): the current token per request, and after a 401 one renewal
 * and one repeat (a GET changes nothing, so repeating it is safe); a second 401, or a 401 with nothing
 * to renew (a static token), is final. Like ZendeskApi.call on the write side.
 */
export function getJson<T>(access: HelpdeskAccess, pathOrUrl: string, schema: z.ZodType<T>): Promise<T> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${access.baseUrl}${pathOrUrl}`;
  // A next-page link pointing elsewhere would carry our bearer token to another host: refuse it.
  if (new URL(url).origin !== new URL(access.baseUrl).origin) {
    throw new HelpdeskError(access.provider, 0, `${access.provider}_unexpected_response`, `${access.provider}: refusing to follow a link to another host (${new URL(url).origin})`, true);
  }
  const { tokens } = access;
  if (!tokens) return fetchJson(url, { method: 'GET', headers: access.headers }, access.provider, schema);
  return (async () => {
    let token = await tokens.token();
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetchJson(url, { method: 'GET', headers: { ...access.headers, authorization: `Bearer ${token}` } }, access.provider, schema);
      } catch (err) {
        if (err instanceof HelpdeskError && err.status === 401 && attempt === 0) {
          const next = await tokens.renewAfterUnauthorized(token);
          if (next) {
            token = next;
            continue;
          }
        }
        throw err;
      }
    }
  })();
}
