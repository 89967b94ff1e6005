/** Errors carry a stable code, the HTTP status the edge answers with, and whether a retry can help. */
export class DraftpilotError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 500,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'DraftpilotError';
  }
}

/** The store or queue could not make a delivery durable: the provider should retry (503). */
export class UnavailableError extends DraftpilotError {
  constructor(what: string, cause?: unknown) {
    super(`${what}_unavailable`, `${what} is unavailable: ${describe(cause)}`, 503, true);
  }
}

export function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
