import type { z } from 'zod';
import type { HelpdeskAccess } from './access';
import { HelpdeskError, HelpdeskProvider } from './helpdesk-error';
import { callLabel, helpdeskErrorFromFailure, helpdeskErrorFromResponse } from './map-error';
import { withTokenRenewal } from './renew-on-401';
import { countHelpdeskCall } from '../metrics/metrics';
import { beforeHelpdeskCall, callTenant } from './call-context';

export interface FetchJsonInit extends RequestInit {
  /** ms before the call is abandoned as a (retryable) timeout; 20 s by default */
  timeoutMs?: number;
}

/**
 * GET/POST a helpdesk API with global fetch (what nock 14 intercepts) and parse the answer with the
 * given zod schema at the boundary. Every non-2xx, timeout, network error and unexpected body becomes
 * a HelpdeskError; no retries here, the job layer owns them.
 */
export async function fetchJson<T>(url: string, init: FetchJsonInit, provider: HelpdeskProvider, schema: z.ZodType<T>): Promise<T>;
export async function fetchJson(url: string, init: FetchJsonInit, provider: HelpdeskProvider): Promise<unknown>;
export async function fetchJson(url: string, init: FetchJsonInit, provider: HelpdeskProvider, schema?: z.ZodType): Promise<unknown> {
  const { timeoutMs = 20_000, ...rest } = init;
  const call = callLabel(provider, rest.method ?? 'GET', url);
  await beforeHelpdeskCall(provider);
  let res: Response;
  try {
    res = await fetch(url, { ...rest, signal: rest.signal ?? AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    countHelpdeskCall(provider, url, undefined, callTenant());
    throw helpdeskErrorFromFailure(provider, call, err, timeoutMs);
  }
  countHelpdeskCall(provider, url, res.status, callTenant());
  const text = await res.text();
  if (!res.ok) throw helpdeskErrorFromResponse(provider, call, res.status, res.headers, text);
  const json = parseJsonAnswer(provider, call, res.status, text);
  if (!schema) return json;
  return validateAnswer(provider, call, res.status, json, schema);
}

/** A 2xx body as JSON (null when empty); a body that is not JSON is a retryable unexpected response. */
export function parseJsonAnswer(provider: HelpdeskProvider, call: string, status: number, text: string): unknown {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    throw new HelpdeskError(provider, status, `${provider}_unexpected_response`, `${call} answered ${status} with a body that is not JSON`, false);
  }
}

/** The answer checked against the schema: an unexpected shape is permanent (the same request returns the same shape). */
export function validateAnswer<T>(provider: HelpdeskProvider, call: string, status: number, json: unknown, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    // The same request returns the same shape: retrying cannot help, someone has to look.
    throw new HelpdeskError(provider, status, `${provider}_unexpected_response`, `${call}: unexpected response (${issues})`, true);
  }
  return parsed.data;
}

/**
 * GET a path or a full URL the provider handed us (next-page links) with the access's credentials.
 * With a token provider (access.tokens): the current token per request, and after a 401 one renewal
 * and one repeat (withTokenRenewal; a GET changes nothing, so repeating it is safe).
 */
export function getJson<T>(access: HelpdeskAccess, pathOrUrl: string, schema: z.ZodType<T>): Promise<T> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${access.baseUrl}${pathOrUrl}`;
  // A next-page link pointing elsewhere would carry our bearer token to another host: refuse it.
  if (new URL(url).origin !== new URL(access.baseUrl).origin) {
    throw new HelpdeskError(access.provider, 0, `${access.provider}_unexpected_response`, `${access.provider}: refusing to follow a link to another host (${new URL(url).origin})`, true);
  }
  const { tokens } = access;
  if (!tokens) return fetchJson(url, { method: 'GET', headers: access.headers }, access.provider, schema);
  return withTokenRenewal(tokens, (token) => fetchJson(url, { method: 'GET', headers: { ...access.headers, authorization: `Bearer ${token}` } }, access.provider, schema));
}
