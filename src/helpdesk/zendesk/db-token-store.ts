import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema';
import type { SealedTokenRow, TokenStore } from './token-store';

/**
 * Sealed OAuth tokens in the store's `oauth_tokens` table (migration 0005), one row per account.
 * `put` returns once the row is committed: Zendesk rotates refresh tokens on every refresh grant, so
 * the new pair must be durable before the caller uses it (token-store.ts). Last write wins.
 */
export class DbTokenStore implements TokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(account: string): Promise<SealedTokenRow | undefined> {
    const row = await this.db.selectFrom('oauth_tokens').select(['account', 'sealed', 'updated_at']).where('account', '=', account).executeTakeFirst();
    return row ? { account: row.account, sealed: row.sealed, updated_at: new Date(row.updated_at) } : undefined;
  }

  async put(row: SealedTokenRow): Promise<void> {
    await this.db
      .insertInto('oauth_tokens')
      .values({ account: row.account, sealed: row.sealed, updated_at: row.updated_at })
      .onConflict((oc) => oc.column('account').doUpdateSet((eb) => ({ sealed: eb.ref('excluded.sealed'), updated_at: eb.ref('excluded.updated_at') })))
      .execute();
  }
}
