import { describe } from '../domain/errors';
import { forTenantCalls } from '../helpdesk/call-context';
import type { KnowledgeBase } from '../knowledge/knowledge-base';
import type { Logger } from '../logger';

export interface KnowledgeSyncOptions {
  /** the tenants with a help-center source now (every account, installs included) */
  tenants: () => Promise<string[]>;
  /** every tenant is synced this often (0: only once, when first seen) */
  intervalMinutes: number;
  /** how often to look for tenants installed since (their first sync starts then) */
  newTenantsEveryMs: number;
  logger: Logger;
}

/**
 * Syncs every tenant's help center at start and then every intervalMinutes, and a tenant installed
 * while running as soon as it is seen. Returns the timers (cleared on shutdown).
 */
export function startKnowledgeSync(kb: KnowledgeBase, options: KnowledgeSyncOptions): NodeJS.Timeout[] {
  const { logger } = options;
  const seen = new Set<string>();
  const syncOne = (tenant: string) => {
    seen.add(tenant);
    forTenantCalls(tenant, () => kb.sync(tenant)).then(
      (r) => logger.info({ tenant, source: r.source, added: r.added, updated: r.updated, removed: r.removed, reindexed: r.reindexed }, 'help center synced'),
      (err) => logger.warn({ tenant, err: describe(err) }, 'help-center sync failed; will try again'),
    );
  };
  const listed = (what: (tenants: string[]) => void) => () =>
    options.tenants().then(what, (err) => logger.warn({ err: describe(err) }, 'the accounts could not be listed for the help-center sync; will try again'));
  const all = listed((tenants) => tenants.forEach(syncOne));
  const fresh = listed((tenants) => tenants.filter((t) => !seen.has(t)).forEach(syncOne));
  void all();
  const timers = [setInterval(fresh, options.newTenantsEveryMs)];
  if (options.intervalMinutes > 0) timers.push(setInterval(all, options.intervalMinutes * 60_000));
  for (const t of timers) t.unref();
  return timers;
}
