import { z } from 'zod';
import { HelpdeskAccess, HelpdeskError, isPermanentStatus, retryAfterMs } from '../../helpdesk/http-error';

/**
 * One Intercom API call over global fetch, no retries. Why not intercom-client 7 for the writes:
 * it retries 429 and 5xx inside the call (a 5xx that Intercom did process becomes a second note,
 * PROVIDERS.md); `maxRetries: 0` switches that off, but fetch also keeps the request body exactly the
 * one recorded in DeliveryOutcome.writes and asserted in tests, shares the HelpdeskError model of the
 * read side (src/helpdesk), and lets the 429 wait be computed against the writer's clock. The job layer
 * owns retries, after the writer's marker check.
 */

/** Intercom's error body: `{type:"error.list", request_id, errors:[{code, message}]}`. */
const errorListSchema = z.looseObject({
  errors: z.array(z.looseObject({ code: z.string().nullish(), message: z.string().nullish() })),
});

/**
 * Intercom counts requests in 10-second windows (developers.intercom.com/docs/references/rest-api/errors/rate-limiting):
 * a 429 without X-RateLimit-Reset is worth waiting out one window.
 */
const DEFAULT_RATE_LIMIT_WAIT_MS = 10_000;

const KINDS: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 422: 'unprocessable', 429: 'rate_limited' };

const HINTS: Record<number, string> = {
  401: 'the access token is invalid or revoked (INTERCOM_ACCESS_TOKEN)',
  403: 'the app lacks a permission this write needs (Developer Hub > Authentication: read and write conversations, tags)',
  422: 'Intercom refused the request body (is INTERCOM_ADMIN_ID an admin of this workspace, the team id right?)',
};

export interface IntercomCallOptions {
  clock: () => number;
  timeoutMs: number;
  /** what the call is about, for a 404: "conversation 123" */
  subject: string;
}

export async function intercomCall<T>(access: HelpdeskAccess, method: 'GET' | 'POST', path: string, body: unknown, schema: z.ZodType<T>, options: IntercomCallOptions): Promise<T> {
  const url = `${access.baseUrl}${path}`;
  const where = `intercom ${method} ${path.split('?')[0]}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { ...access.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    // No answer: a reset connection or a timeout. Whether a write was applied is unknown, which is
    // exactly what the marker check on the next attempt settles, so this is retryable.
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = timedOut ? `no answer within ${options.timeoutMs} ms` : [cause?.code, cause?.message ?? (err as Error).message].filter(Boolean).join(' ');
    throw new HelpdeskError('intercom', 0, timedOut ? 'intercom_timeout' : 'intercom_unreachable', `${where}: ${why}`, false);
  }
  const text = await res.text();
  if (!res.ok) throw toError(res, text, where, options);
  let json: unknown;
  try {
    json = text.trim() === '' ? null : JSON.parse(text);
  } catch {
    throw new HelpdeskError('intercom', res.status, 'intercom_unexpected_response', `${where} answered ${res.status} with a body that is not JSON`, false);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new HelpdeskError('intercom', res.status, 'intercom_unexpected_response', `${where}: unexpected response (${issues})`, true);
  }
  return parsed.data;
}

function toError(res: Response, text: string, where: string, options: IntercomCallOptions): HelpdeskError {
  const status = res.status;
  const detail = errorDetail(text);
  if (status === 404) {
    // Deleted, merged into another conversation, or in another workspace or region: nothing to write to.
    return new HelpdeskError(
      'intercom',
      404,
      'intercom_not_found',
      `${where} answered 404${detail ? ` (${detail})` : ''}: ${options.subject} does not exist (deleted, merged, or in another workspace or region, see INTERCOM_BASE_URL); dropped`,
      true,
    );
  }
  const kind = KINDS[status] ?? (status >= 500 ? 'server_error' : `http_${status}`);
  const wait = status === 429 ? retryAfterMs('intercom', res.headers, options.clock()) ?? DEFAULT_RATE_LIMIT_WAIT_MS : status === 503 ? retryAfterMs('intercom', res.headers, options.clock()) : undefined;
  const hint = HINTS[status];
  return new HelpdeskError(
    'intercom',
    status,
    `intercom_${kind}`,
    `${where} answered ${status}${detail ? ` (${detail})` : ''}${hint ? `: ${hint}` : ''}${wait !== undefined ? `; retry after ${Math.ceil(wait / 1000)} s` : ''}`,
    isPermanentStatus(status),
    wait,
  );
}

function errorDetail(text: string): string {
  try {
    const parsed = errorListSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ').slice(0, 200);
  } catch {
    // an HTML page from a proxy or load balancer
  }
  return text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 120);
}
