/**
 * Where OAuth tokens live between processes. The store only ever sees sealed records (token-cipher.ts):
 * a database dump or a log line of a row carries no usable credential.
 *
 * The database shape (no migration here; the store module owns migrations), one row per account:
 *
 *   create table zendesk_oauth_tokens (
 *     account     text primary key,        -- the tenant, zendesk:<subdomain>
 *     sealed      text not null,           -- TokenCipher.seal(JSON of StoredTokens, aad = account)
 *     updated_at  timestamptz not null
 *   );
 *
 * A Kysely implementation is `insert ... on conflict (account) do update set sealed, updated_at`.
 * Zendesk rotates refresh tokens (a refresh grant invalidates the previous pair:
 * https://developer.zendesk.com/api-reference/ticketing/oauth/grant_type_tokens/), so `put` must be
 * durable before the new access token is used, or a crash loses the only valid refresh token.
 */
export interface SealedTokenRow {
  account: string;
  sealed: string;
  updated_at: Date;
}

export interface TokenStore {
  get(account: string): Promise<SealedTokenRow | undefined>;
  put(row: SealedTokenRow): Promise<void>;
}

/** What is sealed: the grant's answer, with absolute expiry times (ms since the epoch). */
export interface StoredTokens {
  accessToken: string;
  /** null: Zendesk issued a token without expiry (legacy tokens) */
  accessExpiresAt: number | null;
  refreshToken: string | null;
  refreshExpiresAt: number | null;
  scope: string | null;
}

/** One process, tests, the embedded demo. Rows are copied so callers cannot mutate what is stored. */
export class MemoryTokenStore implements TokenStore {
  private readonly rows = new Map<string, SealedTokenRow>();

  async get(account: string): Promise<SealedTokenRow | undefined> {
    const row = this.rows.get(account);
    return row ? { ...row } : undefined;
  }

  async put(row: SealedTokenRow): Promise<void> {
    this.rows.set(row.account, { ...row });
  }
}
