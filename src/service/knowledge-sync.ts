import { forTenantCalls } from '../helpdesk/call-context';
import type { Config } from '../config';
import { ConfigError } from '../config/env';
import { describe } from '../domain/errors';
import type { ZendeskAuth } from '../helpdesk/zendesk/oauth';
import { ConfiguredSource, configuredSources, KnowledgeBase } from '../knowledge/knowledge-base';
import type { Logger } from '../logger';

/** The help centers the credentials reach; a failure to ask Intercom who we are is logged, not fatal. */
export async function helpCenterSources(config: Config, logger: Logger, zendeskAuth: ZendeskAuth | undefined): Promise<ConfiguredSource[]> {
  try {
    return await configuredSources(config, { zendeskAuth });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    logger.warn({ err: describe(err) }, 'could not reach a helpdesk at start; help-center sync is off until restart');
    return [];
  }
}

/** Syncs every configured help center now and then every intervalMinutes (0: never on a timer). */
export function startKnowledgeSync(kb: KnowledgeBase, configured: ConfiguredSource[], intervalMinutes: number, logger: Logger): NodeJS.Timeout | undefined {
  if (configured.length === 0) return undefined;
  const run = () => {
    for (const { tenant } of configured) {
      forTenantCalls(tenant, () => kb.sync(tenant)).then(
        (r) => logger.info({ tenant, source: r.source, added: r.added, updated: r.updated, removed: r.removed, reindexed: r.reindexed }, 'help center synced'),
        (err) => logger.warn({ tenant, err: describe(err) }, 'help-center sync failed; will try again'),
      );
    }
  };
  run();
  if (intervalMinutes === 0) return undefined;
  const timer = setInterval(run, intervalMinutes * 60_000);
  timer.unref();
  return timer;
}
