import { applyTenantSettings } from '../../src/settings/settings-store';
import { loadThread } from '../../src/threads/thread-store';
import { SHOP_CATEGORIES } from '../helpers/drafting';
import { IntercomStandIn } from '../helpers/intercom-stand-in';
import { startTestService, TestService } from '../helpers/test-service';
import { ZendeskStandIn } from '../helpers/zendesk-stand-in';

/**
 * The whole thread on live webhook traffic, through the running service against local helpdesk
 * stand-ins: a customer's question answered on autopilot, draftpilot's own reply stored in the thread
 * (and its webhook echo merged with it), a teammate's internal note stored without a draft, then the
 * customer's "that did not help" escalated with repeat_after_ai and the earlier answer in the brief.
 */

const BOT_USER_ID = 9000000001; // the test service's ZENDESK_BOT_USER_ID
const OUR_ADMIN = '9000002'; // the test service's INTERCOM_ADMIN_ID
const ZD_TOKEN = 'zd-whole-thread-token';
const IC_TOKEN = 'ic-whole-thread-token';
const WORKSPACE = 'x7k2pq9a';
const QUESTION = 'How long does standard delivery take?';
const FOLLOW_UP = 'That did not help, I followed it and nothing changed';
const SHIPPING = {
  title: 'Shipping times and tracking',
  url: 'https://help.demo-shop.example/articles/shipping',
  body: '<p>Orders placed before 2 pm on a working day leave our warehouse the same day. Standard delivery takes 2 to 4 working days; express delivery takes 1 working day.</p><p>You get a tracking link by email as soon as the carrier collects the parcel. A tracking status of "label created" means the carrier has not collected the parcel yet; it usually changes within one working day.</p>',
};

let t: TestService;
let zendesk: ZendeskStandIn;
let intercom: IntercomStandIn;

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const drafts = (threadId: string) => t.service.store.db.selectFrom('drafts').selectAll().where('thread_id', '=', threadId).orderBy('created_at').execute();
const deliveredDraft = (threadId: string, messageId: string) =>
  until(`the delivered draft of ${messageId}`, async () => (await drafts(threadId)).find((d) => d.message_id === messageId && d.delivered_at));
const storedThread = async (tenant: string, provider: 'zendesk' | 'intercom', threadId: string) => (await loadThread(t.service.store.db, { tenant, provider, threadId }))!.thread;

beforeAll(async () => {
  zendesk = new ZendeskStandIn({ botUserId: BOT_USER_ID, token: ZD_TOKEN, articles: [{ id: 360001, title: SHIPPING.title, html_url: SHIPPING.url, body: SHIPPING.body }] });
  intercom = new IntercomStandIn({ token: IC_TOKEN, workspace: WORKSPACE, adminId: OUR_ADMIN, articles: [{ id: '9001', ...SHIPPING }] });
  await zendesk.start();
  await intercom.start();
  t = await startTestService({
    env: {
      CATEGORIES_FILE: SHOP_CATEGORIES,
      ZENDESK_ACCESS_TOKEN: ZD_TOKEN,
      ZENDESK_BASE_URL: zendesk.baseUrl,
      INTERCOM_ACCESS_TOKEN: IC_TOKEN,
      INTERCOM_BASE_URL: intercom.baseUrl,
    },
  });
  // Both help centers synced: a live account drafts from its own articles only. No sampling: the
  // thread here is about replies and notes, not the review requests a sampled autopilot reply gets.
  for (const tenant of ['zendesk:acme', `intercom:${WORKSPACE}`]) {
    await until(`the ${tenant} articles`, async () => (await t.service.knowledge!.forTenant(tenant)).size > 0);
    expect(await applyTenantSettings(t.service.store.db, tenant, { sampling: { autopilot_rate: 0, solved_rate: 0 } }, { source: 'api', now: new Date() })).toMatchObject({ ok: true });
  }
});

afterAll(async () => {
  await t?.close();
  await zendesk?.stop();
  await intercom?.stop();
});

describe('Zendesk: the whole thread from event webhooks', () => {
  const TICKET = '7100';
  const REQUESTER = String(ZendeskStandIn.REQUESTER_ID);
  /** Zendesk event times carry nanoseconds: the comment's time (whole seconds) and a little more. */
  const eventTime = (createdAt: string) => createdAt.replace(/Z$/, '.000123456Z');
  const detail = { actor_id: REQUESTER, assignee_id: null, brand_id: '360001234567', created_at: '2026-11-27T10:00:02Z', description: QUESTION, group_id: null, id: TICKET, is_public: true, requester_id: REQUESTER, status: 'OPEN', subject: 'Delivery time', submitter_id: REQUESTER, tags: ['web_form'], updated_at: '2026-11-27T10:00:02Z', via: { channel: 'web_form' } };
  const envelope = (id: string, time: string) => ({ account_id: 10481234, id, time, zendesk_event_version: '2022-11-06', subject: `zen:ticket:${TICKET}`, detail });
  const commentAdded = (id: string, time: string, comment: { id: number; body: string; is_public: boolean; author: { id: string; is_staff: boolean; name: string } }) => ({
    ...envelope(id, time),
    type: 'zen:event-type:ticket.comment_added',
    event: { comment: { ...comment, id: String(comment.id) } },
  });

  it('answers on autopilot, keeps its own reply and a teammate\'s note in the thread, and escalates the repeat with the earlier answer', async () => {
    const opened = zendesk.addTicket(TICKET, QUESTION);
    // 1. the customer opens the ticket (Zendesk's ticket.created: the requester submitted it, public)
    const created = await t.postZendesk({ ...envelope('evt-7100-created', eventTime(opened.comments[0]!.created_at)), type: 'zen:event-type:ticket.created', event: {} });
    expect(created.status).toBe(202);
    expect(await created.json()).toMatchObject({ status: 'accepted' });
    const first = await deliveredDraft(TICKET, `${TICKET}-description`);
    expect(first).toMatchObject({ decision: 'autopilot', category: 'shipping', reasons: [] });
    const [reply] = zendesk.botComments(TICKET);
    expect(reply).toMatchObject({ public: true, body: expect.stringContaining('Standard delivery takes 2 to 4 working days') });
    // draftpilot's reply is in the stored thread, under the comment id Zendesk gave it
    let thread = await storedThread('zendesk:acme', 'zendesk', TICKET);
    expect(thread.messages.map((m) => [m.id, m.author, m.public])).toEqual([
      [`${TICKET}-description`, 'customer', true],
      [String(reply!.id), 'ai', true],
    ]);

    // 2. Zendesk's webhook about that reply: recorded as draftpilot's own, merged with it by id
    const echo = await t.postZendesk(commentAdded('evt-7100-echo', eventTime(reply!.created_at), { id: reply!.id, body: reply!.body, is_public: true, author: { id: String(BOT_USER_ID), is_staff: true, name: 'draftpilot' } }));
    expect(await echo.json()).toMatchObject({ status: 'recorded', reason: 'self_authored' });

    // 3. a teammate's internal note: stored in the thread, no draft
    const note = zendesk.addComment(TICKET, 9160445566, 'Carrier confirms the parcel left the depot.', false);
    const noted = await t.postZendesk(commentAdded('evt-7100-note', eventTime(note.created_at), { id: note.id, body: note.body, is_public: false, author: { id: '9160445566', is_staff: true, name: 'Priya' } }));
    expect(noted.status).toBe(202);
    expect(await noted.json()).toMatchObject({ status: 'recorded', reason: 'internal_note' });
    await t.waitIdle();
    thread = await storedThread('zendesk:acme', 'zendesk', TICKET);
    expect(thread.messages.map((m) => [m.id, m.author, m.public])).toEqual([
      [`${TICKET}-description`, 'customer', true],
      [String(reply!.id), 'ai', true],
      [String(note.id), 'agent', false],
    ]);
    expect(await drafts(TICKET)).toHaveLength(1);

    // 4. the customer comes back: escalated with repeat_after_ai, the brief lists the answer given
    const followUp = zendesk.addComment(TICKET, ZendeskStandIn.REQUESTER_ID, FOLLOW_UP, true);
    const replied = await t.postZendesk(commentAdded('evt-7100-follow-up', eventTime(followUp.created_at), { id: followUp.id, body: FOLLOW_UP, is_public: true, author: { id: REQUESTER, is_staff: false, name: 'Dana' } }));
    expect(await replied.json()).toMatchObject({ status: 'accepted' });
    const second = await deliveredDraft(TICKET, String(followUp.id));
    expect(second.decision).toBe('escalate');
    expect(second.reasons).toContain('repeat_after_ai');
    expect((second.brief as { previous_answers: unknown }).previous_answers).toEqual([{ author: 'ai', text: expect.stringContaining('Standard delivery takes 2 to 4 working days') }]);
    // the handoff is an internal note naming the reason and the earlier answer
    const handoff = zendesk.botComments(TICKET)[1]!;
    expect(handoff).toMatchObject({ public: false });
    expect(handoff.html_body).toContain('repeat_after_ai');
    expect(handoff.html_body).toContain('Answered before');
    thread = await storedThread('zendesk:acme', 'zendesk', TICKET);
    expect(thread.messages.map((m) => [m.author, m.public])).toEqual([
      ['customer', true],
      ['ai', true],
      ['agent', false],
      ['customer', true],
      ['ai', false],
    ]);
    expect(zendesk.unexpected).toEqual([]);
  });
});

describe('Intercom: the whole thread from webhooks', () => {
  const CONVERSATION = '215469330200001';
  const CONTACT = { id: '6643a1b2c3d4e5f60123abcd', name: 'Sam Okafor', email: 'sam@example.org' };

  it('answers on autopilot, keeps its own reply and a teammate\'s note in the thread, and escalates the repeat with the earlier answer', async () => {
    intercom.startConversation(CONVERSATION, CONTACT, QUESTION);
    // 1. the customer starts the conversation
    const created = await t.postIntercom(intercom.notification('conversation.user.created', CONVERSATION));
    expect(await created.json()).toMatchObject({ status: 'accepted' });
    const sourceId = `source-${intercom.conversations.get(CONVERSATION)!.sourceId}`;
    const first = await deliveredDraft(CONVERSATION, sourceId);
    expect(first).toMatchObject({ decision: 'autopilot', category: 'shipping', reasons: [] });
    const [reply] = intercom.partsBy(CONVERSATION, OUR_ADMIN).filter((p) => p.part_type === 'comment');
    expect(reply!.body).toContain('Standard delivery takes 2 to 4 working days');
    let thread = await storedThread(`intercom:${WORKSPACE}`, 'intercom', CONVERSATION);
    expect(thread.messages.map((m) => [m.id, m.author, m.public])).toEqual([
      [sourceId, 'customer', true],
      [reply!.id, 'ai', true],
    ]);

    // 2. Intercom's webhook about that reply: recorded as draftpilot's own (the admin id), merged by id
    const echo = await t.postIntercom(intercom.notification('conversation.admin.replied', CONVERSATION, [reply!.id]));
    expect(await echo.json()).toMatchObject({ status: 'recorded', reason: 'self_authored' });

    // 3. a teammate's note: stored in the thread, no draft
    const note = intercom.addPart(CONVERSATION, { type: 'admin', id: '5017734', name: 'Priya (Support)', email: 'priya@example.com' }, 'note', 'Carrier confirms the parcel left the depot.');
    const noted = await t.postIntercom(intercom.notification('conversation.admin.noted', CONVERSATION, [note.id]));
    expect(noted.status).toBe(202);
    expect(await noted.json()).toMatchObject({ status: 'recorded', reason: 'admin_activity' });
    await t.waitIdle();
    thread = await storedThread(`intercom:${WORKSPACE}`, 'intercom', CONVERSATION);
    expect(thread.messages.map((m) => [m.id, m.author, m.public])).toEqual([
      [sourceId, 'customer', true],
      [reply!.id, 'ai', true],
      [note.id, 'agent', false],
    ]);
    expect(await drafts(CONVERSATION)).toHaveLength(1);

    // 4. the customer comes back (a 2.15 webhook: the part's body is plain text)
    const followUp = intercom.addPart(CONVERSATION, { type: 'user', ...CONTACT }, 'comment', FOLLOW_UP);
    const replied = await t.postIntercom(intercom.notification('conversation.user.replied', CONVERSATION, [followUp.id], 'text'));
    expect(await replied.json()).toMatchObject({ status: 'accepted' });
    const second = await deliveredDraft(CONVERSATION, followUp.id);
    expect(second.decision).toBe('escalate');
    expect(second.reasons).toContain('repeat_after_ai');
    expect((second.brief as { previous_answers: unknown }).previous_answers).toEqual([{ author: 'ai', text: expect.stringContaining('Standard delivery takes 2 to 4 working days') }]);
    const handoff = intercom.partsBy(CONVERSATION, OUR_ADMIN).filter((p) => p.part_type === 'note');
    expect(handoff).toHaveLength(1);
    expect(handoff[0]!.body).toContain('repeat_after_ai');
    thread = await storedThread(`intercom:${WORKSPACE}`, 'intercom', CONVERSATION);
    expect(thread.messages.map((m) => [m.author, m.public, m.text === FOLLOW_UP || undefined])).toEqual([
      ['customer', true, undefined],
      ['ai', true, undefined],
      ['agent', false, undefined],
      ['customer', true, true],
      ['ai', false, undefined],
    ]);
    expect(intercom.unexpected).toEqual([]);
  });

  it('a 1.x conversation.user.created yields the customer\'s message and a draft', async () => {
    const id = '1911149999';
    intercom.startConversation(id, CONTACT, 'Do you ship to Norway?');
    const legacy = intercom.notification('conversation.user.created', id) as { data: { item: Record<string, unknown> } };
    // the 1.x model: conversation_message, user and customers instead of source and contacts
    const { source, contacts: _contacts, ...rest } = legacy.data.item as { source: Record<string, unknown>; contacts: unknown };
    legacy.data.item = { ...rest, conversation_message: source, user: { type: 'user', id: CONTACT.id }, customers: [{ type: 'user', id: CONTACT.id }] };
    expect(await (await t.postIntercom(legacy)).json()).toMatchObject({ status: 'accepted' });
    const draft = await deliveredDraft(id, `source-${intercom.conversations.get(id)!.sourceId}`);
    expect(draft).toMatchObject({ requester_id: CONTACT.id });
    const thread = await storedThread(`intercom:${WORKSPACE}`, 'intercom', id);
    expect(thread.messages[0]).toMatchObject({ author: 'customer', public: true, text: 'Do you ship to Norway?' });
  });
});
