import { z } from 'zod';
import { fetchJson, HelpdeskError } from '../../helpdesk/http-error';
import type { CallKind, CallMeter } from './meter';
import type { ZendeskAuth } from './oauth';

/**
 * The writer's HTTP side: global fetch through http-error.ts's fetchJson, with a bearer token from the
 * token provider, one retry after a 401 with a refreshed token, and every request counted.
 *
 * Why not node-zendesk 6 (installed): measured on 6.0.1 (PROVIDERS.md), any response carrying
 * Retry-After (every real 429) resolves instead of throwing, and thrown errors drop the response
 * headers. The writer needs exactly what that loses: the status (409 from safe_update, 401 to refresh,
 * 404 for a deleted ticket) and Retry-After. Wrapping its transport would leave three endpoint calls
 * around our own transport anyway, while fetchJson already turns every non-2xx, timeout and reset
 * into a typed HelpdeskError (permanent or not, retryAfterMs from Retry-After), validates the answer
 * with zod, is what the read side (load-thread.ts, the Help Center sync) uses, and is what nock 14
 * intercepts. One error mapping for every Zendesk call.
 */
export class ZendeskApi {
  private readonly baseUrl: string;

  constructor(
    private readonly auth: ZendeskAuth,
    private readonly timeoutMs = 20_000,
  ) {
    this.baseUrl = auth.baseUrl.replace(/\/+$/, '');
  }

  get<T>(path: string, schema: z.ZodType<T>, meter: CallMeter): Promise<T> {
    return this.call('GET', path, undefined, schema, meter, 'read');
  }

  put<T>(path: string, body: unknown, schema: z.ZodType<T>, meter: CallMeter): Promise<T> {
    return this.call('PUT', path, body, schema, meter, 'write');
  }

  post<T>(path: string, body: unknown, schema: z.ZodType<T>, meter: CallMeter): Promise<T> {
    return this.call('POST', path, body, schema, meter, 'write');
  }

  /** DELETE answers 204 without a body. */
  delete(path: string, meter: CallMeter): Promise<unknown> {
    return this.call('DELETE', path, undefined, z.unknown(), meter, 'write');
  }

  private async call<T>(method: string, path: string, body: unknown, schema: z.ZodType<T>, meter: CallMeter, kind: CallKind): Promise<T> {
    let token = await this.auth.tokens.token(meter);
    for (let attempt = 0; ; attempt++) {
      meter.count(kind);
      try {
        return await fetchJson(
          `${this.baseUrl}${path}`,
          {
            method,
            headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            timeoutMs: this.timeoutMs,
          },
          'zendesk',
          schema,
        );
      } catch (err) {
        // An expired or revoked OAuth token: refresh once and repeat. A 401 means nothing was applied,
        // so repeating a PUT is safe. A second 401 (or a static token) is final.
        if (err instanceof HelpdeskError && err.status === 401 && attempt === 0) {
          const next = await this.auth.tokens.renewAfterUnauthorized(token, meter);
          if (next) {
            token = next;
            continue;
          }
        }
        throw err;
      }
    }
  }
}
