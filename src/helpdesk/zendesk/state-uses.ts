import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema';

/**
 * An install link's state works for one callback. Without this, anyone who saw a callback URL (a
 * browser history, a proxy log) could replay the state within its ten minutes with a code of their
 * own. `claim` records the state's nonce and says whether it was unused.
 */
export interface StateUses {
  claim(nonce: string, at: Date): Promise<boolean>;
}

/** Shared by every web process through the store (oauth_state_uses, migration 0008). */
export class DbStateUses implements StateUses {
  constructor(private readonly db: Kysely<Database>) {}

  async claim(nonce: string, at: Date): Promise<boolean> {
    const row = await this.db.insertInto('oauth_state_uses').values({ nonce, used_at: at }).onConflict((oc) => oc.column('nonce').doNothing()).returning('nonce').executeTakeFirst();
    return row !== undefined;
  }
}

/** One process (tests, a web role without a store of its own): the nonces seen, forgotten after `keepMs`. */
export class MemoryStateUses implements StateUses {
  private readonly seen = new Map<string, number>();

  constructor(private readonly keepMs = 3_600_000) {}

  async claim(nonce: string, at: Date): Promise<boolean> {
    for (const [n, t] of this.seen) if (at.getTime() - t > this.keepMs) this.seen.delete(n);
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, at.getTime());
    return true;
  }
}
