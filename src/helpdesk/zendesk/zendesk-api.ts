import { createClient, type ZendeskClient } from 'node-zendesk';
import { z } from 'zod';
import { HelpdeskError } from '../helpdesk-error';
import { validateAnswer } from '../fetch-json';
import { callLabel } from '../map-error';
import { withTokenRenewal } from '../renew-on-401';
import type { CallKind, CallMeter } from './meter';
import type { ZendeskAuth } from './oauth';
import { ZendeskResponse, zendeskTransport, type ZendeskTransportConfig } from './zendesk-transport';

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** One request through the node-zendesk client; resolves to the library's `{ response, result }`. */
type Operation = (client: ZendeskClient) => Promise<unknown>;

/**
 * The writer's HTTP side, built on node-zendesk 6 with our own transport
 * (zendesk-transport.ts): global fetch with a timeout, and every non-2xx, timeout or reset turned into
 * the same typed HelpdeskError fetchJson produces (status, permanent or not, retryAfterMs from
 * Retry-After) before node-zendesk sees it. That transport is what makes the library usable here: on
 * its own, 6.0.1 resolves any answer carrying Retry-After (every real 429) instead of throwing and drops
 * the response headers from its errors (docs/architecture.md, "Libraries"). With `throwOriginalException: true` our error
 * reaches the caller unchanged.
 *
 * Callers keep a path-based API (`get/put/post/delete(path, ...)`, paths as Zendesk documents them,
 * `/api/v2/....json`). Each call is routed to the library's named endpoint method when that method sends
 * exactly the same request, and otherwise to the client's generic `request(method, url)` with the exact
 * URL (node-zendesk passes a URL under its endpointUri through untouched: no `.json`, no page size):
 *
 *   GET    /api/v2/tickets/{id}.json                      tickets.show(id)
 *   PUT    /api/v2/tickets/{id}.json                      tickets.update(id, body)
 *   GET    /api/v2/tickets/show_many.json?ids=1,2         tickets.showMany([1, 2])
 *   POST   /api/v2/macros.json                            macros.create(body)   (sent as given: {macro: ...})
 *   DELETE /api/v2/macros/{id}.json                       macros.delete(id)
 *   GET    /api/v2/macros/search.json?query=q             macros.search(q)
 *   GET    /api/v2/tickets/{id}/comments.json?sort=...    request('GET', url): tickets.getComments pages
 *                                                         through every comment (getAll) and takes no sort
 *                                                         or page size; the writer wants one page, newest first
 *   GET    /api/v2/tickets/{id}/audits.json?sort_order=.. request('GET', url): ticketaudits.list also pages
 *                                                         through everything and takes no sort_order
 *   anything else                                         request(method, url, body)
 *
 * The answer checked is the body Zendesk sent (ZendeskResponse.body), not the library's `result`: the
 * named methods unwrap it (`tickets.show` returns `body.ticket`, `tickets.update` drops the audit), and
 * the callers' zod schemas describe the wire format. An unexpected shape is a permanent
 * `zendesk_unexpected_response`, as with fetchJson.
 *
 * Tokens: the bearer token comes from the token provider before every call and changes after a renewal.
 * node-zendesk builds the Authorization header from the `token` option it was created with (sub-clients
 * copy the options when first used), so ZendeskApi keeps one client per token value: the client for the
 * current token is cached and replaced when the provider hands out another one. A call in flight keeps
 * the client it started with, so concurrent calls never send each other's token.
 *
 * One retry after a 401 with a renewed token; every request (repeats included) counted on the meter.
 */
export class ZendeskApi {
  private readonly baseUrl: string;
  private readonly endpointUri: string;
  private readonly transport: ZendeskTransportConfig;
  private cached: { token: string; client: ZendeskClient } | undefined;

  constructor(
    private readonly auth: ZendeskAuth,
    private readonly timeoutMs = 20_000,
  ) {
    this.baseUrl = auth.baseUrl.replace(/\/+$/, '');
    this.endpointUri = `${this.baseUrl}/api/v2`;
    this.transport = zendeskTransport(this.timeoutMs);
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

  private async call<T>(method: Method, path: string, body: unknown, schema: z.ZodType<T>, meter: CallMeter, kind: CallKind): Promise<T> {
    const operation = this.route(method, path, body);
    // An expired or revoked OAuth token: renewed once and the request repeated (withTokenRenewal).
    return withTokenRenewal(
      this.auth.tokens,
      async (token) => {
        meter.count(kind);
        const { answer } = responseOf(await operation(this.clientFor(token)), method, path);
        return validateAnswer('zendesk', callLabel('zendesk', answer.method, answer.url), answer.status, answer.body, schema);
      },
      meter,
    );
  }

  /** The node-zendesk client sending `token` as its bearer (see the class comment). */
  private clientFor(token: string): ZendeskClient {
    if (this.cached?.token !== token) {
      const client = createClient({
        endpointUri: this.endpointUri,
        token,
        useOAuth: true,
        throwOriginalException: true,
        transportConfig: this.transport,
      });
      this.cached = { token, client };
    }
    return this.cached.client;
  }

  /** Which node-zendesk method sends this request (the table in the class comment). */
  private route(method: Method, path: string, body: unknown): Operation {
    if (!path.startsWith('/api/v2/')) throw new Error(`zendesk api: ${method} ${path} is not under /api/v2/`);
    const url = new URL(`${this.baseUrl}${path}`);
    const resource = url.pathname.slice(new URL(this.endpointUri).pathname.length + 1);
    const params = [...url.searchParams.entries()];
    const only = (name: string): string | undefined => (params.length === 1 && params[0]?.[0] === name ? params[0][1] : undefined);
    const generic: Operation = (client) => client.tickets.request(method, `${this.baseUrl}${path}`, ...(body === undefined ? [] : [body]));

    const ticket = /^tickets\/(\d+)\.json$/.exec(resource);
    const ticketId = ticket ? numericId(ticket[1]) : undefined;
    if (ticketId !== undefined && params.length === 0) {
      if (method === 'GET') return (client) => client.tickets.show(ticketId);
      if (method === 'PUT') return (client) => client.tickets.update(ticketId, body as Parameters<ZendeskClient['tickets']['update']>[1]);
    }
    if (method === 'GET' && resource === 'tickets/show_many.json') {
      const ids = only('ids')?.split(',').map(numericId);
      if (ids?.length && ids.every((id) => id !== undefined)) return (client) => client.tickets.showMany(ids as number[]);
    }
    if (method === 'POST' && resource === 'macros.json' && params.length === 0 && body !== undefined) {
      return (client) => client.macros.create(body as Parameters<ZendeskClient['macros']['create']>[0]);
    }
    const macro = /^macros\/(\d+)\.json$/.exec(resource);
    const macroId = macro ? numericId(macro[1]) : undefined;
    if (method === 'DELETE' && macroId !== undefined && params.length === 0) return (client) => client.macros.delete(macroId);
    if (method === 'GET' && resource === 'macros/search.json') {
      const query = only('query');
      if (query !== undefined) return (client) => client.macros.search(query);
    }
    return generic;
  }
}

/** A digit string as a number when it survives the round trip (the library's typings want numbers). */
function numericId(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) && String(id) === raw ? id : undefined;
}

/** The ZendeskResponse out of node-zendesk's `{ response, result }` (its typings do not say so for every method). */
function responseOf(value: unknown, method: string, path: string): ZendeskResponse {
  const response = value && typeof value === 'object' ? (value as { response?: unknown }).response : undefined;
  if (response instanceof ZendeskResponse) return response;
  throw new HelpdeskError('zendesk', 0, 'zendesk_unexpected_response', `zendesk ${method} ${path}: node-zendesk returned no response object`, true);
}
