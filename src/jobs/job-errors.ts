/**
 * How the queue treats an error thrown by a job: a rate limit pauses the queue for the provider's
 * delay without using an attempt; a permanent error (401, 403, 404, 422, bad data) fails at once;
 * anything else is retried with backoff until the attempts run out.
 */
interface ErrorShape {
  status?: number;
  retryAfterMs?: number;
  permanent?: boolean;
}

/** The pause a rate-limited job asks for (429 with Retry-After / X-RateLimit-Reset), if it is one. */
export function rateLimitDelay(err: unknown): number | undefined {
  const e = err as ErrorShape | undefined;
  if (!e || e.status !== 429) return undefined;
  return Math.max(1000, Math.min(e.retryAfterMs ?? 10_000, 15 * 60_000));
}

export function isPermanent(err: unknown): boolean {
  return (err as ErrorShape | undefined)?.permanent === true;
}
