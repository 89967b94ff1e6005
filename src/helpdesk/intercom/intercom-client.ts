import { IntercomClient, IntercomError, IntercomTimeoutError } from 'intercom-client';
import { z } from 'zod';
import { HelpdeskAccess, HelpdeskError, INTERCOM_VERSION, isPermanentStatus, retryAfterMs } from '../http-client';

/**
 * Intercom API calls through intercom-client 7 (PROVIDERS.md, "Libraries"), each one attempt only,
 * every failure a HelpdeskError.
 *
 * - `maxRetries: 0`: the library retries 429 and 5xx inside the call by default, and a write retried
 *   after a 5xx that Intercom did process doubles the note. The job layer owns retries, after the
 *   writer's marker check; a 429 tells it how long to wait (retryAfterMs from X-RateLimit-Reset, read
 *   from the IntercomError's rawResponse.headers).
 * - Request bodies are handed to the library as built in request-bodies.ts: it serializes them with
 *   JSON.stringify, no field renaming, so what is sent is what DeliveryOutcome.writes records.
 * - `Intercom-Version` is the one the reads send (INTERCOM_VERSION, 2.14; also the library's default).
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

/**
 * A response that is not 2xx as a HelpdeskError: 401/403/404/422 permanent, 429 and 5xx retryable,
 * a 429 (and a 503 that says so) with the wait Intercom asked for. `body` is the response text, or
 * the body as the library parsed it.
 */
function intercomStatusError(status: number, headers: Headers, body: unknown, where: string, options: Pick<IntercomCallOptions, 'clock' | 'subject'>): HelpdeskError {
  const detail = errorDetail(bodyText(body));
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
  const wait = status === 429 ? retryAfterMs('intercom', headers, options.clock()) ?? DEFAULT_RATE_LIMIT_WAIT_MS : status === 503 ? retryAfterMs('intercom', headers, options.clock()) : undefined;
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

/**
 * No answer: a reset connection or a timeout. Whether a write was applied is unknown, which is exactly
 * what the marker check on the next attempt settles, so this is retryable.
 */
function intercomNoAnswerError(err: unknown, timedOut: boolean, where: string, timeoutMs: number): HelpdeskError {
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const why = timedOut ? `no answer within ${timeoutMs} ms` : [cause?.code, cause?.message ?? (err instanceof Error ? err.message : String(err))].filter(Boolean).join(' ');
  return new HelpdeskError('intercom', 0, timedOut ? 'intercom_timeout' : 'intercom_unreachable', `${where}: ${why}`, false);
}

/** A 2xx answer checked against what the caller expects. */
function parseAnswer<T>(json: unknown, schema: z.ZodType<T>, status: number, where: string): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new HelpdeskError('intercom', status, 'intercom_unexpected_response', `${where}: unexpected response (${issues})`, true);
  }
  return parsed.data;
}

function notJson(status: number, where: string): HelpdeskError {
  return new HelpdeskError('intercom', status, 'intercom_unexpected_response', `${where} answered ${status} with a body that is not JSON`, false);
}

/**
 * intercom-client 7.0.3 hands a body it could not parse as JSON (a 2xx, or an error without a JSON
 * content type) back as `{ok:false, error:{reason:"non-json", statusCode, rawBody}}` in place of the body.
 */
const nonJsonBodySchema = z.object({ ok: z.literal(false), error: z.looseObject({ reason: z.literal('non-json'), rawBody: z.string() }) });

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  const nonJson = nonJsonBodySchema.safeParse(body);
  if (nonJson.success) return nonJson.data.error.rawBody;
  return JSON.stringify(body);
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

/**
 * The fetch handed to intercom-client. Measured on 7.0.3: when fetch rejects (a reset connection, a
 * refused connection, its own timeout) the library (a) never clears its timeout timer, which then
 * keeps the process alive for up to timeoutInSeconds, (b) keeps only the error's message, dropping the
 * cause (ECONNRESET...), and (c) reports its own timeout as an IntercomError with the message
 * `"timeout"` rather than an IntercomTimeoutError. So this fetch never rejects: a request that got no
 * answer comes back as a 599 whose headers object keys the original error in `noAnswers`, and
 * `toHelpdeskError` turns that IntercomError back into the no-answer HelpdeskError. With
 * `maxRetries: 0` the 599 is not retried.
 */
const noAnswers = new WeakMap<Headers, { error: unknown; timedOut: boolean }>();

async function fetchThatAnswers(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (error) {
    const standIn = new Response(null, { status: 599, statusText: 'No Answer' });
    noAnswers.set(standIn.headers, { error, timedOut: init?.signal?.aborted === true });
    return standIn;
  }
}

/**
 * The client for one workspace: its base URL (INTERCOM_BASE_URL, a regional host or a proxy) and
 * bearer token from `access`, API version 2.14, no retries, one timeout per request.
 */
export function intercomClient(access: HelpdeskAccess, timeoutMs: number): IntercomClient {
  const authorization = Object.entries(access.headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (!token) throw new Error('intercom: the access carries no bearer token (intercomAccess(env) with INTERCOM_ACCESS_TOKEN)');
  return new IntercomClient({
    token,
    baseUrl: access.baseUrl,
    version: INTERCOM_VERSION,
    maxRetries: 0,
    timeoutInSeconds: timeoutMs / 1000,
    // the library sends `Accept: */*` on most endpoints; Intercom documents application/json
    headers: { accept: 'application/json' },
    fetch: fetchThatAnswers,
  });
}

/** Whatever a library call threw, as the HelpdeskError the job layer understands; anything else unchanged. */
function toHelpdeskError(err: unknown, where: string, options: IntercomCallOptions): unknown {
  if (err instanceof IntercomError) {
    const noAnswer = err.rawResponse ? noAnswers.get(err.rawResponse.headers) : undefined;
    if (noAnswer) return intercomNoAnswerError(noAnswer.error, noAnswer.timedOut, where, options.timeoutMs);
    if (err.statusCode !== undefined) return intercomStatusError(err.statusCode, err.rawResponse?.headers ?? new Headers(), err.body, where, options);
    // No status and not through fetchThatAnswers (an abort, or a library change): no answer either.
    return intercomNoAnswerError(err, /timeout/i.test(err.message), where, options.timeoutMs);
  }
  if (err instanceof IntercomTimeoutError) return intercomNoAnswerError(err, true, where, options.timeoutMs);
  return err;
}

/** What every intercom-client method returns (its HttpResponsePromise), as far as this module uses it. */
export interface IntercomResponsePromise {
  withRawResponse(): Promise<{ data: unknown; rawResponse: { status: number } }>;
}

/**
 * One intercom-client call: its answer checked against `schema`, its failure a HelpdeskError.
 * `where` names it in errors, e.g. "intercom POST /conversations/123/reply".
 */
export async function intercomSdkCall<T>(where: string, schema: z.ZodType<T>, options: IntercomCallOptions, send: () => IntercomResponsePromise): Promise<T> {
  let answer: { data: unknown; rawResponse: { status: number } };
  try {
    answer = await send().withRawResponse();
  } catch (err) {
    throw toHelpdeskError(err, where, options);
  }
  const { data, rawResponse } = answer;
  // A success whose body is not JSON (a proxy's page): nothing to check, and retryable.
  if (nonJsonBodySchema.safeParse(data).success) throw notJson(rawResponse.status, where);
  return parseAnswer(data ?? null, schema, rawResponse.status, where);
}
