import { SHIPPING_ARTICLE } from '../helpers/fixtures';
import { readFileSync } from 'node:fs';
import { markerFor } from '../../src/domain/marker';
import { applyTenantSettings } from '../../src/settings/settings-store';
import type { IntercomAppDeps } from '../../src/intercom-app/app-deps';
import { homeCanvas } from '../../src/intercom-app/review-actions';
import { SHOP_CATEGORIES } from '../helpers/drafting';
import { IntercomStandIn } from '../helpers/intercom-stand-in';
import { startTestService, TestService, TEST_ZENDESK_BOT_USER_ID, TEST_INTERCOM_ADMIN_ID } from '../helpers/test-service';
import { until } from '../helpers/until';
import { ZendeskStandIn } from '../helpers/zendesk-stand-in';

/**
 * Sampling through the running service against the local helpdesk stand-ins: an autopilot reply and
 * solve events from both helpdesks (Zendesk ticket.status_changed to solved, Intercom
 * conversation.admin.closed) become exactly one review-request note per sampled item and none for an
 * item not sampled; a redelivered solve event writes nothing twice. On PGlite and PostgreSQL.
 */

const BOT_USER_ID = TEST_ZENDESK_BOT_USER_ID;
const OUR_ADMIN = TEST_INTERCOM_ADMIN_ID;
const ZD_TOKEN = 'zd-sampling-token';
const IC_TOKEN = 'ic-sampling-token';
const WORKSPACE = 'x7k2pq9a';
const ZD_TENANT = 'zendesk:acme';
const IC_TENANT = `intercom:${WORKSPACE}`;
const ADMIN = { authorization: 'Bearer test-admin-token-0123456789', 'content-type': 'application/json' };
const QUESTION = 'How long does standard delivery take?';
const SHIPPING = SHIPPING_ARTICLE;

describe.each(['pglite', 'postgres'] as const)('sampling on %s', (store) => {
  let t: TestService;
  let zendesk: ZendeskStandIn;
  let intercom: IntercomStandIn;

  const db = () => t.service.store.db;
  const samples = (threadId: string) => db().selectFrom('samples').selectAll().where('thread_id', '=', threadId).orderBy('created_at').orderBy('id').execute();
  const draftOf = (threadId: string) => until(`the delivered draft of ${threadId}`, () => db().selectFrom('drafts').selectAll().where('thread_id', '=', threadId).where('delivered_at', 'is not', null).executeTakeFirst());
  const sampling = (tenant: string, rates: { autopilot_rate: number; solved_rate: number }) => applyTenantSettings(db(), tenant, { sampling: rates }, { source: 'api', now: new Date() });
  /** The sample notes on a ticket: draftpilot's internal notes carrying a sample's marker. */
  const sampleNotes = (ticketId: string) => zendesk.botComments(ticketId).filter((c) => !c.public && /\[draftpilot ref s_/.test(c.html_body));
  const review = async (draftId: string, action: 'approve' | 'reject', reason?: string) => {
    const res = await fetch(`${t.url}/api/reviews`, { method: 'POST', headers: ADMIN, body: JSON.stringify({ draft_id: draftId, action, ...(reason ? { reason } : {}), agent: { id: '9160445566', name: 'Priya' } }) });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string };
  };

  /** Each ticket its own requester: the same requester again in the same category would be a repeat contact. */
  const requesterOf = (ticketId: string) => `7${ticketId}`;
  const detail = (ticketId: string) => ({ actor_id: '9160445566', assignee_id: '9160445566', created_at: '2026-11-27T10:00:02Z', group_id: null, id: ticketId, is_public: true, requester_id: requesterOf(ticketId), subject: 'Delivery time', submitter_id: requesterOf(ticketId), tags: ['web_form'], updated_at: '2026-11-27T10:00:02Z', via: { channel: 'web_form' } });
  const envelope = (ticketId: string, id: string) => ({ account_id: 10481234, id, time: new Date().toISOString(), zendesk_event_version: '2022-11-06', subject: `zen:ticket:${ticketId}`, detail: { ...detail(ticketId), status: 'OPEN', description: QUESTION } });
  const ticketCreated = (ticketId: string) => ({ ...envelope(ticketId, `evt-${ticketId}-created`), type: 'zen:event-type:ticket.created', event: {} });
  const solved = (ticketId: string, id: string) => ({ ...envelope(ticketId, id), detail: { ...detail(ticketId), status: 'SOLVED' }, type: 'zen:event-type:ticket.status_changed', event: { current: 'SOLVED', previous: 'OPEN' } });

  beforeAll(async () => {
    zendesk = new ZendeskStandIn({ botUserId: BOT_USER_ID, token: ZD_TOKEN, articles: [{ id: 360001, title: SHIPPING.title, html_url: SHIPPING.url, body: SHIPPING.body }] });
    intercom = new IntercomStandIn({ token: IC_TOKEN, workspace: WORKSPACE, adminId: OUR_ADMIN, articles: [{ id: '9001', ...SHIPPING }] });
    await zendesk.start();
    await intercom.start();
    t = await startTestService({
      store,
      // every message reads the stored category modes (the lifecycle demotes a category below)
      settings: (s) => {
        s.lifecycle.mode_cache_ms = 0;
      },
      env: { CATEGORIES_FILE: SHOP_CATEGORIES, ZENDESK_ACCESS_TOKEN: ZD_TOKEN, ZENDESK_BASE_URL: zendesk.baseUrl, INTERCOM_ACCESS_TOKEN: IC_TOKEN, INTERCOM_BASE_URL: intercom.baseUrl },
    });
    for (const tenant of [ZD_TENANT, IC_TENANT]) await until(`the ${tenant} articles`, async () => ((await t.service.knowledge!.forTenant(tenant)).size > 0 ? true : undefined));
  });

  afterAll(async () => {
    await t?.close();
    await zendesk?.stop();
    await intercom?.stop();
  });

  it('Zendesk: a sampled autopilot reply and a sampled solve each get one internal note, tagged draftpilot_sample; a redelivered solve writes nothing', async () => {
    const TICKET = '8100';
    await sampling(ZD_TENANT, { autopilot_rate: 1, solved_rate: 1 });
    zendesk.addTicket(TICKET, QUESTION).requester_id = Number(requesterOf(TICKET));
    expect((await t.postZendesk(ticketCreated(TICKET))).status).toBe(202);
    const draft = await draftOf(TICKET);
    expect(draft.decision).toBe('autopilot');
    await t.waitIdle();

    // the autopilot reply is sampled: one note asking for a rating, never public, tagged for a view
    const [autopilotSample] = await until('the autopilot sample', async () => {
      const rows = await samples(TICKET);
      return rows.length === 1 && rows[0]!.delivered_at ? rows : undefined;
    });
    expect(autopilotSample).toMatchObject({ kind: 'autopilot', stratum: 'autopilot', draft_id: draft.id, category: 'shipping', signals: [], why: 'rate', subject: `draft:${draft.id}` });
    let notes = sampleNotes(TICKET);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.html_body).toContain(markerFor(autopilotSample!.id));
    expect(notes[0]!.html_body).toContain(`Please rate draft ${draft.id}`);
    expect(zendesk.tickets.get(TICKET)!.tags).toEqual(expect.arrayContaining(['draftpilot_sample', 'draftpilot_sample_autopilot']));
    let shown = (await (await fetch(`${t.url}/api/drafts/${draft.id}`, { headers: ADMIN })).json()) as { sampled: unknown };
    expect(shown.sampled).toMatchObject({ id: autopilotSample!.id, kind: 'autopilot', stratum: 'autopilot', review_id: null });

    // the sampled review goes through POST /api/reviews and is kept on the sample
    const approval = await review(draft.id, 'approve');
    expect((await samples(TICKET))[0]).toMatchObject({ review_id: approval.id });

    // the ticket is solved: recorded (nothing drafted), sampled as AI-handled and looking fine
    const solve = solved(TICKET, `evt-${TICKET}-solved-1`);
    const answer = await t.postZendesk(solve);
    expect([answer.status, await answer.json()]).toEqual([202, expect.objectContaining({ status: 'recorded', reason: 'solved' })]);
    await t.waitIdle();
    let rows = await samples(TICKET);
    expect(rows.map((r) => [r.kind, r.stratum, r.subject])).toEqual([
      ['autopilot', 'autopilot', `draft:${draft.id}`],
      ['solved', 'ai_good', `solve:evt-${TICKET}-solved-1`],
    ]);
    notes = sampleNotes(TICKET);
    expect(notes).toHaveLength(2);
    expect(notes[1]!.html_body).toContain(markerFor(rows[1]!.id));
    expect(zendesk.tickets.get(TICKET)!.tags).toEqual(expect.arrayContaining(['draftpilot_sample_solved']));
    expect(await db().selectFrom('drafts').select('id').where('thread_id', '=', TICKET).execute()).toHaveLength(1);
    shown = (await (await fetch(`${t.url}/api/drafts/${draft.id}`, { headers: ADMIN })).json()) as { sampled: unknown };
    expect(shown.sampled).toMatchObject({ kind: 'solved', stratum: 'ai_good' });

    // Zendesk redelivers the same event: a duplicate, and nothing is written twice
    const again = await t.postZendesk(solve);
    expect([again.status, await again.json()]).toEqual([200, expect.objectContaining({ status: 'duplicate' })]);
    await t.waitIdle();
    expect(await samples(TICKET)).toHaveLength(2);
    expect(sampleNotes(TICKET)).toHaveLength(2);

    // reviewed, reopened and solved again: the second solve looks bad (reopened)
    await review(draft.id, 'reject', 'wrong_information');
    expect((await t.postZendesk(solved(TICKET, `evt-${TICKET}-solved-2`))).status).toBe(202);
    await t.waitIdle();
    rows = await samples(TICKET);
    expect(rows[2]).toMatchObject({ kind: 'solved', stratum: 'ai_bad', signals: ['reopened'] });
    expect(sampleNotes(TICKET)).toHaveLength(3);
    expect(sampleNotes(TICKET)[2]!.html_body).toContain('reopened after it was solved');
    expect(zendesk.unexpected).toEqual([]);
    // one approval and one reject among the category's sampled autopilot replies: over the reject rate,
    // so the lifecycle returned it to review
    expect(await db().selectFrom('category_modes').select(['category', 'mode', 'changed_by']).where('tenant', '=', ZD_TENANT).execute()).toEqual([{ category: draft.category, mode: 'review', changed_by: 'auto_demote' }]);
  });

  it('Zendesk: with the rates at 0 and no weekly minimum, neither the reply nor the solve is sampled and no note is written', async () => {
    // the category starts from the file's mode again (autopilot), as before the demotion above
    await db().deleteFrom('category_modes').execute();
    const TICKET = '8200';
    await applyTenantSettings(db(), ZD_TENANT, { sampling: { autopilot_rate: 0, solved_rate: 0 }, categories: shopWithoutMinimum() }, { source: 'api', now: new Date() });
    zendesk.addTicket(TICKET, QUESTION).requester_id = Number(requesterOf(TICKET));
    expect((await t.postZendesk(ticketCreated(TICKET))).status).toBe(202);
    expect((await draftOf(TICKET)).decision).toBe('autopilot');
    expect((await t.postZendesk(solved(TICKET, `evt-${TICKET}-solved`))).status).toBe(202);
    await t.waitIdle();
    expect(await samples(TICKET)).toEqual([]);
    expect(sampleNotes(TICKET)).toEqual([]);
    // the autopilot reply is the one thing draftpilot wrote
    expect(zendesk.botComments(TICKET).map((c) => c.public)).toEqual([true]);
  });

  it('Intercom: a closed conversation with a low rating gets one note and the draftpilot_sample tag; a redelivered close writes nothing; a conversation not sampled gets none', async () => {
    const SAMPLED = '215469330300001';
    const NOT_SAMPLED = '215469330300002';
    const CONTACT = { id: '6643a1b2c3d4e5f60123abcd', name: 'Sam Okafor', email: 'sam@example.org' };
    const closed = (id: string, rating?: number) => {
      const n = intercom.notification('conversation.admin.closed', id) as { data: { item: Record<string, unknown> } };
      n.data.item.state = 'closed';
      if (rating !== undefined) n.data.item.conversation_rating = { rating, remark: null, created_at: Math.floor(Date.now() / 1000) };
      return n;
    };
    const notes = (id: string) => intercom.partsBy(id, OUR_ADMIN).filter((p) => p.part_type === 'note' && p.body?.includes('[draftpilot ref s_'));

    await sampling(IC_TENANT, { autopilot_rate: 0, solved_rate: 1 });
    intercom.startConversation(SAMPLED, CONTACT, QUESTION);
    expect((await t.postIntercom(intercom.notification('conversation.user.created', SAMPLED))).status).toBe(202);
    const draft = await draftOf(SAMPLED);
    await t.waitIdle();
    expect(await samples(SAMPLED)).toEqual([]); // autopilot_rate 0: the reply is not sampled

    const close = closed(SAMPLED, 1);
    const answer = await t.postIntercom(close);
    expect([answer.status, await answer.json()]).toEqual([202, expect.objectContaining({ status: 'recorded' })]);
    await t.waitIdle();
    const [sample] = await samples(SAMPLED);
    expect(sample).toMatchObject({ kind: 'solved', stratum: 'ai_bad', signals: ['low_rating'], draft_id: draft.id });
    expect(notes(SAMPLED)).toHaveLength(1);
    expect(notes(SAMPLED)[0]!.body).toContain(markerFor(sample!.id));
    expect(intercom.conversations.get(SAMPLED)!.tags.map((tag) => tag.name)).toContain('draftpilot_sample');
    // a note, never a reply the customer sees: the autopilot reply is the one comment
    expect(intercom.partsBy(SAMPLED, OUR_ADMIN).map((p) => p.part_type)).toEqual(['comment', 'note']);
    // the inbox app's first canvas says the draft waits for its sampled rating
    const canvas = await homeCanvas({ db: db() } as IntercomAppDeps, { tenant: IC_TENANT, conversationId: SAMPLED, teammate: { id: '5017734' }, isAdmin: false });
    expect(JSON.stringify(canvas)).toContain('Sampled for review: a solved conversation (looks bad: low rating)');

    const again = await t.postIntercom(close);
    expect([again.status, await again.json()]).toEqual([200, expect.objectContaining({ status: 'duplicate' })]);
    await t.waitIdle();
    expect(notes(SAMPLED)).toHaveLength(1);

    await applyTenantSettings(db(), IC_TENANT, { sampling: { autopilot_rate: 0, solved_rate: 0 }, categories: shopWithoutMinimum() }, { source: 'api', now: new Date() });
    intercom.startConversation(NOT_SAMPLED, { ...CONTACT, id: '6643a1b2c3d4e5f60123abce' }, QUESTION);
    expect((await t.postIntercom(intercom.notification('conversation.user.created', NOT_SAMPLED))).status).toBe(202);
    expect((await draftOf(NOT_SAMPLED)).decision).toBe('autopilot');
    expect((await t.postIntercom(closed(NOT_SAMPLED, 5))).status).toBe(202);
    await t.waitIdle();
    expect(await samples(NOT_SAMPLED)).toEqual([]);
    expect(intercom.partsBy(NOT_SAMPLED, OUR_ADMIN).map((p) => p.part_type)).toEqual(['comment']);
  });
});

/** The shop's categories with no weekly minimum: only the rates sample. */
function shopWithoutMinimum(): string {
  return `${readFileSync(SHOP_CATEGORIES, 'utf8').replace(/^sampling:[\s\S]*$/m, '')}\nsampling:\n  autopilot_rate: 0\n  solved_rate: 0\n  min_per_week: 0\n`;
}
