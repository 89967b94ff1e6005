import type { Redis } from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HelpdeskError, type HelpdeskProvider } from '../helpdesk/helpdesk-error';
import type { CallGate } from '../helpdesk/call-context';

/**
 * Helpdesk calls per tenant, counted in windows of ten seconds: a limit of N calls a minute allows
 * N/6 per window, so a burst cannot spend the whole minute's calls in its first second (Zendesk
 * counts a rolling minute, Intercom ten-second windows). rate-limiter-flexible keeps the counters:
 * in Redis when the deployment has one, so every worker process draws from the same count, and in
 * memory otherwise. When Redis does not answer, each process falls back to its own in-memory count
 * (the library's insurance limiter) rather than stopping the calls.
 */
export const WINDOW_SECONDS = 10;

export function callsPerWindow(perMinute: number): number {
  return Math.max(1, Math.floor((perMinute * WINDOW_SECONDS) / 60));
}

export interface CallLimiterOptions {
  /** a connection of its own (commands fail fast when Redis is away); absent: counts in memory */
  redis?: Redis;
  /** Redis key prefix, so several deployments can share a Redis */
  keyPrefix?: string;
  /** the tenant's limit in calls a minute (its settings, else the provider's default) */
  limitOf(tenant: string, provider: HelpdeskProvider): Promise<number>;
  /** a limit a minute over every tenant of a provider (Intercom's per-app limit), on top of the tenant's own */
  providerLimits?: Partial<Record<HelpdeskProvider, number>>;
  /**
   * A call that would wait longer than this in all is refused with a 429 of our own instead: the job
   * goes back to the queue for that long without using an attempt, and the process's job slot is free
   * for other tenants meanwhile.
   */
  maxWaitMs: number;
  /** told each time a call waits for its tenant's next window */
  onWait?: (tenant: string, provider: HelpdeskProvider, ms: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

export class TenantCallLimiter implements CallGate {
  /** one limiter per distinct limit: the counters are keyed by tenant inside it */
  private readonly limiters = new Map<number, RateLimiterAbstract>();
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: CallLimiterOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async take(tenant: string, provider: HelpdeskProvider): Promise<void> {
    const perMinute = await this.options.limitOf(tenant, provider);
    const waited = await this.consume(tenant, provider, tenant, perMinute, 0);
    const shared = this.options.providerLimits?.[provider];
    if (shared !== undefined) await this.consume(tenant, provider, `app:${provider}`, shared, waited);
  }

  /** One call from the key's count, waiting for its next window up to what is left of maxWaitMs; returns the ms waited in all. */
  private async consume(tenant: string, provider: HelpdeskProvider, key: string, perMinute: number, waitedBefore: number): Promise<number> {
    const limiter = this.limiterFor(callsPerWindow(perMinute));
    let waited = waitedBefore;
    for (;;) {
      try {
        await limiter.consume(key);
        return waited;
      } catch (res) {
        if (!(res instanceof RateLimiterRes)) throw res;
        const wait = Math.max(1, res.msBeforeNext);
        if (waited + wait > this.options.maxWaitMs) {
          const whose = key === tenant ? tenant : `every ${provider} tenant together`;
          throw new HelpdeskError(provider, 429, `${provider}_rate_limited`, `${provider}: ${whose} used the ${perMinute} calls a minute allowed; the work waits ${wait} ms for the next window`, false, wait);
        }
        this.options.onWait?.(tenant, provider, wait);
        await this.sleep(wait);
        waited += wait;
      }
    }
  }

  private limiterFor(points: number): RateLimiterAbstract {
    let limiter = this.limiters.get(points);
    if (!limiter) {
      const shape = { points, duration: WINDOW_SECONDS, keyPrefix: `${this.options.keyPrefix ?? 'draftpilot'}:calls:${points}` };
      const memory = new RateLimiterMemory(shape);
      limiter = this.options.redis ? new RateLimiterRedis({ ...shape, storeClient: this.options.redis, rejectIfRedisNotReady: true, insuranceLimiter: memory }) : memory;
      this.limiters.set(points, limiter);
    }
    return limiter;
  }
}
