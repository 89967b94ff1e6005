import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { StoredTokens } from './token-store';
import { tokenResponseSchema } from './oauth';

/**
 * The authorization-code install of one Zendesk account, without HTTP: the signed `state` that
 * carries the subdomain from /oauth/zendesk/start to /oauth/zendesk/callback, the authorization URL,
 * and the code exchange at /oauth/tokens.
 *
 * https://support.zendesk.com/hc/en-us/articles/4408845965210 (authorization code flow: response_type,
 *   client_id, redirect_uri, scope, state on /oauth/authorizations/new; a code is valid 120 s)
 * https://developer.zendesk.com/api-reference/ticketing/oauth/grant_type_tokens/ (POST /oauth/tokens, JSON)
 */

/** What ZENDESK_SUBDOMAIN accepts (config/env.ts), at most one DNS label: it becomes a host name. */
const SUBDOMAIN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** `acme`, `ACME`, `acme.zendesk.com` or `https://acme.zendesk.com/` → `acme`; anything else undefined. */
export function normalizeSubdomain(raw: string): string | undefined {
  const text = raw.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '').replace(/\.zendesk\.com$/, '');
  return SUBDOMAIN.test(text) ? text : undefined;
}

/** The state's HMAC key, derived from APP_ENCRYPTION_KEY so no further secret has to be configured. */
export function stateKeyFrom(secret: string): Buffer {
  return createHmac('sha256', Buffer.from(secret.trim(), 'utf8')).update('draftpilot/zendesk-oauth-state/v1').digest();
}

const statePayloadSchema = z.object({
  v: z.literal(1),
  /** the subdomain the install was started for */
  sub: z.string().regex(SUBDOMAIN),
  /** issued at, ms since the epoch */
  iat: z.number().int().nonnegative(),
  /** makes every state distinct */
  n: z.string().min(8).max(64),
});

/** A state issued by another instance whose clock runs ahead is accepted within this margin. */
const FUTURE_SKEW_MS = 60_000;
const MAX_STATE_CHARS = 512;

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest();

/** `<payload>.<hmac>`, both base64url: the subdomain and the issue time, signed. No server-side session. */
export function signInstallState(subdomain: string, key: Buffer, now: number): string {
  const payload = Buffer.from(JSON.stringify({ v: 1, sub: subdomain, iat: now, n: randomBytes(12).toString('base64url') })).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

export type StateCheck =
  | { ok: true; subdomain: string; nonce: string }
  | { ok: false; code: 'oauth_state_invalid' | 'oauth_state_expired'; message: string };

/** `startAt`: where an install starts again (the Zendesk start page with the subdomain by default). */
export function verifyInstallState(state: string, key: Buffer, now: number, ttlMs: number, startAt: (sub?: string) => string = (sub) => `/oauth/zendesk/start?subdomain=${sub ?? '<your subdomain>'}`): StateCheck {
  const invalid = (why: string): StateCheck => ({
    ok: false,
    code: 'oauth_state_invalid',
    message: `the state parameter ${why}; start the install again at ${startAt()}`,
  });
  if (state.length > MAX_STATE_CHARS) return invalid('is too long to be ours');
  const parts = state.split('.');
  // base64url only: Buffer.from skips foreign characters, which would let altered text pass as the same bytes.
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) return invalid('is not one draftpilot issued');
  const [payload, signature] = parts as [string, string];
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(key, payload);
  // Lengths first: timingSafeEqual throws on a length mismatch (a short signature is a 400, never a 500).
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return invalid('does not carry a valid signature (altered, or issued with another APP_ENCRYPTION_KEY)');
  }
  let parsed: z.infer<typeof statePayloadSchema>;
  try {
    parsed = statePayloadSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    return invalid('is signed but not readable');
  }
  if (parsed.iat - now > FUTURE_SKEW_MS) return invalid('was issued in the future (check the server clock)');
  if (now - parsed.iat > ttlMs) {
    return {
      ok: false,
      code: 'oauth_state_expired',
      message: `the install link expired (it is valid for ${Math.round(ttlMs / 60_000)} minutes); start again at ${startAt(parsed.sub)}`,
    };
  }
  return { ok: true, subdomain: parsed.sub, nonce: parsed.n };
}

/** Zendesk's authorization page, where an admin of the account approves the install. */
export function authorizationUrl(host: string, p: { clientId: string; redirectUri: string; scope: string; state: string }): string {
  const url = new URL(`${host.replace(/\/+$/, '')}/oauth/authorizations/new`);
  url.search = new URLSearchParams({ response_type: 'code', client_id: p.clientId, redirect_uri: p.redirectUri, scope: p.scope, state: p.state }).toString();
  return url.toString();
}

/** The install did not complete; `status` is what the callback answers, `code` is stable. */
export class OauthInstallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'OauthInstallError';
  }
}


/** Zendesk's `{error, error_description}` (or `description`), short; never the request. */
function zendeskDetail(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const parts = [body.error, body.error_description ?? body.description].filter((p): p is string => typeof p === 'string');
    if (parts.length) return parts.join(': ').slice(0, 200);
  } catch {
    // an HTML error page from a proxy
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 120);
}

export interface CodeExchange {
  /** origin of the account, e.g. https://acme.zendesk.com */
  host: string;
  code: string;
  clientId: string;
  clientSecret: string;
  /** the redirect_uri sent to the authorization page: Zendesk compares them */
  redirectUri: string;
  scope: string;
  now: number;
  timeoutMs?: number;
}

/**
 * Trades the authorization code for the account's tokens. Every failure is an OauthInstallError with
 * status 502 (Zendesk, not the browser, refused or failed); the message says what to check.
 */
export async function exchangeAuthorizationCode(x: CodeExchange): Promise<StoredTokens> {
  const url = `${x.host.replace(/\/+$/, '')}/oauth/tokens`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', code: x.code, client_id: x.clientId, client_secret: x.clientSecret, redirect_uri: x.redirectUri, scope: x.scope }),
      signal: AbortSignal.timeout(x.timeoutMs ?? 20_000),
    });
  } catch (err) {
    throw new OauthInstallError(502, 'zendesk_unreachable', `Zendesk could not be reached at ${url} (${(err as Error).message}); try the install again`);
  }
  const text = await res.text();
  if (!res.ok) {
    const detail = zendeskDetail(text);
    const check =
      res.status === 400 || res.status === 401 || res.status === 403
        ? `check ZENDESK_OAUTH_CLIENT_ID / ZENDESK_OAUTH_CLIENT_SECRET, that ${x.redirectUri} is a redirect URL of the OAuth client, and start again (a code is valid for 120 s, once)`
        : 'try the install again later';
    throw new OauthInstallError(502, 'zendesk_oauth_exchange_failed', `Zendesk refused the authorization code: ${url} answered ${res.status}${detail ? ` (${detail})` : ''}; ${check}`);
  }
  let answer: z.infer<typeof tokenResponseSchema>;
  try {
    answer = tokenResponseSchema.parse(JSON.parse(text));
  } catch {
    throw new OauthInstallError(502, 'zendesk_unexpected_response', `Zendesk answered ${res.status} at ${url} without an access token`);
  }
  return {
    accessToken: answer.access_token,
    accessExpiresAt: answer.expires_in ? x.now + answer.expires_in * 1000 : null,
    refreshToken: answer.refresh_token ?? null,
    refreshExpiresAt: answer.refresh_token && answer.refresh_token_expires_in ? x.now + answer.refresh_token_expires_in * 1000 : null,
    scope: answer.scope ?? null,
  };
}
