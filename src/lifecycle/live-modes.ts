import type { Kysely } from 'kysely';
import type { Category } from '../policy/categories';
import type { Database } from '../store/schema';
import type { StoredMode } from './state-machine';
import { storedModes } from './mode-store';

/** A tenant's stored modes by category id. */
export type ModeOverrides = ReadonlyMap<string, StoredMode>;

/** The category with its stored mode for the tenant, over the categories file's. Pure. */
export function withLiveMode(category: Category, overrides: ModeOverrides | undefined): Category {
  const mode = overrides?.get(category.id);
  return mode && mode !== category.mode ? { ...category, mode } : category;
}

/**
 * The stored modes per tenant, cached for `ttlMs` (settings `lifecycle.mode_cache_ms`): the drafter
 * asks for every message, and a cached answer is a map lookup. A change made through this process
 * (promote, demote, an automatic transition) updates the cache at once, so its next message sees it;
 * another process reads the table again within `ttlMs`. `ttlMs` 0 reads the table for every message
 * (one primary-key range query).
 */
export class LiveModes {
  private readonly cache = new Map<string, { modes: Map<string, StoredMode>; until: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async forTenant(tenant: string): Promise<ModeOverrides> {
    const hit = this.cache.get(tenant);
    if (hit && hit.until > this.clock()) return hit.modes;
    const modes = new Map([...(await storedModes(this.db, tenant)).values()].map((m) => [m.category, m.mode]));
    if (this.ttlMs > 0) this.cache.set(tenant, { modes, until: this.clock() + this.ttlMs });
    return modes;
  }

  /** After a change made here: the next lookup reads the table. */
  invalidate(tenant: string): void {
    this.cache.delete(tenant);
  }
}
