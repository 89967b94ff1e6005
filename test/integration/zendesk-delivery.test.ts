import nock from 'nock';
import { deliveryRequest, testBrief } from '../helpers/delivery-request';
import type { Brief } from '../../src/brief/brief';
import { renderBriefZendesk } from '../../src/brief/render-brief';
import type { DeliveryRequest } from '../../src/delivery/delivery-port';
import { ClientCredentialsTokenProvider, staticAccessToken } from '../../src/helpdesk/zendesk/oauth';
import { zendeskAuthFromRaw } from '../helpers/accounts';
import { assertSafeToSend, buildTicketUpdate, UnsafeDeliveryError } from '../../src/delivery/zendesk/request-body';
import { TokenCipher } from '../../src/helpdesk/zendesk/token-cipher';
import { MemoryTokenStore } from '../../src/helpdesk/zendesk/token-store';
import { ZendeskWriter, ZendeskWriterOptions } from '../../src/delivery/zendesk/zendesk-writer';
import type { Decision } from '../../src/policy/decide';
import { REASONS, Reason } from '../../src/policy/reasons';
import { markerFor } from '../../src/domain/marker';
import { rejection } from '../helpers/rejection';
import { useStrictNock } from '../helpers/strict-nock';

const BASE = 'https://acme.zendesk.com';
const TOKEN = 'zd-static-token-0123456789';
const TICKET = '4812';
const TICKET_PATH = `/api/v2/tickets/${TICKET}.json`;
const COMMENTS_PATH = `/api/v2/tickets/${TICKET}/comments.json`;
const RECENT = { sort: '-created_at', 'page[size]': '20' };
const STAMP = '2026-05-01T09:00:05Z';
const ESCALATION_GROUP = 360001234;
const KEY = Buffer.alloc(32, 7).toString('base64');

useStrictNock();

const baseBrief: Brief = testBrief({ sentiment: { label: 'neutral', score: 0.1 } });

function request(overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
  const draft = 'Your parcel left our warehouse yesterday.\nTracking: https://help.acme.test/tracking';
  return deliveryRequest({ tenant: 'zendesk:acme', provider: 'zendesk', threadId: TICKET, draftId: 'd_review123', draft, brief: baseBrief }, 'review', [], overrides);
}

const escalation = (overrides: Partial<DeliveryRequest> = {}) =>
  request({
    draftId: 'd_escal456',
    decision: 'escalate',
    reasons: ['account_access', 'negative_sentiment'],
    category: 'billing',
    brief: { ...baseBrief, category: 'billing', escalation_reasons: ['account_access', 'negative_sentiment'], missing_fields: ['order number'], sentiment: { label: 'negative', score: -0.6 } },
    ...overrides,
  });

const autopilot = (overrides: Partial<DeliveryRequest> = {}) => request({ draftId: 'd_auto789', decision: 'autopilot', draft: 'Your parcel arrives tomorrow. Tracking: https://help.acme.test/tracking', ...overrides });

function writer(options: Partial<ZendeskWriterOptions> = {}): ZendeskWriter {
  return new ZendeskWriter({ access: { baseUrl: BASE, tokens: staticAccessToken(TOKEN) }, escalationGroupId: ESCALATION_GROUP, shadow: false, tenant: 'zendesk:acme', ...options });
}

const zd = (token = TOKEN) => nock(BASE).matchHeader('authorization', `Bearer ${token}`);
const ticketAnswer = (updatedAt = STAMP, tags: string[] = ['vip'], status = 'open') => ({ ticket: { id: Number(TICKET), updated_at: updatedAt, tags, status, subject: 'Where is my order?' } });
const updateAnswer = (commentId = 99001) => ({ ticket: { id: Number(TICKET), updated_at: '2026-05-01T09:01:00Z' }, audit: { id: 555, events: [{ id: commentId, type: 'Comment' }] } });

/** A PUT interceptor that records the body it receives. */
function expectUpdate(sent: unknown[], status = 200, answer: unknown = updateAnswer(), token = TOKEN, headers: Record<string, string> = {}) {
  return zd(token)
    .put(TICKET_PATH, (body) => {
      sent.push(body);
      return true;
    })
    .reply(status, answer as nock.Body, headers);
}


describe('Zendesk ticket update bodies', () => {
  it('review: the brief and the draft as one internal note, tags added to the ticket’s own, safe_update with its updated_at', async () => {
    const sent: unknown[] = [];
    zd().get(TICKET_PATH).reply(200, ticketAnswer(STAMP, ['vip', 'shipping']));
    expectUpdate(sent);
    const req = request();
    const outcome = await writer().deliver(req, { firstAttempt: true });

    const html = renderBriefZendesk(req.brief, req.draft, 'review', req.draftId);
    expect(sent).toEqual([
      {
        ticket: {
          comment: { html_body: html, public: false },
          tags: ['vip', 'shipping', 'draftpilot_review', 'draftpilot_cat_shipping'],
          safe_update: true,
          updated_stamp: STAMP,
        },
      },
    ]);
    expect(html).toContain('<strong>draftpilot draft for review</strong>');
    expect(html).toContain('<strong>Draft reply (not sent):</strong> Your parcel left our warehouse yesterday.<br>Tracking');
    expect(html).toContain(markerFor('d_review123'));
    expect(outcome).toEqual({
      written: true,
      shadow: false,
      apiCalls: 2,
      writes: [{ method: 'PUT', path: TICKET_PATH, body: sent[0] }],
      detail: expect.stringContaining('comment 99001'),
      // the note's comment id (its Comment audit event), recorded by the drafter as draftpilot's own message
      posted: expect.objectContaining({ id: '99001' }),
    });
  });

  it('escalate: the handoff brief with the suggested reply marked unsent, reason tags, routed to the escalation group', async () => {
    const sent: unknown[] = [];
    zd().get(TICKET_PATH).reply(200, ticketAnswer(STAMP, []));
    expectUpdate(sent);
    const req = escalation();
    await writer().deliver(req, { firstAttempt: true });

    const html = renderBriefZendesk(req.brief, req.draft, 'escalate', req.draftId);
    expect(sent).toEqual([
      {
        ticket: {
          comment: { html_body: html, public: false },
          tags: ['draftpilot_escalated', 'draftpilot_reason_account_access', 'draftpilot_reason_negative_sentiment', 'draftpilot_cat_billing'],
          group_id: ESCALATION_GROUP,
          safe_update: true,
          updated_stamp: STAMP,
        },
      },
    ]);
    expect(html).toContain('<strong>draftpilot handoff</strong>');
    expect(html).toContain('<strong>Why a human:</strong> account_access, negative_sentiment');
    expect(html).toContain('<strong>Suggested reply (not sent):</strong>');
    expect(html).toContain(markerFor('d_escal456'));
  });

  it('escalate without a draft: the brief alone (no suggested reply), and no group when none is configured', async () => {
    const sent: any[] = [];
    zd().get(TICKET_PATH).reply(200, ticketAnswer());
    expectUpdate(sent);
    const req = escalation({ draft: null });
    await writer({ escalationGroupId: undefined }).deliver(req, { firstAttempt: true });

    expect(sent[0].ticket.comment).toEqual({ html_body: renderBriefZendesk(req.brief, null, 'escalate', req.draftId), public: false });
    expect(sent[0].ticket.comment.html_body).not.toContain('Suggested reply');
    expect(sent[0].ticket).not.toHaveProperty('group_id');
  });

  it('autopilot: the draft as a public reply (the only one), with tags', async () => {
    const sent: unknown[] = [];
    zd().get(TICKET_PATH).reply(200, ticketAnswer());
    expectUpdate(sent);
    const req = autopilot();
    const outcome = await writer().deliver(req, { firstAttempt: true });

    expect(sent).toEqual([
      {
        ticket: {
          comment: { body: 'Your parcel arrives tomorrow. Tracking: https://help.acme.test/tracking', public: true },
          tags: ['vip', 'draftpilot_autopilot', 'draftpilot_cat_shipping'],
          safe_update: true,
          updated_stamp: STAMP,
        },
      },
    ]);
    expect(outcome.detail).toContain('public autopilot reply');
  });
});

describe('only autopilot can publish', () => {
  /** Every subset of the eight reasons. */
  const subsets: Reason[][] = Array.from({ length: 1 << REASONS.length }, (_, mask) => REASONS.filter((_, i) => mask & (1 << i)));

  it('builds every decision × reason combination: no body but a clean autopilot carries public:true', () => {
    const decisions: Decision[] = ['autopilot', 'review', 'escalate'];
    const drafts = [null, 'A drafted answer.', '   '];
    let built = 0;
    let published = 0;
    let refused = 0;
    for (const decision of decisions) {
      for (const reasons of subsets) {
        for (const draft of drafts) {
          for (const snapshot of [null, { updatedAt: STAMP, tags: ['vip'] }]) {
            for (const escalationGroupId of [undefined, ESCALATION_GROUP]) {
              const req = request({ decision, reasons, draft, brief: { ...baseBrief, escalation_reasons: reasons } });
              let body;
              try {
                body = buildTicketUpdate(req, snapshot, escalationGroupId === undefined ? {} : { escalationGroupId });
              } catch (err) {
                // Refusing is allowed only on the autopilot path (contradictory or empty autopilot).
                expect(err).toBeInstanceOf(UnsafeDeliveryError);
                expect(decision).toBe('autopilot');
                refused++;
                continue;
              }
              built++;
              const json = JSON.stringify(body);
              if (body.ticket.comment.public === true) {
                published++;
                expect(decision).toBe('autopilot');
                expect(reasons).toEqual([]);
                expect(body.ticket.comment).toEqual({ body: draft, public: true });
              } else {
                expect(decision).not.toBe('autopilot');
                expect(body.ticket.comment).toEqual({ html_body: expect.stringContaining(markerFor(req.draftId)), public: false });
                expect(json).not.toContain('"public":true');
                expect(body.ticket.comment).not.toHaveProperty('body');
              }
              expect(body.ticket.tags).toContain(`draftpilot_${decision === 'escalate' ? 'escalated' : decision}`);
              for (const r of reasons) expect(body.ticket.tags).toContain(`draftpilot_reason_${r}`);
              if (decision !== 'escalate' || escalationGroupId === undefined) expect(body.ticket).not.toHaveProperty('group_id');
            }
          }
        }
      }
    }
    // autopilot: only no reasons × the non-empty draft × 2 snapshots × 2 group settings publish.
    expect(published).toBe(4);
    expect(refused).toBe(256 * 3 * 4 - 4);
    expect(built).toBe(2 * 256 * 3 * 4 + 4);
  });

  it('refuses an autopilot whose brief still lists escalation reasons, before any API call', async () => {
    const req = autopilot({ brief: { ...baseBrief, escalation_reasons: ['guardrail'] } });
    expect(() => buildTicketUpdate(req, null)).toThrow(UnsafeDeliveryError);
    // No interceptors: the live writer refuses before reading anything.
    await expect(writer().deliver(req)).rejects.toThrow(UnsafeDeliveryError);
    await expect(writer().deliver(autopilot({ draft: null }), { firstAttempt: true })).rejects.toThrow(UnsafeDeliveryError);
  });

  it('the last guard rejects a public comment on every non-autopilot body, and a missing public flag', () => {
    for (const decision of ['review', 'escalate'] as const) {
      expect(() => assertSafeToSend({ ticket: { comment: { public: true } } }, decision)).toThrow(UnsafeDeliveryError);
      // Zendesk defaults public to true: a note without the flag would be published.
      expect(() => assertSafeToSend({ ticket: { comment: {} } }, decision)).toThrow(UnsafeDeliveryError);
      expect(() => assertSafeToSend({ ticket: { comment: { public: false } } }, decision)).not.toThrow();
    }
    expect(() => assertSafeToSend({ ticket: { comment: { public: false } } }, 'autopilot')).toThrow(UnsafeDeliveryError);
    expect(new UnsafeDeliveryError('x').permanent).toBe(true);
  });
});

describe('idempotent delivery', () => {
  it('a lost response: the retry finds the marker in recent comments and writes nothing', async () => {
    const w = writer();
    const req = request();
    const sent: unknown[] = [];
    zd().get(TICKET_PATH).reply(200, ticketAnswer());
    zd()
      .put(TICKET_PATH, (body) => {
        sent.push(body);
        return true;
      })
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const lost = await rejection(w.deliver(req, { firstAttempt: true }));
    expect(lost).toMatchObject({ status: 0, permanent: false, code: 'zendesk_unreachable' });
    expect(sent).toHaveLength(1);

    // Zendesk did apply it: the note is the newest comment. No PUT interceptor: a second write would fail.
    const note = (sent[0] as any).ticket.comment.html_body as string;
    zd()
      .get(COMMENTS_PATH)
      .query(RECENT)
      .reply(200, {
        comments: [
          { id: 99001, author_id: 9000000001, body: 'draftpilot draft for review ...', html_body: `<div class="zd-comment">${note}</div>`, public: false, created_at: '2026-05-01T09:01:00Z' },
          { id: 1001, author_id: 9160112233, body: 'Where is my order?', html_body: '<p>Where is my order?</p>', public: true, created_at: '2026-05-01T09:00:00Z' },
        ],
        meta: { has_more: false },
      });
    const retry = await w.deliver(req);
    expect(retry).toEqual({
      written: false,
      shadow: false,
      apiCalls: 1,
      writes: [],
      detail: expect.stringContaining(`comment 99001 on ticket ${TICKET} carries ${markerFor(req.draftId)}`),
      posted: { id: '99001', createdAt: '2026-05-01T09:01:00Z' },
    });
  });

  it('an autopilot retry recognizes its own public reply and does not send it twice', async () => {
    const req = autopilot();
    zd()
      .get(COMMENTS_PATH)
      .query(RECENT)
      .reply(200, { comments: [{ id: 99002, author_id: 9000000001, body: `${req.draft}\n`, public: true, created_at: '2026-05-01T09:01:00Z' }] });
    const outcome = await writer({ botUserId: '9000000001' }).deliver(req);
    expect(outcome).toMatchObject({ written: false, apiCalls: 1, writes: [], detail: expect.stringContaining('is the same public reply') });
  });

  it('another draft’s marker on the ticket does not count: the retry writes', async () => {
    const sent: unknown[] = [];
    zd()
      .get(COMMENTS_PATH)
      .query(RECENT)
      .reply(200, { comments: [{ id: 98000, body: `older note ${markerFor('d_other')}`, public: false }] });
    zd().get(TICKET_PATH).reply(200, ticketAnswer());
    expectUpdate(sent);
    const outcome = await writer().deliver(request());
    expect(outcome).toMatchObject({ written: true, apiCalls: 3 });
    expect(sent).toHaveLength(1);
  });
});

describe('faults', () => {
  it('429 with Retry-After: retryable with retryAfterMs, and the later attempt writes once', async () => {
    const w = writer();
    const sent: unknown[] = [];
    zd().get(TICKET_PATH).reply(200, ticketAnswer());
    expectUpdate(sent, 429, { error: 'TooManyRequests', description: 'You have exceeded the rate limit' }, TOKEN, { 'Retry-After': '37' });
    const limited = await rejection(w.deliver(request(), { firstAttempt: true }));
    expect(limited).toMatchObject({ status: 429, code: 'zendesk_rate_limited', permanent: false, retryAfterMs: 37_000 });

    // Later (the queue paused for 37 s): the retry checks the marker, finds none, writes once.
    zd().get(COMMENTS_PATH).query(RECENT).reply(200, { comments: [] });
    zd().get(TICKET_PATH).reply(200, ticketAnswer());
    expectUpdate(sent);
    const outcome = await w.deliver(request());
    expect(outcome).toMatchObject({ written: true, apiCalls: 3 });
    expect(sent).toHaveLength(2); // the refused one and the one that landed
  });

  it('a 429 on the read surfaces retryAfterMs before anything is written', async () => {
    zd().get(TICKET_PATH).reply(429, { error: 'TooManyRequests' }, { 'Retry-After': '5' });
    expect(await rejection(writer().deliver(request(), { firstAttempt: true }))).toMatchObject({ status: 429, permanent: false, retryAfterMs: 5_000 });
  });

  it('5xx then success: the first attempt is retryable, the retry writes', async () => {
    const w = writer();
    const sent: unknown[] = [];
    zd().get(TICKET_PATH).reply(200, ticketAnswer());
    expectUpdate(sent, 503, '<html>Service Unavailable</html>');
    expect(await rejection(w.deliver(request(), { firstAttempt: true }))).toMatchObject({ status: 503, code: 'zendesk_server_error', permanent: false });

    zd().get(COMMENTS_PATH).query(RECENT).reply(200, { comments: [] });
    zd().get(TICKET_PATH).reply(200, ticketAnswer());
    expectUpdate(sent);
    expect(await w.deliver(request())).toMatchObject({ written: true, apiCalls: 3 });
    expect(sent).toHaveLength(2);
  });

  it('a connection reset on the read is retryable', async () => {
    zd().get(TICKET_PATH).replyWithError({ code: 'ECONNRESET', message: 'read ECONNRESET' });
    expect(await rejection(writer().deliver(request(), { firstAttempt: true }))).toMatchObject({ status: 0, permanent: false });
  });

  it.each([
    [401, 'zendesk_unauthorized', { error: 'Couldn\'t authenticate you' }],
    [403, 'zendesk_forbidden', { error: 'Forbidden', description: 'You do not have access to this page.' }],
    [422, 'zendesk_unprocessable', { error: 'RecordInvalid', description: 'Record validation errors', details: { base: [{ description: 'Status: closed prevents ticket update' }] } }],
  ])('%i on the update is permanent after one attempt', async (status, code, answer) => {
    const sent: unknown[] = [];
    zd().get(TICKET_PATH).reply(200, ticketAnswer());
    expectUpdate(sent, status, answer);
    expect(await rejection(writer().deliver(request(), { firstAttempt: true }))).toMatchObject({ status, code, permanent: true });
    expect(sent).toHaveLength(1);
  });

  it('a static token answered 401 on the read is permanent: nothing to refresh, nothing retried', async () => {
    zd().get(TICKET_PATH).reply(401, { error: 'Couldn\'t authenticate you' });
    const err = await rejection(writer().deliver(request(), { firstAttempt: true }));
    expect(err).toMatchObject({ status: 401, permanent: true });
    expect(err.message).toContain('ZENDESK_ACCESS_TOKEN');
  });

  it('a deleted ticket (404) is permanent with a clear detail', async () => {
    zd().get(TICKET_PATH).reply(404, { error: 'RecordNotFound', description: 'Not found' });
    const err = await rejection(writer().deliver(request(), { firstAttempt: true }));
    expect(err).toMatchObject({ status: 404, code: 'zendesk_ticket_deleted', permanent: true });
    expect(err.message).toContain(`ticket ${TICKET} was not found (deleted`);
    expect(err.message).toContain('the draft is dropped');
  });

  it('a ticket deleted between the marker check and the update is reported the same way', async () => {
    zd().get(COMMENTS_PATH).query(RECENT).reply(404, { error: 'RecordNotFound', description: 'Not found' });
    expect(await rejection(writer().deliver(request()))).toMatchObject({ status: 404, code: 'zendesk_ticket_deleted', permanent: true });
  });

  it('a closed ticket is dropped without spending an update', async () => {
    zd().get(TICKET_PATH).reply(200, ticketAnswer(STAMP, [], 'closed'));
    expect(await rejection(writer().deliver(request(), { firstAttempt: true }))).toMatchObject({ code: 'zendesk_ticket_closed', permanent: true });
  });

  it('409 from safe_update: re-reads the ticket and retries with the new stamp, keeping the tag an agent just added', async () => {
    const sent: any[] = [];
    zd().get(TICKET_PATH).reply(200, ticketAnswer(STAMP, ['vip']));
    expectUpdate(sent, 409, { error: 'UpdateConflict', description: 'Ticket was updated by another user' });
    zd().get(TICKET_PATH).reply(200, ticketAnswer('2026-05-01T09:00:40Z', ['vip', 'refund_requested']));
    expectUpdate(sent);
    const outcome = await writer().deliver(request(), { firstAttempt: true });

    expect(sent.map((b) => b.ticket.updated_stamp)).toEqual([STAMP, '2026-05-01T09:00:40Z']);
    expect(sent[1].ticket.tags).toEqual(['vip', 'refund_requested', 'draftpilot_review', 'draftpilot_cat_shipping']);
    expect(sent[1].ticket.comment.public).toBe(false);
    expect(outcome).toMatchObject({ written: true, apiCalls: 4, writes: [{ method: 'PUT', path: TICKET_PATH, body: sent[1] }], detail: expect.stringContaining('after 1 safe_update conflict') });
  });

  it('409 on every try: gives up after two re-reads, retryable for the queue', async () => {
    const sent: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      zd().get(TICKET_PATH).reply(200, ticketAnswer(`2026-05-01T09:00:0${i}Z`));
      expectUpdate(sent, 409, { error: 'UpdateConflict' });
    }
    expect(await rejection(writer().deliver(request(), { firstAttempt: true }))).toMatchObject({ status: 409, permanent: false });
    expect(sent).toHaveLength(3);
  });

  it('refuses a delivery for another tenant or a non-numeric ticket id without a call', async () => {
    expect(await rejection(writer().deliver(request({ tenant: 'zendesk:other' })))).toMatchObject({ code: 'zendesk_wrong_tenant', permanent: true });
    expect(await rejection(writer().deliver(request({ threadId: '../users/1' })))).toMatchObject({ code: 'zendesk_bad_request', permanent: true });
  });
});

describe('OAuth tokens', () => {
  const cipher = TokenCipher.fromBase64Key(KEY);
  const clientBody = { grant_type: 'client_credentials', client_id: 'draftpilot', client_secret: 'client-secret-xyz', scope: 'read write' };
  const grant = (access: string, refresh: string | null = null, expiresIn = 1800) => ({
    access_token: access,
    token_type: 'bearer',
    scope: 'read write',
    expires_in: expiresIn,
    ...(refresh ? { refresh_token: refresh, refresh_token_expires_in: 2_592_000 } : {}),
  });

  function oauthWriter(store: MemoryTokenStore, clock: { now(): number }) {
    const tokens = new ClientCredentialsTokenProvider({ baseUrl: BASE, clientId: 'draftpilot', clientSecret: 'client-secret-xyz', account: 'zendesk:acme', store, cipher, clock });
    return writer({ access: { baseUrl: BASE, tokens } });
  }

  function delivered(token: string, sent: unknown[]) {
    zd(token).get(TICKET_PATH).reply(200, ticketAnswer());
    expectUpdate(sent, 200, updateAnswer(), token);
  }

  it('client credentials: a token is granted on first use, sealed at rest, and reused by the next process', async () => {
    const store = new MemoryTokenStore();
    const clock = { now: () => Date.parse('2026-05-01T09:00:00Z') };
    const sent: unknown[] = [];
    nock(BASE).post('/oauth/tokens', clientBody).reply(200, grant('access-A', 'refresh-1'));
    delivered('access-A', sent);
    const outcome = await oauthWriter(store, clock).deliver(request(), { firstAttempt: true });
    expect(outcome.apiCalls).toBe(3);
    expect(outcome.detail).toContain('1 read, 1 write, 1 token grant');

    const row = await store.get('zendesk:acme');
    expect(row?.sealed).toMatch(/^v1\./);
    expect(row?.sealed).not.toContain('access-A');
    expect(row?.sealed).not.toContain('refresh-1');
    expect(JSON.parse(cipher.open(row!.sealed, 'zendesk:acme'))).toMatchObject({ accessToken: 'access-A', refreshToken: 'refresh-1', accessExpiresAt: clock.now() + 1_800_000 });
    // A record moved to another account does not open.
    expect(() => cipher.open(row!.sealed, 'zendesk:other')).toThrow(/does not open/);

    // A new process (new provider, same store): no grant, the stored token is used.
    delivered('access-A', sent);
    expect((await oauthWriter(store, clock).deliver(request({ draftId: 'd_second' }), { firstAttempt: true })).apiCalls).toBe(2);
  });

  it('refreshes before expiry with the refresh_token grant', async () => {
    const store = new MemoryTokenStore();
    let now = Date.parse('2026-05-01T09:00:00Z');
    const w = oauthWriter(store, { now: () => now });
    const sent: unknown[] = [];
    nock(BASE).post('/oauth/tokens', clientBody).reply(200, grant('access-A', 'refresh-1'));
    delivered('access-A', sent);
    await w.deliver(request(), { firstAttempt: true });

    now += 1_700_000; // 100 s before the 1,800 s expiry: inside the 2-minute margin
    nock(BASE)
      .post('/oauth/tokens', { grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: 'draftpilot', client_secret: 'client-secret-xyz', scope: 'read write' })
      .reply(200, grant('access-B', 'refresh-2'));
    delivered('access-B', sent);
    expect((await w.deliver(request({ draftId: 'd_second' }), { firstAttempt: true })).apiCalls).toBe(3);
    expect(JSON.parse(cipher.open((await store.get('zendesk:acme'))!.sealed, 'zendesk:acme'))).toMatchObject({ accessToken: 'access-B', refreshToken: 'refresh-2' });
  });

  it('a 401 refreshes once and repeats the call', async () => {
    const store = new MemoryTokenStore();
    const w = oauthWriter(store, { now: () => Date.parse('2026-05-01T09:00:00Z') });
    const sent: unknown[] = [];
    nock(BASE).post('/oauth/tokens', clientBody).reply(200, grant('access-A'));
    // Revoked on Zendesk's side although not expired by the clock.
    zd('access-A').get(TICKET_PATH).reply(401, { error: 'invalid_token' });
    nock(BASE).post('/oauth/tokens', clientBody).reply(200, grant('access-B'));
    delivered('access-B', sent);
    const outcome = await w.deliver(request(), { firstAttempt: true });
    expect(outcome).toMatchObject({ written: true, apiCalls: 5 }); // grant, 401 read, grant, read, write
    expect(sent).toHaveLength(1);
  });

  it('a second 401 after the refresh is permanent', async () => {
    const store = new MemoryTokenStore();
    const w = oauthWriter(store, { now: () => Date.parse('2026-05-01T09:00:00Z') });
    nock(BASE).post('/oauth/tokens', clientBody).reply(200, grant('access-A'));
    zd('access-A').get(TICKET_PATH).reply(401, { error: 'invalid_token' });
    nock(BASE).post('/oauth/tokens', clientBody).reply(200, grant('access-B'));
    zd('access-B').get(TICKET_PATH).reply(401, { error: 'invalid_token' });
    expect(await rejection(w.deliver(request(), { firstAttempt: true }))).toMatchObject({ status: 401, permanent: true });
  });

  it('a refused refresh token falls back to client credentials; a refused client is permanent', async () => {
    const store = new MemoryTokenStore();
    let now = Date.parse('2026-05-01T09:00:00Z');
    const w = oauthWriter(store, { now: () => now });
    const sent: unknown[] = [];
    nock(BASE).post('/oauth/tokens', clientBody).reply(200, grant('access-A', 'refresh-1'));
    delivered('access-A', sent);
    await w.deliver(request(), { firstAttempt: true });

    now += 3_600_000;
    nock(BASE).post('/oauth/tokens', (b) => b.grant_type === 'refresh_token').reply(400, { error: 'invalid_grant', error_description: 'The refresh token is invalid' });
    nock(BASE).post('/oauth/tokens', clientBody).reply(401, { error: 'invalid_client' });
    const err = await rejection(w.deliver(request({ draftId: 'd_second' }), { firstAttempt: true }));
    expect(err).toMatchObject({ code: 'zendesk_oauth_refused', permanent: true });
    expect(err.message).toContain('ZENDESK_OAUTH_CLIENT_ID');
  });

  it('concurrent deliveries share one grant', async () => {
    const store = new MemoryTokenStore();
    const w = oauthWriter(store, { now: () => Date.parse('2026-05-01T09:00:00Z') });
    const sent: unknown[] = [];
    nock(BASE).post('/oauth/tokens', clientBody).reply(200, grant('access-A'));
    delivered('access-A', sent);
    delivered('access-A', sent);
    const outcomes = await Promise.all([w.deliver(request(), { firstAttempt: true }), w.deliver(request({ draftId: 'd_second' }), { firstAttempt: true })]);
    expect(outcomes.every((o) => o.written)).toBe(true);
    expect(sent).toHaveLength(2);
  });

  it('the encryption key must be 32 bytes of base64', () => {
    expect(() => TokenCipher.fromBase64Key(undefined)).toThrow(/APP_ENCRYPTION_KEY/);
    expect(() => TokenCipher.fromBase64Key(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => TokenCipher.fromBase64Key('not a key!')).toThrow(/base64/);
    const other = TokenCipher.fromBase64Key(Buffer.alloc(32, 9).toString('base64'));
    expect(() => other.open(cipher.seal('secret', 'zendesk:acme'), 'zendesk:acme')).toThrow(/does not open/);
  });

  it('credentials from the environment: the access token as is, else client credentials, else none (shadow)', async () => {
    const store = new MemoryTokenStore();
    expect(zendeskAuthFromRaw({}, { store })).toBeUndefined();
    const fixed = zendeskAuthFromRaw({ ZENDESK_SUBDOMAIN: 'acme', ZENDESK_ACCESS_TOKEN: TOKEN }, { store });
    expect(fixed?.baseUrl).toBe(BASE);
    expect(fixed?.tokens.kind).toBe('static');
    expect(await fixed?.tokens.token()).toBe(TOKEN);
    expect(await fixed?.tokens.renewAfterUnauthorized(TOKEN)).toBeNull();
    const oauth = zendeskAuthFromRaw({ ZENDESK_SUBDOMAIN: 'acme', ZENDESK_OAUTH_CLIENT_ID: 'draftpilot', ZENDESK_OAUTH_CLIENT_SECRET: 's', APP_ENCRYPTION_KEY: KEY }, { store });
    expect(oauth?.tokens.kind).toBe('oauth');
    expect(() => zendeskAuthFromRaw({ ZENDESK_SUBDOMAIN: 'acme', ZENDESK_OAUTH_CLIENT_ID: 'draftpilot', ZENDESK_OAUTH_CLIENT_SECRET: 's' }, { store })).toThrow(/APP_ENCRYPTION_KEY/);
    // an OAuth client with no account named is the client other accounts install through: no account of the environment
    expect(zendeskAuthFromRaw({ ZENDESK_OAUTH_CLIENT_ID: 'draftpilot', ZENDESK_OAUTH_CLIENT_SECRET: 's', APP_ENCRYPTION_KEY: KEY }, { store })).toBeUndefined();
  });
});

describe('shadow mode', () => {
  it('writes nothing (no interceptors: any call would fail) and reports the would-be write', async () => {
    const shadow = new ZendeskWriter({ shadow: true, escalationGroupId: ESCALATION_GROUP });
    const req = escalation();
    const outcome = await shadow.deliver(req);
    expect(outcome).toEqual({
      written: false,
      shadow: true,
      apiCalls: 0,
      writes: [
        {
          method: 'PUT',
          path: TICKET_PATH,
          body: {
            ticket: {
              comment: { html_body: renderBriefZendesk(req.brief, req.draft, 'escalate', req.draftId), public: false },
              tags: ['draftpilot_escalated', 'draftpilot_reason_account_access', 'draftpilot_reason_negative_sentiment', 'draftpilot_cat_billing'],
              group_id: ESCALATION_GROUP,
            },
          },
        },
      ],
      detail: expect.stringContaining('shadow mode: nothing written'),
    });
  });

  it('stays shadow even with credentials, and still refuses an unsafe autopilot', async () => {
    const shadow = writer({ shadow: true });
    expect((await shadow.deliver(autopilot())).writes[0]?.body).toMatchObject({ ticket: { comment: { public: true } } });
    await expect(shadow.deliver(autopilot({ reasons: ['low_confidence'] }))).rejects.toThrow(UnsafeDeliveryError);
  });

  it('live mode without credentials is a configuration error', () => {
    expect(() => new ZendeskWriter({ shadow: false })).toThrow(/shadow mode/);
  });
});

describe('API calls per delivery', () => {
  it('first attempt 2, retry 3, retry after a landed write 1, shadow 0', async () => {
    const sent: unknown[] = [];
    zd().get(TICKET_PATH).reply(200, ticketAnswer());
    expectUpdate(sent);
    const first = await writer().deliver(request(), { firstAttempt: true });

    zd().get(COMMENTS_PATH).query(RECENT).reply(200, { comments: [] });
    zd().get(TICKET_PATH).reply(200, ticketAnswer());
    expectUpdate(sent);
    const retry = await writer().deliver(request({ draftId: 'd_retry' }));

    zd()
      .get(COMMENTS_PATH)
      .query(RECENT)
      .reply(200, { comments: [{ id: 1, html_body: `<p>${markerFor('d_retry')}</p>`, public: false }] });
    const landed = await writer().deliver(request({ draftId: 'd_retry' }));

    const shadow = await new ZendeskWriter({ shadow: true }).deliver(request());
    expect({ first: first.apiCalls, retry: retry.apiCalls, landed: landed.apiCalls, shadow: shadow.apiCalls }).toEqual({ first: 2, retry: 3, landed: 1, shadow: 0 });
    expect(sent).toHaveLength(2);
  });
});
