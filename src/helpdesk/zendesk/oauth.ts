import { z } from 'zod';
import type { ZendeskAccount } from '../../config/accounts';
import { fetchJson } from '../fetch-json';
import { HelpdeskError } from '../helpdesk-error';
import { CallMeter, Clock, systemClock } from './meter';
import { TokenCipher, TokenCipherError } from './token-cipher';
import type { StoredTokens, TokenStore } from './token-store';

/**
 * OAuth access tokens for one Zendesk account. Zendesk API tokens are being retired (none can be
 * created since 27 Oct 2026, all stop on 30 Apr 2027: docs/install-zendesk.md), and new OAuth access tokens expire
 * (about 30 minutes, refresh tokens about 30 days), so the writer asks a provider for a token before
 * every call instead of holding a string.
 *
 * https://developer.zendesk.com/api-reference/ticketing/oauth/grant_type_tokens/
 * https://developer.zendesk.com/documentation/api-basics/authentication/oauth-migration/
 */
export interface AccessTokenProvider {
  readonly kind: 'static' | 'oauth';
  /** A bearer token expected to stay valid for the next call (refreshed ahead of its expiry). */
  token(meter?: CallMeter): Promise<string>;
  /**
   * The API answered 401 to `rejected`: a fresh token to retry once with, or null when there is
   * nothing to refresh (a static token), in which case the 401 is final.
   */
  renewAfterUnauthorized(rejected: string, meter?: CallMeter): Promise<string | null>;
}

/** ZENDESK_ACCESS_TOKEN, used as is: a 401 is final (the operator has to issue a new token). */
export function staticAccessToken(token: string): AccessTokenProvider {
  if (!token.trim()) throw new Error('zendesk: an empty access token');
  return {
    kind: 'static',
    token: async () => token,
    renewAfterUnauthorized: async () => null,
  };
}

/** POST /oauth/tokens answer (every grant: client credentials, refresh token, authorization code). */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().nullish(),
  scope: z.string().nullish(),
  /** seconds; absent or null for tokens that do not expire */
  expires_in: z.number().int().positive().nullish(),
  refresh_token: z.string().min(1).nullish(),
  refresh_token_expires_in: z.number().int().positive().nullish(),
});

export interface ClientCredentialsOptions {
  /** the account's origin, e.g. https://acme.zendesk.com (ZENDESK_BASE_URL wins: a proxy or a test host) */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** space-separated; the writer needs `read` (marker check, updated_at) and `write` (the ticket update) */
  scope?: string;
  /** the store key and the sealing AAD: the tenant, zendesk:<subdomain> */
  account: string;
  store: TokenStore;
  cipher: TokenCipher;
  clock?: Clock;
  /** refresh when the access token has less than this left; 2 minutes by default */
  refreshSkewMs?: number;
  /** access-token lifetime to ask for, seconds (Zendesk: over 300, under 172,800); Zendesk's default when unset */
  accessTokenTtlSeconds?: number;
  /** told when a stored record cannot be opened (rotated APP_ENCRYPTION_KEY): a new grant replaces it */
  onWarning?: (message: string) => void;
  /**
   * An account installed through the authorization-code grant (another company's Zendesk): only its
   * refresh token renews it, since client credentials reach the OAuth client's own account alone.
   * When the refresh token is gone or refused, the account has to be installed again.
   */
  refreshOnly?: boolean;
}

/**
 * The client-credentials grant for a single account, with the refresh_token grant when Zendesk issued a
 * refresh token. Tokens are refreshed `refreshSkewMs` before they expire and once after a 401; concurrent
 * callers share one grant request (a refresh grant invalidates the previous pair, so two parallel
 * refreshes would leave one caller holding a revoked token). Every grant is sealed into the store
 * before it is used.
 */
export class ClientCredentialsTokenProvider implements AccessTokenProvider {
  readonly kind = 'oauth' as const;
  private current: StoredTokens | undefined;
  private loaded = false;
  private inflight: Promise<StoredTokens> | undefined;
  private readonly clock: Clock;
  private readonly skew: number;
  private readonly tokenUrl: string;

  constructor(private readonly options: ClientCredentialsOptions) {
    this.clock = options.clock ?? systemClock;
    this.skew = options.refreshSkewMs ?? 120_000;
    this.tokenUrl = `${options.baseUrl.replace(/\/+$/, '')}/oauth/tokens`;
    const ttl = options.accessTokenTtlSeconds;
    if (ttl !== undefined && (ttl <= 300 || ttl >= 172_800)) throw new Error('zendesk: accessTokenTtlSeconds must be over 300 and under 172800 (Zendesk limits)');
  }

  async token(meter?: CallMeter): Promise<string> {
    const held = await this.held();
    if (held && !this.expiringSoon(held)) return held.accessToken;
    return (await this.renew(held, meter)).accessToken;
  }

  async renewAfterUnauthorized(rejected: string, meter?: CallMeter): Promise<string | null> {
    // Another process may have refreshed (which revokes the pair this one holds): read the store again.
    if (this.current?.accessToken === rejected && !this.inflight) {
      this.current = undefined;
      this.loaded = false;
    }
    const held = await this.held();
    // Another call refreshed while ours was in flight: use its token rather than refreshing again.
    if (held && held.accessToken !== rejected && !this.expiringSoon(held)) return held.accessToken;
    return (await this.renew(held, meter)).accessToken;
  }

  private expiringSoon(t: StoredTokens): boolean {
    return t.accessExpiresAt !== null && t.accessExpiresAt - this.skew <= this.clock.now();
  }

  /** The tokens in memory, or once per process the sealed record from the store. */
  private async held(): Promise<StoredTokens | undefined> {
    if (this.current || this.loaded) return this.current;
    const row = await this.options.store.get(this.options.account);
    this.loaded = true;
    if (!row) return undefined;
    try {
      this.current = JSON.parse(this.options.cipher.open(row.sealed, this.options.account)) as StoredTokens;
    } catch (err) {
      if (!(err instanceof TokenCipherError) && !(err instanceof SyntaxError)) throw err;
      // Client credentials can always be granted again: a record we cannot open is replaced, not fatal.
      this.options.onWarning?.(`zendesk: stored OAuth tokens for ${this.options.account} could not be read (${err.message}); requesting new ones`);
      this.current = undefined;
    }
    return this.current;
  }

  private renew(held: StoredTokens | undefined, meter?: CallMeter): Promise<StoredTokens> {
    this.inflight ??= this.grant(held, meter).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async grant(held: StoredTokens | undefined, meter?: CallMeter): Promise<StoredTokens> {
    const { clientId, clientSecret } = this.options;
    const scope = this.options.scope ?? 'read write';
    const ttl = this.options.accessTokenTtlSeconds !== undefined ? { expires_in: this.options.accessTokenTtlSeconds } : {};
    let tokens: StoredTokens | undefined;
    if (held?.refreshToken && (held.refreshExpiresAt === null || held.refreshExpiresAt > this.clock.now())) {
      try {
        tokens = await this.request({ grant_type: 'refresh_token', refresh_token: held.refreshToken, client_id: clientId, client_secret: clientSecret, scope, ...ttl }, meter);
      } catch (err) {
        // A revoked or already-rotated refresh token (invalid_grant): the client credentials still work.
        if (!(err instanceof HelpdeskError) || !err.permanent) throw err;
      }
    }
    if (!tokens && this.options.refreshOnly) {
      const subdomain = this.options.account.replace(/^zendesk:/, '');
      throw new HelpdeskError('zendesk', 401, 'zendesk_install_expired', `zendesk: the install of ${this.options.account} can no longer be renewed (its refresh token is missing, expired or revoked); an admin of the account can install again at /oauth/zendesk/start?subdomain=${subdomain}`, true);
    }
    tokens ??= await this.request({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope, ...ttl }, meter);
    await this.options.store.put({
      account: this.options.account,
      sealed: this.options.cipher.seal(JSON.stringify(tokens), this.options.account),
      updated_at: new Date(this.clock.now()),
    });
    this.current = tokens;
    this.loaded = true;
    return tokens;
  }

  private async request(body: Record<string, unknown>, meter?: CallMeter): Promise<StoredTokens> {
    meter?.count('token');
    const sentAt = this.clock.now();
    let answer: z.infer<typeof tokenResponseSchema>;
    try {
      answer = await fetchJson(
        this.tokenUrl,
        { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) },
        'zendesk',
        tokenResponseSchema,
      );
    } catch (err) {
      if (err instanceof HelpdeskError && err.permanent && err.status >= 400) {
        // map-error's 401 hint speaks of ZENDESK_ACCESS_TOKEN; here the OAuth client itself was refused.
        throw new HelpdeskError('zendesk', err.status, 'zendesk_oauth_refused', `zendesk: the ${String(body.grant_type)} grant was refused (check ZENDESK_OAUTH_CLIENT_ID / ZENDESK_OAUTH_CLIENT_SECRET and the client's scopes): ${err.message}`, true);
      }
      throw err;
    }
    return {
      accessToken: answer.access_token,
      accessExpiresAt: answer.expires_in ? sentAt + answer.expires_in * 1000 : null,
      refreshToken: answer.refresh_token ?? null,
      refreshExpiresAt: answer.refresh_token && answer.refresh_token_expires_in ? sentAt + answer.refresh_token_expires_in * 1000 : null,
      scope: answer.scope ?? null,
    };
  }
}

export interface ZendeskAuth {
  baseUrl: string;
  tokens: AccessTokenProvider;
}

/**
 * The account's credentials (derived once from the environment, config/accounts.ts), or undefined
 * (shadow mode) when none are set. ZENDESK_ACCESS_TOKEN is used as is when present; otherwise
 * ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET select the client-credentials grant, which
 * needs APP_ENCRYPTION_KEY.
 */
export function zendeskAuthOf(zendesk: ZendeskAccount, deps: { store: TokenStore; clock?: Clock; scope?: string; onWarning?: (m: string) => void }): ZendeskAuth | undefined {
  const { baseUrl, accessToken: token, oauthClientId: clientId, oauthClientSecret: clientSecret } = zendesk;
  if (!token && !clientId && !clientSecret) return undefined;
  // An OAuth client without an account named is the client accounts install through (docs/accounts.md).
  if (!token && !baseUrl) return undefined;
  if (!baseUrl || !zendesk.tokenAccount) throw new Error('zendesk: set ZENDESK_SUBDOMAIN (or ZENDESK_BASE_URL) with the Zendesk credentials');
  if (token) return { baseUrl, tokens: staticAccessToken(token) };
  if (!clientId || !clientSecret) throw new Error('zendesk: set both ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET');
  const cipher = TokenCipher.fromBase64Key(zendesk.encryptionKey);
  const account = zendesk.tokenAccount;
  return {
    baseUrl,
    tokens: new ClientCredentialsTokenProvider({
      baseUrl,
      clientId,
      clientSecret,
      account,
      store: deps.store,
      cipher,
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...(deps.scope ? { scope: deps.scope } : {}),
      ...(deps.onWarning ? { onWarning: deps.onWarning } : {}),
    }),
  };
}
