import { callLabel, helpdeskErrorFromFailure, helpdeskErrorFromResponse } from '../map-error';
import { parseJsonAnswer } from '../fetch-json';
import { countHelpdeskCall } from '../../metrics/metrics';
import { beforeHelpdeskCall, callTenant } from '../call-context';

/**
 * node-zendesk 6's transport hook (`createClient({ transportConfig: { transportFn, responseAdapter } })`),
 * so that every Zendesk answer that is not a 2xx becomes the typed HelpdeskError (map-error.ts) before
 * the library sees it.
 *
 * Why: measured on 6.0.1 (docs/architecture.md, Libraries; and dist/index.js `checkRequestResponse`), any response carrying
 * Retry-After (every real 429) resolves instead of throwing, with an Error object as `result`, and the
 * errors it does throw keep the status but not the headers. The writer needs exactly what that loses: the
 * status (409 from safe_update, 401 to renew the token, 404 for a deleted ticket) and Retry-After.
 *
 * What the library does with this (dist/index.js, class Transporter):
 * - `sendRequest` calls `transportFn(uri, options)`: `uri` is the assembled URL (endpointUri + path +
 *   `.json` + query), `options` is the client's whole option object plus `{ uri, method, headers, body }`
 *   (headers: Authorization, Content-Type, Accept, User-Agent; body: a JSON string, or undefined when
 *   there is none). Only method, headers and body are used here: the rest (the token, our own
 *   transportConfig, ...) is never handed to fetch.
 * - It passes what transportFn returned to `responseAdapter` and expects `{ json(), status,
 *   headers: { get }, statusText }`. It calls `json()` only when the status is not 204 and the
 *   content type says JSON, so a 204 never reaches it; ours never throws anyway (an empty body gives
 *   `{}`, the library's own default).
 * - A thrown error propagates unchanged through `client.request` with `throwOriginalException: true`
 *   (without it the library replaces it with a plain Error carrying only a message).
 *
 * So by the time node-zendesk looks at an answer it is a 2xx whose body was already read and parsed as
 * JSON here: its Retry-After quirk cannot turn a 429 into a success, because a 429 never gets that far.
 */

/** A 2xx answer, already read; what transportFn hands to responseAdapter. */
export interface ZendeskAnswer {
  method: string;
  url: string;
  status: number;
  statusText: string;
  headers: Headers;
  /** the raw body text ('' for 204) */
  text: string;
  /** the body parsed as JSON, null when empty */
  body: unknown;
}

/**
 * The response object node-zendesk works with (its `response`). It also carries the wire answer: the
 * library unwraps and post-processes `result` per endpoint (e.g. `tickets.show` returns `body.ticket`,
 * `tickets.update` drops the audit, a 204 becomes an Error object as `result`), so ZendeskApi validates
 * `body`, exactly what Zendesk sent, with its zod schema instead.
 */
export class ZendeskResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };

  constructor(readonly answer: ZendeskAnswer) {
    this.status = answer.status;
    this.statusText = answer.statusText;
    this.headers = { get: (name: string) => answer.headers.get(name) };
  }

  /**
   * For node-zendesk. A fresh parse each time: the library writes sideloads into the objects it gets
   * (processResponseBody), and those must not leak into `body`. The text is known to be JSON or empty.
   */
  json(): Promise<unknown> {
    return Promise.resolve(this.answer.text === '' ? {} : (JSON.parse(this.answer.text) as unknown));
  }

  /** Zendesk's answer as sent: parsed JSON, null for an empty body (204). */
  get body(): unknown {
    return this.answer.body;
  }
}

/** What node-zendesk passes as transportFn's second argument (the parts used here). */
interface TransportOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface ZendeskTransportConfig {
  transportFn(uri: string, options: TransportOptions): Promise<ZendeskAnswer>;
  responseAdapter(answer: ZendeskAnswer): ZendeskResponse;
}

/**
 * The transport: global fetch (what nock 14 intercepts) with AbortSignal.timeout, every non-2xx,
 * timeout and network error mapped exactly as fetchJson maps them (the helpers are shared with it),
 * and a 2xx body that is not JSON refused as fetchJson refuses it. No retries: the job layer owns them.
 */
export function zendeskTransport(timeoutMs: number): ZendeskTransportConfig {
  return {
    async transportFn(uri, options) {
      const method = (options.method ?? 'GET').toUpperCase();
      if (options.body !== undefined && typeof options.body !== 'string') {
        // Uploads (streams, FormData) are not something this adapter does.
        throw new Error(`zendesk transport: ${method} ${uri} with a body that is not JSON text`);
      }
      const headers: Record<string, string> = { ...options.headers };
      if (options.body === undefined) {
        // node-zendesk sends Content-Type: application/json on every request; a bodyless one has no content.
        for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name];
      }
      await beforeHelpdeskCall('zendesk');
      const signal = AbortSignal.timeout(timeoutMs);
      let res: Response;
      let text: string;
      let answered = false;
      try {
        res = await fetch(uri, { method, headers, ...(options.body === undefined ? {} : { body: options.body }), signal });
        answered = true;
        countHelpdeskCall('zendesk', uri, res.status, callTenant());
        // Inside the try: the timeout also covers reading the body.
        text = await res.text();
      } catch (err) {
        if (!answered) countHelpdeskCall('zendesk', uri, undefined, callTenant());
        // Our own signal tells a timeout apart, whatever realm the DOMException comes from (under jest
        // fetch's TimeoutError is not an instance of the test's Error, so the name check alone misses it).
        throw helpdeskErrorFromFailure('zendesk', callLabel('zendesk', method, uri), err, timeoutMs, signal.aborted || undefined);
      }
      if (!res.ok) throw helpdeskErrorFromResponse('zendesk', callLabel('zendesk', method, uri), res.status, res.headers, text);
      const body = parseJsonAnswer('zendesk', callLabel('zendesk', method, uri), res.status, text);
      return { method, url: uri, status: res.status, statusText: res.statusText, headers: res.headers, text, body };
    },
    responseAdapter(answer) {
      return new ZendeskResponse(answer);
    },
  };
}
