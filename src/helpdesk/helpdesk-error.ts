export type HelpdeskProvider = 'zendesk' | 'intercom';

/**
 * A helpdesk API call that did not return what we asked for. `permanent` tells the job layer whether
 * a retry can help: 401/403/404/422 (and other client errors) never will, so the job fails at once
 * (BullMQ's UnrecoverableError); 429, 5xx, timeouts and network errors may, and a 429 carries how long
 * the provider asked us to wait.
 */
export class HelpdeskError extends Error {
  constructor(
    readonly provider: HelpdeskProvider,
    /** the provider's HTTP status; 0 when no response arrived (network error, timeout) */
    readonly status: number,
    /** stable, e.g. zendesk_rate_limited, intercom_unauthorized, zendesk_unexpected_response */
    readonly code: string,
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'HelpdeskError';
  }

  get retryable(): boolean {
    return !this.permanent;
  }
}

/** Client errors a retry could still fix: timeouts, conflicts, "too early", rate limits. */
const TRANSIENT_4XX = new Set([408, 409, 425, 429]);

export function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && !TRANSIENT_4XX.has(status);
}
