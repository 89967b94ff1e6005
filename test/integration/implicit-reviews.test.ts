import { SHIPPING_ARTICLE } from '../helpers/fixtures';
import type { DraftDetail } from '../../src/drafting/draft-view';
import { IntercomStandIn } from '../helpers/intercom-stand-in';
import { startTestService, TestService, TEST_INTERCOM_ADMIN_ID } from '../helpers/test-service';
import { until } from '../helpers/until';
import { ZendeskStandIn } from '../helpers/zendesk-stand-in';

/**
 * Implicit reviews on live webhook traffic, through the running service against local helpdesk
 * stand-ins: a customer's question drafted for review, then the agent's public reply arrives by
 * webhook and is compared with the draft: sent as drafted (approve), changed (edit), or something
 * else (replaced). A note, or the same reply reported twice, records nothing more.
 */

const ZD_TOKEN = 'zd-implicit-token';
const IC_TOKEN = 'ic-implicit-token';
const WORKSPACE = 'x7k2pq9a';
const OUR_ADMIN = TEST_INTERCOM_ADMIN_ID;
const ADMIN = { authorization: 'Bearer test-admin-token-0123456789' };
const QUESTION = 'How long does standard delivery take?';
const SHIPPING = SHIPPING_ARTICLE;
const PRIYA = { id: 9160445566, name: 'Priya' };

let t: TestService;
let zendesk: ZendeskStandIn;
let intercom: IntercomStandIn;

const detail = async (id: string) => (await (await fetch(`${t.url}/api/drafts/${id}`, { headers: ADMIN })).json()) as DraftDetail;
const draftOf = (threadId: string) =>
  until(`the delivered draft of ${threadId}`, async () => {
    const row = await t.service.store.db.selectFrom('drafts').select(['id', 'delivered_at']).where('thread_id', '=', threadId).executeTakeFirst();
    return row?.delivered_at ? detail(row.id) : undefined;
  });

beforeAll(async () => {
  zendesk = new ZendeskStandIn({ botUserId: 9000000001, token: ZD_TOKEN, articles: [{ id: 360001, title: SHIPPING.title, html_url: SHIPPING.url, body: SHIPPING.body }] });
  intercom = new IntercomStandIn({ token: IC_TOKEN, workspace: WORKSPACE, adminId: OUR_ADMIN, articles: [{ id: '9001', ...SHIPPING }] });
  await zendesk.start();
  await intercom.start();
  // the shipped categories: every draft waits for an agent
  t = await startTestService({ env: { ZENDESK_ACCESS_TOKEN: ZD_TOKEN, ZENDESK_BASE_URL: zendesk.baseUrl, INTERCOM_ACCESS_TOKEN: IC_TOKEN, INTERCOM_BASE_URL: intercom.baseUrl } });
  for (const tenant of ['zendesk:acme', `intercom:${WORKSPACE}`]) await until(`the ${tenant} articles`, async () => ((await t.service.knowledge!.forTenant(tenant)).size > 0 ? true : undefined));
});

afterAll(async () => {
  await t?.close();
  await zendesk?.stop();
  await intercom?.stop();
});

describe('Zendesk: an agent\'s public reply reviews the draft', () => {
  /** Zendesk's ticket.comment_added event about a comment in the stand-in. */
  const commentAdded = (ticketId: string, eventId: string, comment: { id: number; body: string; public: boolean; created_at: string }, author: { id: string; is_staff: boolean; name: string }) => ({
    account_id: 10481234,
    id: eventId,
    time: comment.created_at,
    zendesk_event_version: '2022-11-06',
    subject: `zen:ticket:${ticketId}`,
    type: 'zen:event-type:ticket.comment_added',
    detail: { id: ticketId, requester_id: String(ZendeskStandIn.REQUESTER_ID), status: 'OPEN', subject: 'Delivery time', tags: [], is_public: true },
    event: { comment: { id: String(comment.id), body: comment.body, html_body: `<p>${comment.body}</p>`, is_public: comment.public, author } },
  });

  async function draftedTicket(ticketId: string): Promise<DraftDetail> {
    const ticket = zendesk.addTicket(ticketId, QUESTION);
    const first = ticket.comments[0]!;
    expect((await t.postZendesk(commentAdded(ticketId, `evt-${ticketId}-q`, first, { id: String(ZendeskStandIn.REQUESTER_ID), is_staff: false, name: 'Dana' }))).status).toBe(202);
    const d = await draftOf(ticketId);
    expect(d).toMatchObject({ decision: 'review', status: 'delivered' });
    expect(d.draft).toContain('2 to 4 working days');
    return d;
  }

  async function agentReplies(ticketId: string, text: string, isPublic = true, eventId = `evt-${ticketId}-${Date.now()}`) {
    const comment = zendesk.addComment(ticketId, PRIYA.id, text, isPublic);
    expect((await t.postZendesk(commentAdded(ticketId, eventId, comment, { id: String(PRIYA.id), is_staff: true, name: PRIYA.name }))).status).toBe(202);
    await t.waitIdle();
    return comment;
  }

  it('the draft sent as it was (line breaks aside) is an approve by that agent, recorded once', async () => {
    const d = await draftedTicket('8401');
    // an internal note reviews nothing
    await agentReplies('8401', 'Checking with the carrier first.', false);
    expect((await detail(d.id)).reviews).toEqual([]);
    const sent = d.draft!.replace(/\n+/g, ' \n ');
    const comment = await agentReplies('8401', sent);
    const [review, ...more] = (await detail(d.id)).reviews;
    expect(more).toEqual([]);
    expect(review).toMatchObject({ action: 'approve', source: 'implicit', agent: { id: String(PRIYA.id), name: 'Priya' }, edit_distance: 0, sent_text: sent, draft_version: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(review!.seconds_to_review).toBeGreaterThanOrEqual(0);
    // the same reply reported again (a trigger delivery of the same comment): still one review
    const again = { draftpilot_trigger: 1, event: 'comment.added', ticket_id: '8401', comment_id: String(comment.id), comment_author_id: String(PRIYA.id), comment_public: 'true', text: sent, requester_id: String(ZendeskStandIn.REQUESTER_ID) };
    expect((await t.postZendesk(again, { headers: { 'x-zendesk-webhook-invocation-id': '990401' } })).status).toBe(202);
    await t.waitIdle();
    expect((await detail(d.id)).reviews).toHaveLength(1);
  });

  it('a reply about something else is recorded as replaced, with its distance', async () => {
    const d = await draftedTicket('8402');
    const sent = 'Hi Dana, I have asked our warehouse to call you tomorrow morning about this.';
    await agentReplies('8402', sent);
    const [review] = (await detail(d.id)).reviews;
    expect(review).toMatchObject({ action: 'replaced', source: 'implicit', sent_text: sent, agent: { id: String(PRIYA.id) } });
    expect(review!.edit_distance).toBeGreaterThan(20);
  });
});

describe('Intercom: a teammate\'s reply reviews the draft', () => {
  it('the draft with a sentence added is an edit with its distance; a second reply adds nothing', async () => {
    const CONVERSATION = '215469330300001';
    intercom.startConversation(CONVERSATION, { id: '6643a1b2c3d4e5f60123abcd', name: 'Sam Okafor', email: 'sam@example.org' }, QUESTION);
    expect((await t.postIntercom(intercom.notification('conversation.user.created', CONVERSATION))).status).toBe(202);
    const d = await draftOf(CONVERSATION);
    expect(d).toMatchObject({ decision: 'review', status: 'delivered' });
    expect(intercom.partsBy(CONVERSATION, OUR_ADMIN).map((p) => p.part_type)).toEqual(['note']);

    const added = ' If you need it sooner, choose express at checkout.';
    const teammate = { type: 'admin', id: '5017734', name: 'Priya (Support)', email: 'priya@example.com' };
    const reply = intercom.addPart(CONVERSATION, teammate, 'comment', `${d.draft!}${added}`);
    expect((await t.postIntercom(intercom.notification('conversation.admin.replied', CONVERSATION, [reply.id]))).status).toBe(202);
    await t.waitIdle();
    const [review, ...more] = (await detail(d.id)).reviews;
    expect(more).toEqual([]);
    expect(review).toMatchObject({ action: 'edit', source: 'implicit', agent: { id: '5017734', name: 'Priya (Support)' }, tenant: `intercom:${WORKSPACE}`, provider: 'intercom' });
    expect(review!.sent_text).toContain('choose express at checkout');
    expect(review!.edit_distance).toBe(added.length);

    const second = intercom.addPart(CONVERSATION, teammate, 'comment', 'Anything else I can help with?');
    expect((await t.postIntercom(intercom.notification('conversation.admin.replied', CONVERSATION, [second.id]))).status).toBe(202);
    await t.waitIdle();
    expect((await detail(d.id)).reviews).toHaveLength(1);
    expect(intercom.unexpected).toEqual([]);
  });
});
