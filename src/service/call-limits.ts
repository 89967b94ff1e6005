import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Config } from '../config';
import { describe } from '../domain/errors';
import { setCallGate } from '../helpdesk/call-context';
import { TenantCallLimiter } from '../limits/call-limiter';
import { tenantCallLimits } from '../limits/tenant-limits';
import type { Logger } from '../logger';
import { helpdeskCallWaits } from '../metrics/metrics';
import { tenantSettingsOf } from '../settings/settings-store';
import type { Database } from '../store/schema';

/**
 * This process's helpdesk call limiter (limits.*): counted in Redis when REDIS_URL is set, on a
 * connection of its own that fails fast (the limiter then counts in memory until Redis is back).
 * Returns what removes it at shutdown.
 */
export function startCallLimits(config: Config, db: Kysely<Database>, logger: Logger): () => void {
  const { env, settings } = config;
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }) : undefined;
  redis?.on('error', (err) => logger.debug({ err: describe(err) }, 'redis call-limiter connection error'));
  const remove = setCallGate(
    new TenantCallLimiter({
      ...(redis ? { redis } : {}),
      keyPrefix: `${env.QUEUE_PREFIX}`,
      limitOf: tenantCallLimits((tenant) => tenantSettingsOf(db, tenant), settings.limits),
      providerLimits: { intercom: settings.limits.intercom_app_calls_per_minute },
      maxWaitMs: settings.limits.max_wait_ms,
      onWait: (tenant, provider) => helpdeskCallWaits.inc({ provider, tenant }),
    }),
  );
  return () => {
    remove();
    redis?.disconnect();
  };
}
