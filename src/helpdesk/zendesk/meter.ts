/** Milliseconds since the epoch; injected so token expiry is testable without waiting. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export type CallKind = 'read' | 'write' | 'token';

/**
 * Counts the Zendesk HTTP calls of one delivery: API calls per processed message are counted and
 * exposed (GET /api/drafts). Every request is counted when it is sent, answered or not: a call that
 * failed still spent rate limit.
 */
export class CallMeter {
  readonly calls: Record<CallKind, number> = { read: 0, write: 0, token: 0 };

  count(kind: CallKind): void {
    this.calls[kind]++;
  }

  get total(): number {
    return this.calls.read + this.calls.write + this.calls.token;
  }

  describe(): string {
    const parts = [`${this.calls.read} read${this.calls.read === 1 ? '' : 's'}`, `${this.calls.write} write${this.calls.write === 1 ? '' : 's'}`];
    if (this.calls.token > 0) parts.push(`${this.calls.token} token grant${this.calls.token === 1 ? '' : 's'}`);
    return parts.join(', ');
  }
}
