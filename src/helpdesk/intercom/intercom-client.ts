import { IntercomClient, IntercomError, IntercomTimeoutError } from 'intercom-client';
import { countHelpdeskCall } from '../../metrics/metrics';
import { beforeHelpdeskCall, callTenant } from '../call-context';
import { z } from 'zod';
import { HelpdeskAccess, INTERCOM_VERSION } from '../access';
import { validateAnswer } from '../fetch-json';
import { HelpdeskError } from '../helpdesk-error';
import { helpdeskErrorFromFailure, helpdeskErrorFromResponse } from '../map-error';

/**
 * Intercom API calls through intercom-client 7 (docs/architecture.md, "Libraries"), each one attempt only,
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

export interface IntercomCallOptions {
  clock: () => number;
  timeoutMs: number;
  /** what the call is about, for a 404: "conversation 123" */
  subject: string;
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
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  try {
    const res = await fetch(input, init);
    countHelpdeskCall('intercom', url, res.status, callTenant());
    return res;
  } catch (error) {
    countHelpdeskCall('intercom', url, undefined, callTenant());
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
  const authorization: string | undefined = Object.entries(access.headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (!token) throw new Error('intercom: the access carries no bearer token (intercomAccess with INTERCOM_ACCESS_TOKEN)');
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
    if (noAnswer) return helpdeskErrorFromFailure('intercom', where, noAnswer.error, options.timeoutMs, noAnswer.timedOut);
    if (err.statusCode !== undefined) {
      return helpdeskErrorFromResponse('intercom', where, err.statusCode, err.rawResponse?.headers ?? new Headers(), bodyText(err.body), { subject: options.subject, now: options.clock() });
    }
    // No status and not through fetchThatAnswers (an abort, or a library change): no answer either.
    return helpdeskErrorFromFailure('intercom', where, err, options.timeoutMs, /timeout/i.test(err.message));
  }
  if (err instanceof IntercomTimeoutError) return helpdeskErrorFromFailure('intercom', where, err, options.timeoutMs, true);
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
  // before the library's call: an error thrown inside its fetch would lose its fields there
  await beforeHelpdeskCall('intercom');
  try {
    answer = await send().withRawResponse();
  } catch (err) {
    throw toHelpdeskError(err, where, options);
  }
  const { data, rawResponse } = answer;
  // A success whose body is not JSON (a proxy's page): nothing to check, and retryable.
  if (nonJsonBodySchema.safeParse(data).success) throw notJson(rawResponse.status, where);
  return validateAnswer('intercom', where, rawResponse.status, data ?? null, schema);
}
