import nock from 'nock';
import type { Brief } from '../../src/brief/brief';
import type { DeliveryRequest } from '../../src/delivery/delivery-port';
import { MacroJanitor } from '../../src/delivery/zendesk/macro-janitor';
import { MemoryMacroStore, PendingMacro } from '../../src/delivery/zendesk/macro-store';
import { staticAccessToken } from '../../src/helpdesk/zendesk/oauth';
import { assertMacroIsPrivate, buildPendingMacro, macroTitle, MacroPolicy, wantsMacro } from '../../src/delivery/zendesk/pending-macro';
import { UnsafeDeliveryError } from '../../src/delivery/zendesk/request-body';
import { ZendeskWriter, ZendeskWriterOptions } from '../../src/delivery/zendesk/zendesk-writer';
import { markerFor } from '../../src/domain/marker';
import { deliveryRequest, testBrief } from '../helpers/delivery-request';
import { useStrictNock } from '../helpers/strict-nock';

const BASE = 'https://acme.zendesk.com';
const TOKEN = 'zd-static-token-0123456789';
const TENANT = 'zendesk:acme';
const TICKET = '4812';
const TICKET_PATH = `/api/v2/tickets/${TICKET}.json`;
const STAMP = '2026-05-01T09:00:05Z';
const NOW = Date.parse('2026-05-01T09:00:10Z');
const HOUR = 3_600_000;
const ASSIGNEE = 3001;
const GROUP = 7001;

useStrictNock();

const brief: Brief = testBrief({
  question: 'Can I return the kettle?',
  intent: 'return',
  category: 'returns',
  sources: [{ title: 'Returns', url: 'https://help.acme.test/returns' }],
  recommended_next_step: 'Send the return label.',
  confidence: 0.74,
});

function request(overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
  const draft = 'Yes, within 30 days.\n\nHere is how: print the label <attached>.';
  return deliveryRequest({ tenant: TENANT, provider: 'zendesk', threadId: TICKET, draftId: 'd_mac1', draft, brief }, 'review', [], { category: 'returns', ...overrides });
}

const policy: MacroPolicy = { enabled: false, tenants: [], categories: ['returns'] };

function writer(store: MemoryMacroStore, options: Partial<ZendeskWriterOptions> = {}, maxPerAccount = 5): ZendeskWriter {
  return new ZendeskWriter({
    access: { baseUrl: BASE, tokens: staticAccessToken(TOKEN) },
    shadow: false,
    tenant: TENANT,
    clock: { now: () => NOW },
    macros: { store, policy, ttlMs: 72 * HOUR, maxPerAccount },
    ...options,
  });
}

const zd = () => nock(BASE).matchHeader('authorization', `Bearer ${TOKEN}`);
const ticket = (extra: Record<string, unknown> = { assignee_id: ASSIGNEE, group_id: GROUP }) => ({ ticket: { id: Number(TICKET), updated_at: STAMP, tags: ['vip'], status: 'open', ...extra } });
const updated = { ticket: { id: Number(TICKET), updated_at: '2026-05-01T09:01:00Z' }, audit: { id: 1, events: [{ id: 99001, type: 'Comment' }] } };

function record(into: unknown[]) {
  return (body: unknown) => {
    into.push(body);
    return true;
  };
}

function macroRow(overrides: Partial<PendingMacro> = {}): PendingMacro {
  return { tenant: TENANT, macroId: '501', ticketId: TICKET, draftId: 'd_old', title: macroTitle(TICKET, 'd_old'), createdAt: new Date(NOW - HOUR), expiresAt: new Date(NOW + 71 * HOUR), ...overrides };
}

describe('pending-macro policy and body', () => {
  it('only review decisions with a draft, for the tenants or categories named (or every one when enabled)', () => {
    expect(wantsMacro(policy, request())).toBe(true);
    expect(wantsMacro(policy, request({ category: 'shipping' }))).toBe(false);
    expect(wantsMacro({ ...policy, tenants: [TENANT] }, request({ category: 'shipping' }))).toBe(true);
    expect(wantsMacro({ enabled: true, tenants: [], categories: [] }, request({ category: 'shipping' }))).toBe(true);
    for (const decision of ['escalate', 'autopilot'] as const) expect(wantsMacro({ enabled: true, tenants: [], categories: [] }, request({ decision }))).toBe(false);
    expect(wantsMacro(policy, request({ draft: null }))).toBe(false);
    expect(wantsMacro(policy, request({ draft: '  ' }))).toBe(false);
  });

  it('opens the composer as an internal note and refuses any body that would not', () => {
    const body = buildPendingMacro(request(), { type: 'User', id: ASSIGNEE });
    expect(body.macro.actions).toContainEqual({ field: 'comment_mode_is_public', value: false });
    expect(() => assertMacroIsPrivate({ macro: { ...body.macro, actions: [{ field: 'comment_value_html', value: 'x' }, { field: 'comment_mode_is_public', value: true }] } })).toThrow(UnsafeDeliveryError);
    expect(() => assertMacroIsPrivate({ macro: { ...body.macro, actions: [{ field: 'comment_value_html', value: 'x' }] } })).toThrow(/internal note/);
    expect(() => assertMacroIsPrivate({ macro: { actions: body.macro.actions } })).toThrow(/restricted/);
    expect(() => buildPendingMacro(request({ decision: 'escalate' }), { type: 'User', id: 1 })).toThrow(UnsafeDeliveryError);
    expect(() => buildPendingMacro(request({ decision: 'autopilot' }), { type: 'User', id: 1 })).toThrow(UnsafeDeliveryError);
  });
});

describe('pending-macro delivery', () => {
  it('creates the macro restricted to the assignee, then one update: the brief as an internal note naming the macro, tags', async () => {
    const store = new MemoryMacroStore();
    const macros: any[] = [];
    const updates: any[] = [];
    zd().get(TICKET_PATH).reply(200, ticket());
    zd().post('/api/v2/macros.json', record(macros)).reply(201, { macro: { id: 9001, title: macroTitle(TICKET, 'd_mac1') } });
    zd().put(TICKET_PATH, record(updates)).reply(200, updated);

    const outcome = await writer(store).deliver(request(), { firstAttempt: true });

    expect(macros).toEqual([
      {
        macro: {
          title: 'draftpilot #4812 reply draft (d_mac1)',
          description: expect.stringContaining('ticket #4812'),
          active: true,
          restriction: { type: 'User', id: ASSIGNEE },
          actions: [
            { field: 'comment_value_html', value: '<p>Yes, within 30 days.</p><p>Here is how: print the label &lt;attached&gt;.</p>' },
            { field: 'comment_mode_is_public', value: false },
          ],
        },
      },
    ]);
    const note = updates[0].ticket.comment;
    expect(note.public).toBe(false);
    expect(note.html_body).toContain('in the macro <strong>draftpilot #4812 reply draft (d_mac1)</strong>');
    expect(note.html_body).not.toContain('Yes, within 30 days');
    expect(note.html_body).toContain(markerFor('d_mac1'));
    expect(updates[0].ticket.tags).toEqual(['vip', 'draftpilot_review', 'draftpilot_cat_returns']);
    expect(outcome.apiCalls).toBe(3);
    expect(outcome.writes.map((w) => `${w.method} ${w.path}`)).toEqual(['POST /api/v2/macros.json', `PUT ${TICKET_PATH}`]);
    expect(outcome.detail).toContain('restricted to assignee 3001');
    expect(await store.forDraft('d_mac1')).toMatchObject({ macroId: '9001', ticketId: TICKET, expiresAt: new Date(NOW + 72 * HOUR) });
  });

  it('restricts to the group when the ticket has no assignee; without either the draft goes into the note', async () => {
    const store = new MemoryMacroStore();
    const macros: any[] = [];
    zd().get(TICKET_PATH).reply(200, ticket({ assignee_id: null, group_id: GROUP }));
    zd().post('/api/v2/macros.json', record(macros)).reply(201, { macro: { id: 9002 } });
    zd().put(TICKET_PATH).reply(200, updated);
    await writer(store).deliver(request(), { firstAttempt: true });
    expect(macros[0].macro.restriction).toEqual({ type: 'Group', id: GROUP, ids: [GROUP] });

    const updates: any[] = [];
    zd().get(TICKET_PATH).reply(200, ticket({ assignee_id: null, group_id: null }));
    zd().put(TICKET_PATH, record(updates)).reply(200, updated);
    const outcome = await writer(store).deliver(request({ draftId: 'd_mac2' }), { firstAttempt: true });
    expect(updates[0].ticket.comment).toEqual({ html_body: expect.stringContaining('Yes, within 30 days.'), public: false });
    expect(outcome.detail).toContain('no assignee or group');
    expect(outcome.apiCalls).toBe(2);
  });

  it('stops at the per-account cap: the draft goes into the note and no macro is created', async () => {
    const store = new MemoryMacroStore();
    await store.add(macroRow({ macroId: '1', draftId: 'd_a' }));
    await store.add(macroRow({ macroId: '2', draftId: 'd_b', ticketId: '77' }));
    const updates: any[] = [];
    zd().get(TICKET_PATH).reply(200, ticket());
    zd().put(TICKET_PATH, record(updates)).reply(200, updated);
    const outcome = await writer(store, {}, 2).deliver(request(), { firstAttempt: true });
    expect(updates[0].ticket.comment.html_body).toContain('Yes, within 30 days.');
    expect(outcome.detail).toMatch(/already holds 2 draftpilot macros/);
    expect(await store.countActive(TENANT)).toBe(2);
  });

  it('a new customer message deletes the superseded draft’s macro before delivering the new one', async () => {
    const store = new MemoryMacroStore();
    await store.add(macroRow());
    const updates: any[] = [];
    zd().delete('/api/v2/macros/501.json').reply(204);
    zd().get(TICKET_PATH).reply(200, ticket());
    zd().post('/api/v2/macros.json').reply(201, { macro: { id: 9003 } });
    zd().put(TICKET_PATH, record(updates)).reply(200, updated);

    const outcome = await writer(store).deliver(request({ draftId: 'd_new', supersedes: ['d_old'] }), { firstAttempt: true });

    expect(store.rows.find((m) => m.macroId === '501')).toMatchObject({ removedReason: 'superseded', removedAt: new Date(NOW) });
    expect(await store.forDraft('d_new')).toMatchObject({ macroId: '9003' });
    expect(updates[0].ticket.comment.html_body).toContain('<strong>Supersedes:</strong>');
    expect(outcome.writes.map((w) => w.method)).toEqual(['DELETE', 'POST', 'PUT']);
    expect(outcome.detail).toContain('superseded macro 501 deleted');
  });

  it('a superseding escalation removes the old macro too; a macro already deleted by someone (404) is recorded as gone', async () => {
    const store = new MemoryMacroStore();
    await store.add(macroRow());
    zd().delete('/api/v2/macros/501.json').reply(404, { error: 'RecordNotFound' });
    zd().get(TICKET_PATH).reply(200, ticket());
    zd().put(TICKET_PATH).reply(200, updated);
    await writer(store).deliver(request({ draftId: 'd_esc', decision: 'escalate', reasons: ['human_requested'], brief: { ...brief, escalation_reasons: ['human_requested'] }, supersedes: ['d_old'] }), { firstAttempt: true });
    expect(store.rows[0]).toMatchObject({ removedReason: 'gone' });
    expect(await store.countActive(TENANT)).toBe(0);
  });

  it('a retry after the update failed reuses the macro it created: one macro, one note', async () => {
    const store = new MemoryMacroStore();
    zd().get(TICKET_PATH).reply(200, ticket());
    zd().post('/api/v2/macros.json').reply(201, { macro: { id: 9004 } });
    zd().put(TICKET_PATH).reply(503, { error: 'unavailable' });
    await expect(writer(store).deliver(request(), { firstAttempt: true })).rejects.toMatchObject({ status: 503, permanent: false });

    // The retry: the marker check finds no note, the store knows the macro, the update goes through.
    const updates: any[] = [];
    zd().get(`/api/v2/tickets/${TICKET}/comments.json`).query(true).reply(200, { comments: [] });
    zd().get(TICKET_PATH).reply(200, ticket());
    zd().put(TICKET_PATH, record(updates)).reply(200, updated);
    const outcome = await writer(store).deliver(request());
    expect(updates[0].ticket.comment.html_body).toContain('draftpilot #4812 reply draft (d_mac1)');
    expect(outcome.detail).toContain('created by an earlier attempt');
    expect(store.rows).toHaveLength(1);
  });

  it('a retry after a lost macro answer finds the macro by its title instead of creating a second one', async () => {
    const store = new MemoryMacroStore();
    zd().get(`/api/v2/tickets/${TICKET}/comments.json`).query(true).reply(200, { comments: [] });
    zd().get(TICKET_PATH).reply(200, ticket());
    zd()
      .get('/api/v2/macros/search.json')
      .query({ query: 'd_mac1' })
      .reply(200, { macros: [{ id: 8000, title: 'draftpilot #99 reply draft (d_mac10)' }, { id: 9005, title: macroTitle(TICKET, 'd_mac1') }] });
    zd().put(TICKET_PATH).reply(200, updated);
    const outcome = await writer(store).deliver(request());
    expect(await store.forDraft('d_mac1')).toMatchObject({ macroId: '9005' });
    expect(outcome.writes.map((w) => w.method)).toEqual(['PUT']);
  });

  it('shadow mode: the would-be macro and note are recorded, nothing is read or written', async () => {
    const store = new MemoryMacroStore();
    const outcome = await writer(store, { shadow: true }).deliver(request());
    expect(outcome).toMatchObject({ written: false, shadow: true, apiCalls: 0 });
    expect(outcome.writes.map((w) => `${w.method} ${w.path}`)).toEqual(['POST /api/v2/macros.json', `PUT ${TICKET_PATH}`]);
    expect((outcome.writes[0]!.body as any).macro.actions).toContainEqual({ field: 'comment_mode_is_public', value: false });
    expect(store.rows).toHaveLength(0);
  });
});

describe('pending-macro janitor', () => {
  const janitor = (store: MemoryMacroStore, now = NOW) => new MacroJanitor({ access: { baseUrl: BASE, tokens: staticAccessToken(TOKEN) }, store, tenant: TENANT, botUserId: '42', clock: { now: () => now } });
  const showMany = (tickets: unknown[]) => zd().get('/api/v2/tickets/show_many.json').query({ ids: /.*/ }).reply(200, { tickets });

  it('deletes macros that were applied, answered, expired, or whose ticket was solved or deleted; keeps the rest', async () => {
    const store = new MemoryMacroStore();
    const created = new Date(NOW - 2 * HOUR);
    await store.add(macroRow({ macroId: '601', draftId: 'd1', ticketId: '1', createdAt: created })); // applied
    await store.add(macroRow({ macroId: '602', draftId: 'd2', ticketId: '2', createdAt: created })); // answered by hand
    await store.add(macroRow({ macroId: '603', draftId: 'd3', ticketId: '3', createdAt: created })); // solved
    await store.add(macroRow({ macroId: '604', draftId: 'd4', ticketId: '4', createdAt: created })); // ticket deleted
    await store.add(macroRow({ macroId: '605', draftId: 'd5', ticketId: '5', createdAt: created, expiresAt: new Date(NOW - 1) })); // expired
    await store.add(macroRow({ macroId: '606', draftId: 'd6', ticketId: '6', createdAt: created })); // untouched
    await store.add(macroRow({ macroId: '607', draftId: 'd7', ticketId: '7', createdAt: created })); // only our own note since

    const later = new Date(NOW - HOUR).toISOString();
    const earlier = new Date(NOW - 3 * HOUR).toISOString();
    showMany([
      { id: 1, status: 'open', updated_at: later, requester_id: 900 },
      { id: 2, status: 'pending', updated_at: later, requester_id: 900 },
      { id: 3, status: 'solved', updated_at: later, requester_id: 900 },
      { id: 6, status: 'open', updated_at: earlier, requester_id: 900 },
      { id: 7, status: 'open', updated_at: later, requester_id: 900 },
    ]);
    zd().get('/api/v2/tickets/1/audits.json').query({ sort_order: 'desc' }).reply(200, { audits: [{ created_at: later, author_id: 3001, events: [{ type: 'Comment', public: true }, { type: 'AgentMacroReference', macro_id: 601 }] }] });
    zd().get('/api/v2/tickets/2/audits.json').query({ sort_order: 'desc' }).reply(200, { audits: [{ created_at: later, author_id: 3001, events: [{ type: 'Comment', public: true }] }, { created_at: earlier, author_id: 900, events: [{ type: 'Comment', public: true }] }] });
    zd().get('/api/v2/tickets/7/audits.json').query({ sort_order: 'desc' }).reply(200, { audits: [{ created_at: later, author_id: 42, events: [{ type: 'Comment', public: false }] }] });
    for (const id of ['601', '602', '603', '604', '605']) zd().delete(`/api/v2/macros/${id}.json`).reply(204);

    const result = await janitor(store).sweep();

    expect(result).toEqual({ checked: 7, removed: { applied: 1, answered: 1, ticket_solved: 1, ticket_deleted: 1, expired: 1 }, kept: 2, apiCalls: 1 + 3 + 5 });
    const reasons = Object.fromEntries(store.rows.map((m) => [m.macroId, m.removedReason ?? 'active']));
    expect(reasons).toEqual({ '601': 'applied', '602': 'answered', '603': 'ticket_solved', '604': 'ticket_deleted', '605': 'expired', '606': 'active', '607': 'active' });
  });

  it('stops at a 429 and keeps what it has not removed for the next sweep', async () => {
    const store = new MemoryMacroStore();
    await store.add(macroRow({ macroId: '701', draftId: 'd1', expiresAt: new Date(NOW - 1) }));
    await store.add(macroRow({ macroId: '702', draftId: 'd2', expiresAt: new Date(NOW - 1) }));
    zd().delete('/api/v2/macros/701.json').reply(204);
    zd().delete('/api/v2/macros/702.json').reply(429, {}, { 'Retry-After': '30' });
    const result = await janitor(store).sweep();
    expect(result.removed).toEqual({ expired: 1 });
    expect(result.kept).toBe(1);
    expect(result.stopped).toMatch(/429/);
    expect(await store.countActive(TENANT)).toBe(1);
  });
});
