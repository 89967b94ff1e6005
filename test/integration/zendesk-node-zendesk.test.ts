import nock from 'nock';
import { createClient } from 'node-zendesk';
import { z } from 'zod';
import { CallMeter } from '../../src/helpdesk/zendesk/meter';
import { AccessTokenProvider, staticAccessToken } from '../../src/helpdesk/zendesk/oauth';
import { ZendeskApi } from '../../src/helpdesk/zendesk/zendesk-api';
import { deleteMacro, ZendeskWriter } from '../../src/delivery/zendesk/zendesk-writer';
import { fetchJson } from '../../src/helpdesk/fetch-json';
import { HelpdeskError } from '../../src/helpdesk/helpdesk-error';
import type { DeliveryRequest } from '../../src/delivery/delivery-port';
import { rejection } from '../helpers/rejection';
import { useStrictNock } from '../helpers/strict-nock';

/**
 * ZendeskApi is built on node-zendesk 6 with our own transport (zendesk-transport.ts). These tests pin
 * what that buys: the library's own handling of a 429 is shown first, then that through our transport
 * every non-2xx is a typed HelpdeskError, 204 works, timeouts map, the current token is sent, and each
 * call goes through the node-zendesk method the ZendeskApi comment names, with the same HTTP request.
 */

const BASE = 'https://acme.zendesk.com';
const TOKEN = 'zd-static-token-0123456789';
const TICKET = '4812';
const TICKET_PATH = `/api/v2/tickets/${TICKET}.json`;
const STAMP = '2026-05-01T09:00:05Z';

useStrictNock();
afterEach(() => jest.restoreAllMocks());

const zd = (token = TOKEN) => nock(BASE).matchHeader('authorization', `Bearer ${token}`);
const api = (tokens: AccessTokenProvider = staticAccessToken(TOKEN), timeoutMs?: number) => new ZendeskApi({ baseUrl: BASE, tokens }, timeoutMs);
const ticketAnswer = () => ({ ticket: { id: Number(TICKET), updated_at: STAMP, tags: ['vip'], status: 'open' } });
const updateAnswer = { ticket: { id: Number(TICKET), updated_at: '2026-05-01T09:01:00Z' }, audit: { id: 555, events: [{ id: 99001, type: 'Comment' }] } };

function request(overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
  return {
    tenant: 'zendesk:acme',
    provider: 'zendesk',
    threadId: TICKET,
    draftId: 'd_lib1',
    messageId: '1001',
    decision: 'review',
    reasons: [],
    category: 'shipping',
    brief: {
      question: 'Where is my order?',
      intent: 'order_status',
      category: 'shipping',
      sources: [],
      missing_fields: [],
      sentiment: { label: 'neutral', score: 0 },
      previous_answers: [],
      recommended_next_step: 'Send the tracking link.',
      escalation_reasons: [],
      confidence: 0.8,
    },
    draft: 'Your parcel left our warehouse yesterday.',
    ...overrides,
  };
}

const writer = (timeoutMs?: number) => new ZendeskWriter({ access: { baseUrl: BASE, tokens: staticAccessToken(TOKEN) }, shadow: false, tenant: 'zendesk:acme', ...(timeoutMs ? { timeoutMs } : {}) });


/** The prototypes of node-zendesk's Tickets and Macros clients and their common base (Client). */
function libraryPrototypes() {
  const probe = createClient({ endpointUri: `${BASE}/api/v2`, token: 'probe', useOAuth: true });
  const tickets = Object.getPrototypeOf(probe.tickets) as typeof probe.tickets;
  const macros = Object.getPrototypeOf(probe.macros) as typeof probe.macros;
  const base = Object.getPrototypeOf(tickets) as { request: (...args: unknown[]) => Promise<unknown> };
  return { tickets, macros, base };
}

describe('node-zendesk 6.0.1 on its own (why ZendeskApi wraps its transport)', () => {
  it('resolves a 429 that carries Retry-After instead of throwing, with an Error as the result', async () => {
    nock(BASE).get(TICKET_PATH).reply(429, { error: 'TooManyRequests' }, { 'Retry-After': '30' });
    // The library's own response handling behind a plain fetch transport shaped like its default one
    // (its default, cross-fetch over node:http, is not reliably intercepted when jest reuses a worker).
    const plainFetch = {
      transportFn: (uri: string, options: { method: string; headers: Record<string, string>; body?: string }) => fetch(uri, { method: options.method, headers: options.headers, body: options.body }),
      responseAdapter: (res: Response) => ({ json: () => res.json(), status: res.status, headers: { get: (name: string) => res.headers.get(name) }, statusText: res.statusText }),
    };
    const client = createClient({ endpointUri: `${BASE}/api/v2`, token: TOKEN, useOAuth: true, throwOriginalException: true, transportConfig: plainFetch });
    const answer = (await client.tickets.show(Number(TICKET))) as unknown as { result: unknown };
    expect(answer.result).toBeInstanceOf(Error);
    expect(answer.result).toMatchObject({ statusCode: 429 });
  });
});

describe('ZendeskApi on node-zendesk with our transport', () => {
  it('a 429 with Retry-After: 30 on the update rejects through the writer (status 429, retryable, retryAfterMs 30000); it does not resolve', async () => {
    zd().get(TICKET_PATH).reply(200, ticketAnswer());
    zd().put(TICKET_PATH).reply(429, { error: 'TooManyRequests', description: 'Rate limit exceeded' }, { 'Retry-After': '30' });
    const err = await rejection(writer().deliver(request(), { firstAttempt: true }));
    expect(err).toMatchObject({ provider: 'zendesk', status: 429, code: 'zendesk_rate_limited', permanent: false, retryAfterMs: 30_000 });
    expect(err.message).toBe(`zendesk PUT ${BASE}${TICKET_PATH} answered 429 (TooManyRequests: Rate limit exceeded); retry after 30 s`);
  });

  it('a 503 with Retry-After on a read carries the wait as well', async () => {
    zd().get(TICKET_PATH).reply(503, '<html>down</html>', { 'Retry-After': '7' });
    expect(await rejection(api().get(TICKET_PATH, z.unknown(), new CallMeter()))).toMatchObject({ status: 503, code: 'zendesk_server_error', permanent: false, retryAfterMs: 7_000 });
  });

  it('maps every non-2xx exactly as fetchJson does (same status, code, permanence, wait and message)', async () => {
    const cases: Array<[number, nock.Body, Record<string, string>]> = [
      [401, { error: "Couldn't authenticate you" }, {}],
      [403, { error: 'Forbidden', description: 'You do not have access to this page.' }, {}],
      [404, { error: 'RecordNotFound', description: 'Not found' }, {}],
      [409, { error: 'UpdateConflict' }, {}],
      [422, { error: 'RecordInvalid', description: 'Record validation errors' }, {}],
      [429, { error: 'TooManyRequests' }, { 'Retry-After': '12' }],
      [500, '<html>oops</html>', {}],
    ];
    for (const [status, body, headers] of cases) {
      zd().get(TICKET_PATH).reply(status, body, headers);
      zd().get(TICKET_PATH).reply(status, body, headers);
      const ours = await rejection(api().get(TICKET_PATH, z.unknown(), new CallMeter()));
      const reference = await rejection(fetchJson(`${BASE}${TICKET_PATH}`, { headers: { authorization: `Bearer ${TOKEN}` } }, 'zendesk'));
      const view = (e: HelpdeskError) => ({ status: e.status, code: e.code, permanent: e.permanent, retryAfterMs: e.retryAfterMs, message: e.message });
      expect(view(ours)).toEqual(view(reference));
    }
  });

  it('a 204 DELETE resolves (deleteMacro reports it deleted), counted as one write', async () => {
    zd().delete('/api/v2/macros/501.json').reply(204);
    zd().delete('/api/v2/macros/502.json').reply(204);
    const meter = new CallMeter();
    await expect(api().delete('/api/v2/macros/501.json', meter)).resolves.toBeNull();
    expect(await deleteMacro(api(), '502', meter)).toBe('deleted');
    expect(meter.calls).toEqual({ read: 0, write: 2, token: 0 });
  });

  it('a call with no answer within the timeout is a retryable zendesk_timeout', async () => {
    // short delay: nock's timer outlives the aborted request
    zd().get(TICKET_PATH).delay(300).reply(200, ticketAnswer());
    const err = await rejection(writer(50).deliver(request(), { firstAttempt: true }));
    expect(err).toMatchObject({ status: 0, code: 'zendesk_timeout', permanent: false });
    expect(err.message).toContain('no answer within 50 ms');
  });

  it('a reset connection is a retryable zendesk_unreachable', async () => {
    zd().get(TICKET_PATH).replyWithError({ code: 'ECONNRESET', message: 'read ECONNRESET' });
    expect(await rejection(api().get(TICKET_PATH, z.unknown(), new CallMeter()))).toMatchObject({ status: 0, code: 'zendesk_unreachable', permanent: false });
  });

  it('after a renewal the repeat and the later calls carry Authorization: Bearer <current token>', async () => {
    let current = 'token-1';
    const renewed: string[] = [];
    const tokens: AccessTokenProvider = {
      kind: 'oauth',
      token: async () => current,
      renewAfterUnauthorized: async (rejected) => {
        renewed.push(rejected);
        current = 'token-2';
        return current;
      },
    };
    const zendesk = api(tokens);
    const meter = new CallMeter();
    zd('token-1').get(TICKET_PATH).reply(401, { error: 'invalid_token' });
    zd('token-2').get(TICKET_PATH).reply(200, ticketAnswer());
    zd('token-2').put(TICKET_PATH).reply(200, updateAnswer);
    expect(await zendesk.get(TICKET_PATH, z.looseObject({ ticket: z.looseObject({ id: z.number() }) }), meter)).toMatchObject({ ticket: { id: Number(TICKET) } });
    await zendesk.put(TICKET_PATH, { ticket: { comment: { html_body: '<p>x</p>', public: false } } }, z.unknown(), meter);
    expect(renewed).toEqual(['token-1']);
    expect(meter.calls).toEqual({ read: 2, write: 1, token: 0 });

    // The provider refreshed ahead of expiry: the next call sends the new token.
    current = 'token-3';
    zd('token-3').get(TICKET_PATH).reply(200, ticketAnswer());
    await zendesk.get(TICKET_PATH, z.unknown(), meter);
  });

  it('each call goes through the node-zendesk method the ZendeskApi comment names, with the same request as before', async () => {
    const { tickets, macros, base } = libraryPrototypes();
    const spies = {
      show: jest.spyOn(tickets, 'show'),
      update: jest.spyOn(tickets, 'update'),
      showMany: jest.spyOn(tickets, 'showMany'),
      create: jest.spyOn(macros, 'create'),
      remove: jest.spyOn(macros, 'delete'),
      search: jest.spyOn(macros, 'search'),
      request: jest.spyOn(base, 'request'),
    };
    // Sent by node-zendesk (its User-Agent); a bodyless request carries no Content-Type.
    const get = () => nock(BASE, { badheaders: ['content-type'] }).matchHeader('authorization', `Bearer ${TOKEN}`).matchHeader('user-agent', /^node-zendesk\/6\./).matchHeader('accept', 'application/json');
    const send = () => zd().matchHeader('user-agent', /^node-zendesk\/6\./).matchHeader('content-type', 'application/json');
    const update = { ticket: { comment: { html_body: '<p>note</p>', public: false }, tags: ['vip'], safe_update: true, updated_stamp: STAMP } };
    const macro = { macro: { title: 'draftpilot 4812 d_lib1', actions: [{ field: 'comment_value_html', value: '<p>x</p>' }], restriction: { type: 'User', id: 3001 } } };

    get().get(TICKET_PATH).reply(200, ticketAnswer());
    send().put(TICKET_PATH, update).reply(200, updateAnswer);
    get().get('/api/v2/tickets/show_many.json').query({ ids: '1,2' }).reply(200, { tickets: [] });
    send().post('/api/v2/macros.json', macro).reply(201, { macro: { id: 9001 } });
    get().delete('/api/v2/macros/9001.json').reply(204);
    get().get('/api/v2/macros/search.json').query({ query: 'd_lib1' }).reply(200, { macros: [] });
    get().get(`/api/v2/tickets/${TICKET}/comments.json`).query({ sort: '-created_at', 'page[size]': '20' }).reply(200, { comments: [] });
    get().get(`/api/v2/tickets/${TICKET}/audits.json`).query({ sort_order: 'desc' }).reply(200, { audits: [] });

    const zendesk = api();
    const meter = new CallMeter();
    // The answers are the wire bodies (not node-zendesk's unwrapped `result`): the schemas see {ticket: ...}, {audit: ...}.
    expect(await zendesk.get(TICKET_PATH, z.looseObject({ ticket: z.looseObject({ updated_at: z.string() }) }), meter)).toMatchObject({ ticket: { updated_at: STAMP } });
    expect(await zendesk.put(TICKET_PATH, update, z.unknown(), meter)).toEqual(updateAnswer);
    expect(await zendesk.get('/api/v2/tickets/show_many.json?ids=1,2', z.object({ tickets: z.array(z.unknown()) }), meter)).toEqual({ tickets: [] });
    expect(await zendesk.post('/api/v2/macros.json', macro, z.object({ macro: z.object({ id: z.number() }) }), meter)).toEqual({ macro: { id: 9001 } });
    await zendesk.delete('/api/v2/macros/9001.json', meter);
    await zendesk.get('/api/v2/macros/search.json?query=d_lib1', z.unknown(), meter);
    await zendesk.get(`/api/v2/tickets/${TICKET}/comments.json?sort=-created_at&page[size]=20`, z.unknown(), meter);
    await zendesk.get(`/api/v2/tickets/${TICKET}/audits.json?sort_order=desc`, z.unknown(), meter);

    expect(spies.show).toHaveBeenCalledWith(Number(TICKET));
    expect(spies.update).toHaveBeenCalledWith(Number(TICKET), update);
    expect(spies.showMany).toHaveBeenCalledWith([1, 2]);
    expect(spies.create).toHaveBeenCalledWith(macro);
    expect(spies.remove).toHaveBeenCalledWith(9001);
    expect(spies.search).toHaveBeenCalledWith('d_lib1');
    // Only the comments page and the audits go through the generic request with their exact URL.
    const generic = spies.request.mock.calls.filter((call) => typeof call[1] === 'string');
    expect(generic.map((call) => [call[0], call[1]])).toEqual([
      ['GET', `${BASE}/api/v2/tickets/${TICKET}/comments.json?sort=-created_at&page[size]=20`],
      ['GET', `${BASE}/api/v2/tickets/${TICKET}/audits.json?sort_order=desc`],
    ]);
    expect(meter.calls).toEqual({ read: 5, write: 3, token: 0 });
  });

  it('a 2xx that is not JSON is a retryable unexpected response; a JSON answer of the wrong shape a permanent one', async () => {
    zd().get(TICKET_PATH).reply(200, '<html>maintenance</html>', { 'content-type': 'text/html' });
    zd().get(TICKET_PATH).reply(200, { ticket: { id: 'x' } });
    const schema = z.object({ ticket: z.object({ id: z.number(), updated_at: z.string() }) });
    expect(await rejection(api().get(TICKET_PATH, schema, new CallMeter()))).toMatchObject({ status: 200, code: 'zendesk_unexpected_response', permanent: false });
    const err = await rejection(api().get(TICKET_PATH, schema, new CallMeter()));
    expect(err).toMatchObject({ status: 200, code: 'zendesk_unexpected_response', permanent: true });
    expect(err.message).toContain(`zendesk GET ${BASE}${TICKET_PATH}: unexpected response (ticket.id:`);
  });
});
