import nock from 'nock';
import { deliveryRequest, testBrief } from '../helpers/delivery-request';
import { accountsOf } from '../helpers/accounts';
import type { Brief } from '../../src/brief/brief';
import { renderBriefIntercom } from '../../src/brief/render-brief';
import type { DeliveryRequest } from '../../src/delivery/delivery-port';
import { INTERCOM_REGIONS, IntercomWriter, IntercomWriterOptions, intercomWriterFor } from '../../src/delivery/intercom/intercom-writer';
import {
  allTagNames,
  assertDraftBodiesAreNotes,
  assignmentBody,
  commentBody,
  planDelivery,
  PublicReplyRefused,
  tagNames,
  Write,
} from '../../src/delivery/intercom/request-bodies';
import { routeDelivery } from '../../src/delivery/route-delivery';
import { HelpdeskError } from '../../src/helpdesk/helpdesk-error';
import { intercomAccess } from '../../src/helpdesk/access';
import type { Decision } from '../../src/policy/decide';
import { Reason, REASONS } from '../../src/policy/reasons';
import { markerFor } from '../../src/domain/marker';
import { useStrictNock } from '../helpers/strict-nock';

/**
 * The Intercom writer: every provider call goes through nock (network beyond loopback is off in
 * test/helpers/setup-each.ts), so an unexpected call fails the test, and every body sent is captured.
 */

const TOKEN = 'ic-token-0123456789';
const ADMIN = '9000002';
const TEAM = '5017691';
const CONV = '215469330102875';
const TENANT = 'intercom:x7k2pq9a';
const NOW = Date.parse('2026-11-27T10:00:00Z');
const clock = () => NOW;
const US = INTERCOM_REGIONS.us;

const access = intercomAccess(accountsOf({ INTERCOM_ACCESS_TOKEN: TOKEN }).intercom)!;
/** Ids as setup would have created them; tests that exercise creation pass none. */
const TAG_IDS: Record<string, string> = Object.fromEntries(allTagNames(REASONS).map((name, i) => [name, String(7100 + i)]));
const tagId = (name: string) => TAG_IDS[name] as string;

const DRAFT = 'Your parcel left our warehouse yesterday.\nTracking: https://track.example/77120\n\nIt usually arrives within 2 days.';

const brief = (reasons: Reason[] = []): Brief =>
  testBrief({
    question: 'Where is my parcel?',
    sources: [{ title: 'Tracking your order', url: 'https://help.demo-shop.example/articles/tracking' }],
    recommended_next_step: 'Share the tracking link.',
    escalation_reasons: reasons,
  });

function request(decision: Decision, reasons: Reason[] = [], overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
  return deliveryRequest({ tenant: TENANT, provider: 'intercom', threadId: CONV, draftId: 'd-1', draft: DRAFT, brief: brief(reasons) }, decision, reasons, { messageId: 'm-1', ...overrides });
}

const customerPart = { type: 'conversation_part', id: 'p1', part_type: 'comment', body: 'Where is my parcel? Order 77120.', created_at: 1795770010, author: { type: 'user', id: '6643a1b2c3d4e5f601234567', name: 'Sam Okafor' } };
const ourNote = (draftId: string) => ({
  type: 'conversation_part',
  id: 'p-ours',
  part_type: 'note',
  // display_as=plaintext: the HTML note comes back as text, the marker intact
  body: `draftpilot draft for review\nAsks: Where is my parcel?\n${markerFor(draftId)}`,
  created_at: 1795770020,
  author: { type: 'admin', id: ADMIN, name: 'draftpilot' },
});

function conversation(options: { parts?: object[]; tags?: string[]; team?: string | null } = {}) {
  return {
    type: 'conversation',
    id: CONV,
    created_at: 1795770000,
    state: 'open',
    admin_assignee_id: null,
    team_assignee_id: options.team ?? null,
    tags: { type: 'tag.list', tags: (options.tags ?? []).map((name) => ({ type: 'tag', id: TAG_IDS[name] ?? '9100', name })) },
    source: { type: 'conversation', id: '2201848891', body: 'Where is my parcel?', author: { type: 'user', id: '6643a1b2c3d4e5f601234567' } },
    conversation_parts: { type: 'conversation_part.list', total_count: 1, conversation_parts: [customerPart, ...(options.parts ?? [])] },
  };
}

/** Every Intercom request the writer makes, in order. */
let sent: { method: string; path: string; body?: unknown }[] = [];
const api = (base: string = US) => nock(base).matchHeader('authorization', `Bearer ${TOKEN}`).matchHeader('intercom-version', '2.14');

function expectRead(conv: object, base: string = US): nock.Scope {
  return api(base)
    .get(`/conversations/${CONV}`)
    .query({ display_as: 'plaintext' })
    .reply(200, () => {
      sent.push({ method: 'GET', path: `/conversations/${CONV}` });
      return conv;
    });
}

function expectWrite(path: string, base: string = US): nock.Interceptor {
  return api(base)
    .matchHeader('content-type', 'application/json')
    .post(path, (body: unknown) => {
      sent.push({ method: 'POST', path, body });
      return true;
    });
}

const writes = () => sent.filter((s) => s.method === 'POST');
const writer = (overrides: Partial<IntercomWriterOptions> = {}) =>
  new IntercomWriter({ access, adminId: ADMIN, escalationTeamId: TEAM, shadow: false, clock, tagIds: TAG_IDS, ...overrides });

useStrictNock();
beforeEach(() => {
  sent = [];
});

describe('Intercom request bodies', () => {
  it('review: one internal note holding the brief, the draft marked unsent and the marker', () => {
    const plan = planDelivery(request('review'), { adminId: ADMIN, escalationTeamId: TEAM });
    expect(plan).toEqual({
      reply: { message_type: 'note', type: 'admin', admin_id: ADMIN, body: renderBriefIntercom(brief(), DRAFT, 'review', 'd-1') },
      tags: ['draftpilot_review'],
    });
    expect(plan.reply.body).toContain('Draft reply (not sent)');
    expect(plan.reply.body).toContain(markerFor('d-1'));
  });

  it('escalate: the handoff brief as a note, a suggested reply only where a draft exists, reason tags and the team', () => {
    const withDraft = planDelivery(request('escalate', ['human_requested', 'negative_sentiment']), { adminId: ADMIN, escalationTeamId: TEAM });
    expect(withDraft.reply).toEqual({ message_type: 'note', type: 'admin', admin_id: ADMIN, body: renderBriefIntercom(brief(['human_requested', 'negative_sentiment']), DRAFT, 'escalate', 'd-1') });
    expect(withDraft.reply.body).toContain('Suggested reply (not sent)');
    expect(withDraft.tags).toEqual(['draftpilot_escalated', 'draftpilot_reason_human_requested', 'draftpilot_reason_negative_sentiment']);
    expect(withDraft.assignTeamId).toBe(TEAM);

    const noDraft = planDelivery(request('escalate', ['guardrail'], { draft: null }), { adminId: ADMIN });
    expect(noDraft.reply.message_type).toBe('note');
    expect(noDraft.reply.body).not.toContain('Suggested reply');
    expect(noDraft.assignTeamId).toBeUndefined();
    expect(assignmentBody(ADMIN, TEAM)).toEqual({ message_type: 'assignment', type: 'admin', admin_id: ADMIN, assignee_id: TEAM });
  });

  it('autopilot: the draft as a public admin comment, paragraphs kept, HTML escaped', () => {
    const plan = planDelivery(request('autopilot', [], { draft: 'Use <Orders> & Returns.\nThen pick the item.\n\nThanks!' }), { adminId: ADMIN });
    expect(plan).toEqual({
      reply: { message_type: 'comment', type: 'admin', admin_id: ADMIN, body: '<p>Use &lt;Orders&gt; &amp; Returns.<br>Then pick the item.</p><p>Thanks!</p>' },
      tags: ['draftpilot_autopilot'],
    });
  });

  it('every decision × reason combination: only a clean autopilot produces a public comment', () => {
    const reasonSets: Reason[][] = [[], ...REASONS.map((r) => [r]), [...REASONS]];
    const decisions: Decision[] = ['review', 'escalate', 'autopilot'];
    let comments = 0;
    let combinations = 0;
    for (const decision of decisions) {
      for (const reasons of reasonSets) {
        for (const draft of [DRAFT, null]) {
          combinations++;
          const req = request(decision, reasons, { draft });
          const clean = decision === 'autopilot' && reasons.length === 0 && draft !== null;
          if (decision === 'autopilot' && !clean) {
            expect(() => planDelivery(req, { adminId: ADMIN, escalationTeamId: TEAM })).toThrow(PublicReplyRefused);
          } else {
            const plan = planDelivery(req, { adminId: ADMIN, escalationTeamId: TEAM });
            expect(plan.reply.message_type).toBe(clean ? 'comment' : 'note');
            if (plan.reply.message_type === 'comment') comments++;
          }
          if (decision !== 'autopilot') expect(() => commentBody(req, ADMIN)).toThrow(PublicReplyRefused);
          // the brief disagreeing with the request is caught too
          if (clean) expect(() => commentBody({ ...req, brief: brief(['low_confidence']) }, ADMIN)).toThrow(PublicReplyRefused);
        }
      }
    }
    expect(combinations).toBe(3 * 10 * 2);
    expect(comments).toBe(1);
  });

  it('assertDraftBodiesAreNotes refuses a comment off autopilot, a missing message_type and an assignment with a body', () => {
    const reply = `/conversations/${CONV}/reply`;
    const comment: Write = { method: 'POST', path: reply, body: { message_type: 'comment', type: 'admin', admin_id: ADMIN, body: 'hi' } };
    expect(() => assertDraftBodiesAreNotes('review', [comment])).toThrow(PublicReplyRefused);
    expect(() => assertDraftBodiesAreNotes('escalate', [comment])).toThrow(PublicReplyRefused);
    expect(() => assertDraftBodiesAreNotes('autopilot', [comment])).not.toThrow();
    expect(() => assertDraftBodiesAreNotes('review', [{ method: 'POST', path: reply, body: { type: 'admin', admin_id: ADMIN, body: 'hi' } }])).toThrow(/message_type undefined/);
    expect(() => assertDraftBodiesAreNotes('escalate', [{ method: 'POST', path: `/conversations/${CONV}/parts`, body: { ...assignmentBody(ADMIN, TEAM), body: 'Passing you on' } }])).toThrow(PublicReplyRefused);
    expect(() => assertDraftBodiesAreNotes('escalate', [{ method: 'POST', path: `/conversations/${CONV}/parts`, body: { message_type: 'close', type: 'admin', admin_id: ADMIN } }])).toThrow(PublicReplyRefused);
    expect(tagNames('review', [])).toEqual(['draftpilot_review']);
  });
});

describe('IntercomWriter: what each decision writes', () => {
  it('review: one read, one note, one tag (3 API calls), exact bodies', async () => {
    expectRead(conversation());
    expectWrite(`/conversations/${CONV}/reply`).reply(200, { type: 'conversation', id: CONV });
    expectWrite(`/conversations/${CONV}/tags`).reply(200, { type: 'tag', id: tagId('draftpilot_review'), name: 'draftpilot_review' });

    const outcome = await writer().deliver(request('review'));

    const note = { message_type: 'note', type: 'admin', admin_id: ADMIN, body: renderBriefIntercom(brief(), DRAFT, 'review', 'd-1') };
    expect(sent).toEqual([
      { method: 'GET', path: `/conversations/${CONV}` },
      { method: 'POST', path: `/conversations/${CONV}/reply`, body: note },
      { method: 'POST', path: `/conversations/${CONV}/tags`, body: { id: tagId('draftpilot_review'), admin_id: ADMIN } },
    ]);
    expect(outcome).toMatchObject({ written: true, shadow: false, apiCalls: 3 });
    expect(outcome.writes).toEqual(writes().map(({ method, path, body }) => ({ method, path, body })));
    expect(writes().filter((w) => w.path.endsWith('/reply')).map((w) => (w.body as { message_type: string }).message_type)).toEqual(['note']);
  });

  it('escalate (budget 5): the brief as a note, assignment to the escalation team, the escalated tag and one per reason', async () => {
    const reasons: Reason[] = ['account_access', 'human_requested'];
    expectRead(conversation());
    expectWrite(`/conversations/${CONV}/reply`).reply(200, { type: 'conversation', id: CONV });
    expectWrite(`/conversations/${CONV}/parts`).reply(200, { type: 'conversation', id: CONV, team_assignee_id: TEAM });
    expectWrite(`/conversations/${CONV}/tags`).times(3).reply(200, { type: 'tag', id: '1', name: 'x' });

    const outcome = await writer({ maxCallsPerMessage: 5 }).deliver(request('escalate', reasons));

    expect(writes()).toEqual([
      { method: 'POST', path: `/conversations/${CONV}/reply`, body: { message_type: 'note', type: 'admin', admin_id: ADMIN, body: renderBriefIntercom(brief(reasons), DRAFT, 'escalate', 'd-1') } },
      { method: 'POST', path: `/conversations/${CONV}/parts`, body: { message_type: 'assignment', type: 'admin', admin_id: ADMIN, assignee_id: TEAM } },
      { method: 'POST', path: `/conversations/${CONV}/tags`, body: { id: tagId('draftpilot_escalated'), admin_id: ADMIN } },
      { method: 'POST', path: `/conversations/${CONV}/tags`, body: { id: tagId('draftpilot_reason_account_access'), admin_id: ADMIN } },
      { method: 'POST', path: `/conversations/${CONV}/tags`, body: { id: tagId('draftpilot_reason_human_requested'), admin_id: ADMIN } },
    ]);
    expect((writes()[0]?.body as { body: string }).body).toContain('Suggested reply (not sent)');
    // no firstAttempt: the read comes first, one call beyond the budget of 5 writes
    expect(outcome).toMatchObject({ written: true, apiCalls: 6 });
    expect(outcome.detail).toContain(`assigned to team ${TEAM}`);
    expect(outcome.detail).not.toContain('not tagged');
  });

  it('escalate without a configured team: noted and tagged, not routed', async () => {
    expectRead(conversation());
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`).times(2).reply(200, {});
    const outcome = await writer({ escalationTeamId: undefined }).deliver(request('escalate', ['missing_source'], { draft: null }));
    expect(writes().map((w) => w.path.split('/').pop())).toEqual(['reply', 'tags', 'tags']);
    expect((writes()[0]?.body as { message_type: string }).message_type).toBe('note');
    expect(outcome).toMatchObject({ apiCalls: 4 });
    expect(outcome.detail).toContain('no escalation team configured');
  });

  it('autopilot: one public reply and the autopilot tag (3 API calls)', async () => {
    expectRead(conversation());
    expectWrite(`/conversations/${CONV}/reply`).reply(200, { type: 'conversation', id: CONV });
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});

    const outcome = await writer().deliver(request('autopilot'));

    expect(writes()).toEqual([
      {
        method: 'POST',
        path: `/conversations/${CONV}/reply`,
        body: { message_type: 'comment', type: 'admin', admin_id: ADMIN, body: '<p>Your parcel left our warehouse yesterday.<br>Tracking: https://track.example/77120</p><p>It usually arrives within 2 days.</p>' },
      },
      { method: 'POST', path: `/conversations/${CONV}/tags`, body: { id: tagId('draftpilot_autopilot'), admin_id: ADMIN } },
    ]);
    expect(outcome).toMatchObject({ written: true, apiCalls: 3 });
  });

  it('an autopilot decision carrying a reason is refused before any call', async () => {
    const err = await writer().deliver(request('autopilot', ['low_confidence'])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublicReplyRefused);
    expect(err).toMatchObject({ permanent: true });
    expect(sent).toEqual([]);
  });

  it('skips the tags and the assignment the conversation already has', async () => {
    expectRead(conversation({ tags: ['draftpilot_escalated', 'vip'], team: TEAM }));
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    const outcome = await writer().deliver(request('escalate', ['policy_exception']));
    expect(writes().map((w) => [w.path.split('/').pop(), w.body && (w.body as { id?: string }).id])).toEqual([
      ['reply', undefined],
      ['tags', tagId('draftpilot_reason_policy_exception')],
    ]);
    expect(outcome.apiCalls).toBe(3);
    expect(outcome.detail).toContain(`already with team ${TEAM}`);
  });

  it('reaches the workspace region set in INTERCOM_BASE_URL', async () => {
    const eu = intercomWriterFor(accountsOf({ INTERCOM_ACCESS_TOKEN: TOKEN, INTERCOM_ADMIN_ID: ADMIN, INTERCOM_BASE_URL: INTERCOM_REGIONS.eu }).intercom, { clock, tagIds: TAG_IDS });
    expectRead(conversation(), INTERCOM_REGIONS.eu);
    expectWrite(`/conversations/${CONV}/reply`, INTERCOM_REGIONS.eu).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`, INTERCOM_REGIONS.eu).reply(200, {});
    await expect(eu.deliver(request('review'))).resolves.toMatchObject({ written: true, apiCalls: 3 });
  });

  it('refuses another workspace, another provider and unsafe ids without calling Intercom', async () => {
    const w = writer({ tenant: TENANT });
    await expect(w.deliver(request('review', [], { tenant: 'intercom:other' }))).rejects.toMatchObject({ code: 'intercom_wrong_tenant', permanent: true });
    await expect(w.deliver(request('review', [], { provider: 'zendesk', tenant: 'zendesk:acme' }))).rejects.toMatchObject({ code: 'intercom_bad_request', permanent: true });
    await expect(w.deliver(request('review', [], { threadId: '../admins' }))).rejects.toMatchObject({ code: 'intercom_bad_request' });
    await expect(w.deliver(request('review', [], { draftId: 'd 1]' }))).rejects.toMatchObject({ code: 'intercom_bad_request' });
    expect(sent).toEqual([]);
  });
});

describe('IntercomWriter: tag ids loaded at start', () => {
  it('one GET /tags teaches the writer every draftpilot tag, so the first escalation of a process still fits the budget', async () => {
    api()
      .get('/tags')
      .reply(200, { type: 'list', data: [{ type: 'tag', id: '81', name: 'draftpilot_escalated' }, { type: 'tag', id: '82', name: 'draftpilot_reason_account_access' }, { type: 'tag', id: '90', name: 'vip' }] });
    const w = writer({ tagIds: {} });
    expect(await w.loadTags()).toBe(2);
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/parts`).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    const outcome = await w.deliver(request('escalate', ['account_access']), { firstAttempt: true });
    expect(sent.map((c) => c.path)).toEqual([`/conversations/${CONV}/reply`, `/conversations/${CONV}/parts`, `/conversations/${CONV}/tags`]);
    expect(sent[2]!.body).toEqual({ id: '81', admin_id: ADMIN });
    expect(outcome.apiCalls).toBe(3);
    expect(w.stats().tagLookups).toBe(0);
  });

  it('asks nothing in shadow mode', async () => {
    expect(await writer({ shadow: true }).loadTags()).toBe(0);
  });
});

describe('IntercomWriter: first attempt (no read) within the call budget', () => {
  const FIRST = { firstAttempt: true };
  const note = (decision: Decision, reasons: Reason[] = []) => ({ message_type: 'note', type: 'admin', admin_id: ADMIN, body: renderBriefIntercom(brief(reasons), DRAFT, decision, 'd-1') });
  const tagBody = (name: string) => ({ id: tagId(name), admin_id: ADMIN });

  it('review: the note and the review tag, no read (2 API calls)', async () => {
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    const w = writer();
    const outcome = await w.deliver(request('review'), FIRST);
    expect(sent).toEqual([
      { method: 'POST', path: `/conversations/${CONV}/reply`, body: note('review') },
      { method: 'POST', path: `/conversations/${CONV}/tags`, body: tagBody('draftpilot_review') },
    ]);
    expect(outcome).toMatchObject({ written: true, shadow: false, apiCalls: 2 });
    expect(outcome.writes).toEqual(sent);
    expect(outcome.detail).not.toContain('not tagged');
    expect(w.stats()).toEqual({ deliveries: 1, apiCalls: 2, tagLookups: 0 });
  });

  it('autopilot: the public reply and the autopilot tag, no read (2 API calls)', async () => {
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    const outcome = await writer().deliver(request('autopilot'), FIRST);
    expect(sent).toEqual([
      { method: 'POST', path: `/conversations/${CONV}/reply`, body: commentBody(request('autopilot'), ADMIN) },
      { method: 'POST', path: `/conversations/${CONV}/tags`, body: tagBody('draftpilot_autopilot') },
    ]);
    expect((sent[0]?.body as { message_type: string }).message_type).toBe('comment');
    expect(outcome).toMatchObject({ written: true, apiCalls: 2 });
  });

  it('escalate with a team and two reasons at budget 3: note, assignment, escalated tag; the reasons named as not tagged', async () => {
    const reasons: Reason[] = ['account_access', 'human_requested'];
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/parts`).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    const outcome = await writer().deliver(request('escalate', reasons), FIRST);
    expect(sent).toEqual([
      { method: 'POST', path: `/conversations/${CONV}/reply`, body: note('escalate', reasons) },
      { method: 'POST', path: `/conversations/${CONV}/parts`, body: { message_type: 'assignment', type: 'admin', admin_id: ADMIN, assignee_id: TEAM } },
      { method: 'POST', path: `/conversations/${CONV}/tags`, body: tagBody('draftpilot_escalated') },
    ]);
    expect(outcome).toMatchObject({ written: true, apiCalls: 3 });
    expect(outcome.detail).toContain('tagged draftpilot_escalated');
    expect(outcome.detail).toContain('not tagged (call budget 3): draftpilot_reason_account_access, draftpilot_reason_human_requested');
    // the reasons are still in the note for the agent
    expect((sent[0]?.body as { body: string }).body).toContain('Suggested reply (not sent)');
  });

  it('escalate with a team and two reasons at budget 5: every reason tagged, in the order given', async () => {
    const reasons: Reason[] = ['human_requested', 'account_access'];
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/parts`).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`).times(3).reply(200, {});
    const outcome = await writer({ maxCallsPerMessage: 5 }).deliver(request('escalate', reasons), FIRST);
    expect(sent).toEqual([
      { method: 'POST', path: `/conversations/${CONV}/reply`, body: note('escalate', reasons) },
      { method: 'POST', path: `/conversations/${CONV}/parts`, body: { message_type: 'assignment', type: 'admin', admin_id: ADMIN, assignee_id: TEAM } },
      { method: 'POST', path: `/conversations/${CONV}/tags`, body: tagBody('draftpilot_escalated') },
      { method: 'POST', path: `/conversations/${CONV}/tags`, body: tagBody('draftpilot_reason_human_requested') },
      { method: 'POST', path: `/conversations/${CONV}/tags`, body: tagBody('draftpilot_reason_account_access') },
    ]);
    expect(outcome).toMatchObject({ written: true, apiCalls: 5 });
    expect(outcome.detail).not.toContain('not tagged');
  });

  it('escalate without a team at budget 3: note, escalated tag and the first reason', async () => {
    const reasons: Reason[] = ['missing_source', 'guardrail', 'human_requested'];
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`).times(2).reply(200, {});
    const outcome = await writer({ escalationTeamId: undefined }).deliver(request('escalate', reasons, { draft: null }), FIRST);
    expect(sent.map((s) => [s.path, s.body])).toEqual([
      [`/conversations/${CONV}/reply`, { message_type: 'note', type: 'admin', admin_id: ADMIN, body: renderBriefIntercom(brief(reasons), null, 'escalate', 'd-1') }],
      [`/conversations/${CONV}/tags`, tagBody('draftpilot_escalated')],
      [`/conversations/${CONV}/tags`, tagBody('draftpilot_reason_missing_source')],
    ]);
    expect(outcome).toMatchObject({ apiCalls: 3 });
    expect(outcome.detail).toContain('not routed (no escalation team configured)');
    expect(outcome.detail).toContain('not tagged (call budget 3): draftpilot_reason_guardrail, draftpilot_reason_human_requested');
  });

  it('a tag that would have to be created beyond the budget is not created', async () => {
    const w = writer({ tagIds: {} });
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/parts`).reply(200, {});
    // no POST /tags: creating draftpilot_escalated (lookup + tag) would be calls 3 and 4
    const outcome = await w.deliver(request('escalate', ['guardrail']), FIRST);
    expect(sent.map((s) => s.path)).toEqual([`/conversations/${CONV}/reply`, `/conversations/${CONV}/parts`]);
    expect(outcome).toMatchObject({ written: true, apiCalls: 2 });
    expect(outcome.detail).toContain('not tagged (call budget 3): draftpilot_escalated, draftpilot_reason_guardrail');
    expect(w.stats().tagLookups).toBe(0);
  });

  it('a creation that fits is made: review with an unknown tag is note, lookup, tag (3 API calls)', async () => {
    const w = writer({ tagIds: {} });
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite('/tags').reply(200, { type: 'tag', id: '8801', name: 'draftpilot_review' });
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    const outcome = await w.deliver(request('review'), FIRST);
    expect(sent.map((s) => [s.path, s.body])).toEqual([
      [`/conversations/${CONV}/reply`, note('review')],
      ['/tags', { name: 'draftpilot_review' }],
      [`/conversations/${CONV}/tags`, { id: '8801', admin_id: ADMIN }],
    ]);
    expect(outcome).toMatchObject({ written: true, apiCalls: 3 });
    expect(w.stats().tagLookups).toBe(1);
  });

  it('a tag that does not fit is skipped and a later known one that fits is still written', async () => {
    const w = writer({ tagIds: { draftpilot_reason_guardrail: '7777' } });
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/parts`).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    const outcome = await w.deliver(request('escalate', ['guardrail']), FIRST);
    expect(sent.map((s) => [s.path, s.body])).toEqual([
      [`/conversations/${CONV}/reply`, note('escalate', ['guardrail'])],
      [`/conversations/${CONV}/parts`, { message_type: 'assignment', type: 'admin', admin_id: ADMIN, assignee_id: TEAM }],
      [`/conversations/${CONV}/tags`, { id: '7777', admin_id: ADMIN }],
    ]);
    expect(outcome).toMatchObject({ apiCalls: 3 });
    expect(outcome.detail).toContain('not tagged (call budget 3): draftpilot_escalated');
  });

  it('routeDelivery passes the first attempt through: no read', async () => {
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    const deliver = routeDelivery(() => writer());
    await expect(deliver(request('review'), FIRST)).resolves.toMatchObject({ written: true, apiCalls: 2 });
    expect(sent.every((s) => s.method === 'POST')).toBe(true);
  });

  it.each([
    ['review', [] as Reason[], 3],
    ['autopilot', [] as Reason[], 3],
    ['escalate', ['human_requested', 'negative_sentiment'] as Reason[], 3],
    ['escalate', ['human_requested', 'negative_sentiment'] as Reason[], 5],
  ] as const)('shadow mode would write what a live first attempt sends: %s %j at budget %i', async (decision, reasons, budget) => {
    const req = request(decision, [...reasons]);
    const shadow = await writer({ shadow: true, maxCallsPerMessage: budget }).deliver(req);
    expect(sent).toEqual([]);

    const tags = shadow.writes.filter((w) => w.path.endsWith('/tags')).length;
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    if (decision === 'escalate') expectWrite(`/conversations/${CONV}/parts`).reply(200, {});
    if (tags) expectWrite(`/conversations/${CONV}/tags`).times(tags).reply(200, {});
    const live = await writer({ maxCallsPerMessage: budget }).deliver(req, FIRST);

    const byName = (write: { path: string; body: unknown }) => {
      const body = write.body as { id?: string };
      const name = Object.keys(TAG_IDS).find((n) => TAG_IDS[n] === body.id);
      return write.path.endsWith('/tags') && name ? { ...write, body: { ...body, id: `<id of tag ${name}>` } } : write;
    };
    expect(live.writes.map(byName)).toEqual(shadow.writes);
    expect(live.apiCalls).toBeLessThanOrEqual(budget);
    expect(shadow.writes.length).toBe(live.apiCalls);
  });

  it('refuses a budget that cannot hold the note and the assignment', () => {
    expect(() => writer({ maxCallsPerMessage: 1 })).toThrow(/maxCallsPerMessage/);
    expect(() => writer({ maxCallsPerMessage: 2.5 })).toThrow(/maxCallsPerMessage/);
    expect(intercomWriterFor(accountsOf({ INTERCOM_ACCESS_TOKEN: TOKEN, INTERCOM_ADMIN_ID: ADMIN }).intercom, { maxCallsPerMessage: 2 }).shadow).toBe(false);
  });
});

describe('IntercomWriter: retries read first, within the budget plus the read', () => {
  it('the marker, tags and team present: one read, nothing written twice', async () => {
    expectRead(conversation({ parts: [ourNote('d-1')], tags: ['draftpilot_escalated', 'draftpilot_reason_account_access', 'draftpilot_reason_human_requested'], team: TEAM }));
    const outcome = await writer().deliver(request('escalate', ['account_access', 'human_requested']), { firstAttempt: false });
    expect(sent).toEqual([{ method: 'GET', path: `/conversations/${CONV}` }]);
    expect(outcome).toMatchObject({ written: false, apiCalls: 1, writes: [] });
    expect(outcome.detail).toContain('note already present for draft d-1');
    expect(outcome.detail).toContain(`already with team ${TEAM}`);
    expect(outcome.detail).not.toContain('not tagged');
  });

  it('a first attempt failing on the assignment, then its retry: one note, at most budget + 1 calls', async () => {
    const w = writer();
    const reasons: Reason[] = ['account_access', 'human_requested'];
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/parts`).reply(503, {});
    await expect(w.deliver(request('escalate', reasons), { firstAttempt: true })).rejects.toMatchObject({ status: 503, permanent: false });

    // the job layer retries without firstAttempt: the read finds the note, which then costs nothing
    expectRead(conversation({ parts: [ourNote('d-1')] }));
    expectWrite(`/conversations/${CONV}/parts`).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`).times(2).reply(200, {});
    const retry = await w.deliver(request('escalate', reasons));
    expect(retry.apiCalls).toBe(4);
    expect(retry.writes.map((x) => [x.path, (x.body as { id?: string }).id])).toEqual([
      [`/conversations/${CONV}/parts`, undefined],
      [`/conversations/${CONV}/tags`, tagId('draftpilot_escalated')],
      [`/conversations/${CONV}/tags`, tagId('draftpilot_reason_account_access')],
    ]);
    expect(retry.detail).toContain('not tagged (call budget 3): draftpilot_reason_human_requested');
    expect(writes().filter((s) => s.path.endsWith('/reply'))).toHaveLength(1);
  });
});

describe('IntercomWriter: idempotent under retries', () => {
  it('a lost response: the retry finds the marker, writes no second note, completes the missing tag; a third run writes nothing', async () => {
    const w = writer();
    expectRead(conversation());
    expectWrite(`/conversations/${CONV}/reply`).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const first = await w.deliver(request('review')).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(HelpdeskError);
    expect(first).toMatchObject({ status: 0, code: 'intercom_unreachable', permanent: false });

    // Intercom did write the note before the connection dropped.
    expectRead(conversation({ parts: [ourNote('d-1')] }));
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    const second = await w.deliver(request('review'));
    expect(second).toMatchObject({ written: false, apiCalls: 2 });
    expect(second.detail).toContain('note already present for draft d-1');

    expectRead(conversation({ parts: [ourNote('d-1')], tags: ['draftpilot_review'] }));
    const third = await w.deliver(request('review'));
    expect(third).toMatchObject({ written: false, apiCalls: 1, writes: [] });

    expect(writes().filter((s) => s.path.endsWith('/reply'))).toHaveLength(1);
  });

  it('a note of another draft in the same conversation does not count as ours', async () => {
    expectRead(conversation({ parts: [ourNote('d-0')] }));
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    await expect(writer().deliver(request('review'))).resolves.toMatchObject({ written: true });
  });

  it('autopilot after a lost response: our reply is recognized by its text and not sent twice', async () => {
    const sentReply = { type: 'conversation_part', id: 'p-reply', part_type: 'comment', body: 'Your parcel left our warehouse yesterday.\nTracking: https://track.example/77120\nIt usually arrives within 2 days.', created_at: 1795770030, author: { type: 'admin', id: ADMIN, name: 'draftpilot' } };
    expectRead(conversation({ parts: [sentReply] }));
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    const outcome = await writer().deliver(request('autopilot'));
    expect(outcome).toMatchObject({ written: false, apiCalls: 2 });
    expect(writes().some((s) => s.path.endsWith('/reply'))).toBe(false);
  });

  it('429 on the note: a retryable HelpdeskError waiting until X-RateLimit-Reset, after one attempt', async () => {
    expectRead(conversation());
    expectWrite(`/conversations/${CONV}/reply`).reply(429, { type: 'error.list', errors: [{ code: 'rate_limit_exceeded', message: 'Exceeded rate limit' }] }, { 'X-RateLimit-Limit': '10000', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(NOW / 1000 + 30) });
    const w = writer();
    const err = await w.deliver(request('review')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HelpdeskError);
    expect(err).toMatchObject({ status: 429, code: 'intercom_rate_limited', permanent: false, retryAfterMs: 30_000 });
    expect((err as Error).message).toContain('rate_limit_exceeded');
    expect(writes()).toHaveLength(1);
    expect(w.stats()).toEqual({ deliveries: 0, apiCalls: 2, tagLookups: 0 });
  });

  it('429 without X-RateLimit-Reset waits one 10-second window', async () => {
    expectRead(conversation());
    expectWrite(`/conversations/${CONV}/reply`).reply(429, {});
    await expect(writer().deliver(request('review'))).rejects.toMatchObject({ status: 429, retryAfterMs: 10_000 });
  });

  it('a 5xx Intercom did not process, then success: exactly one note', async () => {
    const w = writer();
    expectRead(conversation());
    expectWrite(`/conversations/${CONV}/reply`).reply(502, '<html><body>Bad Gateway</body></html>');
    await expect(w.deliver(request('review'))).rejects.toMatchObject({ status: 502, code: 'intercom_server_error', permanent: false });

    expectRead(conversation());
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    await expect(w.deliver(request('review'))).resolves.toMatchObject({ written: true, apiCalls: 3 });
    expect(writes().filter((s) => s.path.endsWith('/reply'))).toHaveLength(2); // one refused, one written
  });

  it('a 5xx Intercom did process: the retry finds the note and does not write a second one', async () => {
    const w = writer();
    expectRead(conversation());
    expectWrite(`/conversations/${CONV}/reply`).reply(500, { type: 'error.list', errors: [{ code: 'server_error', message: 'Server Error' }] });
    await expect(w.deliver(request('review'))).rejects.toMatchObject({ status: 500, permanent: false });

    expectRead(conversation({ parts: [ourNote('d-1')] }));
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    await expect(w.deliver(request('review'))).resolves.toMatchObject({ written: false, apiCalls: 2 });
    expect(writes().filter((s) => s.path.endsWith('/reply'))).toHaveLength(1);
  });

  it('a reset connection on the read is retryable and writes nothing', async () => {
    api().get(`/conversations/${CONV}`).query(true).replyWithError({ code: 'ECONNRESET', message: 'read ECONNRESET' });
    await expect(writer().deliver(request('review'))).rejects.toMatchObject({ status: 0, code: 'intercom_unreachable', permanent: false });
    expect(writes()).toEqual([]);
  });

  it.each([
    [401, 'read', 'intercom_unauthorized', 'INTERCOM_ACCESS_TOKEN'],
    [403, 'note', 'intercom_forbidden', 'permission'],
    [404, 'read', 'intercom_not_found', 'deleted'],
    [422, 'assignment', 'intercom_unprocessable', 'team id'],
  ])('a %i on the %s is permanent after one attempt', async (status, where, code, hint) => {
    const body = { type: 'error.list', errors: [{ code: String(code).replace('intercom_', ''), message: 'refused' }] };
    if (where === 'read') {
      api().get(`/conversations/${CONV}`).query(true).reply(status, body);
    } else {
      expectRead(conversation());
      if (where === 'note') {
        expectWrite(`/conversations/${CONV}/reply`).reply(status, body);
      } else {
        expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
        expectWrite(`/conversations/${CONV}/parts`).reply(status, body);
      }
    }
    const w = writer();
    const err = await w.deliver(request(where === 'assignment' ? 'escalate' : 'review', where === 'assignment' ? ['human_requested'] : [])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HelpdeskError);
    expect(err).toMatchObject({ provider: 'intercom', status, code, permanent: true });
    expect((err as Error).message).toContain(hint);
    expect((err as Error).message).not.toContain(TOKEN);
    expect(w.stats().apiCalls).toBe(where === 'read' ? 1 : where === 'note' ? 2 : 3);
  });

  it('a deleted conversation says so, to be recorded and dropped', async () => {
    api().get(`/conversations/${CONV}`).query(true).reply(404, { type: 'error.list', errors: [{ code: 'not_found', message: 'Resource Not Found' }] });
    const err = (await writer().deliver(request('escalate', ['human_requested'])).catch((e: unknown) => e)) as HelpdeskError;
    expect(err.permanent).toBe(true);
    expect(err.message).toBe(`intercom GET /conversations/${CONV} answered 404 (not_found: Resource Not Found): conversation ${CONV} does not exist (deleted, merged, or in another workspace or region, see INTERCOM_BASE_URL); dropped`);
  });
});

describe('IntercomWriter: tags', () => {
  it('a missing tag is created once and its id cached, also for concurrent deliveries', async () => {
    const w = writer({ tagIds: {} });
    const other = '215469330109999';
    for (const id of [CONV, other]) {
      api().get(`/conversations/${id}`).query(true).reply(200, { ...conversation(), id });
      expectWrite(`/conversations/${id}/reply`).reply(200, {});
      expectWrite(`/conversations/${id}/tags`).reply(200, {});
    }
    // Intercom creates the tag, or returns the one with that name: https://developers.intercom.com/docs/references/2.3/rest-api/tags/create-and-update-tags/
    expectWrite('/tags').delay(50).reply(200, { type: 'tag', id: '8801', name: 'draftpilot_review' });

    const [a, b] = await Promise.all([w.deliver(request('review')), w.deliver(request('review', [], { threadId: other, draftId: 'd-2' }))]);

    expect(writes().filter((s) => s.path === '/tags')).toEqual([{ method: 'POST', path: '/tags', body: { name: 'draftpilot_review' } }]);
    expect(writes().filter((s) => s.path.endsWith('/tags') && s.path !== '/tags').map((s) => s.body)).toEqual([
      { id: '8801', admin_id: ADMIN },
      { id: '8801', admin_id: ADMIN },
    ]);
    // the delivery that created the tag paid one call more, once
    expect([a.apiCalls, b.apiCalls].sort()).toEqual([3, 4]);

    api().get(`/conversations/${CONV}`).query(true).reply(200, conversation());
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    await expect(w.deliver(request('review', [], { draftId: 'd-3' }))).resolves.toMatchObject({ apiCalls: 3 });
    expect(w.stats().tagLookups).toBe(1);
  });

  it('a failed tag creation is not cached: the retry creates it, and the note is not written again', async () => {
    const w = writer({ tagIds: {} });
    expectRead(conversation());
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite('/tags').reply(503, {});
    await expect(w.deliver(request('review'))).rejects.toMatchObject({ status: 503, permanent: false });

    expectRead(conversation({ parts: [ourNote('d-1')] }));
    expectWrite('/tags').reply(200, { type: 'tag', id: '8801', name: 'draftpilot_review' });
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    await expect(w.deliver(request('review'))).resolves.toMatchObject({ written: false, apiCalls: 3 });
    expect(writes().map((s) => s.path)).toEqual([`/conversations/${CONV}/reply`, '/tags', '/tags', `/conversations/${CONV}/tags`]);
  });

  it('a tag id seen on a conversation read is reused without a lookup', async () => {
    const w = writer({ tagIds: {}, maxCallsPerMessage: 4 });
    expectRead(conversation({ tags: ['draftpilot_escalated'] }));
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite(`/conversations/${CONV}/parts`).reply(200, {});
    expectWrite('/tags').reply(200, { type: 'tag', id: '8802', name: 'draftpilot_reason_guardrail' });
    expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
    await w.deliver(request('escalate', ['guardrail']));

    const other = '215469330109999';
    api().get(`/conversations/${other}`).query(true).reply(200, { ...conversation(), id: other });
    expectWrite(`/conversations/${other}/reply`).reply(200, {});
    expectWrite(`/conversations/${other}/parts`).reply(200, {});
    expectWrite(`/conversations/${other}/tags`).times(2).reply(200, {});
    await w.deliver(request('escalate', ['guardrail'], { threadId: other, draftId: 'd-2' }));

    expect(writes().filter((s) => s.path === `/conversations/${other}/tags`).map((s) => s.body)).toEqual([
      { id: tagId('draftpilot_escalated'), admin_id: ADMIN },
      { id: '8802', admin_id: ADMIN },
    ]);
    expect(w.stats().tagLookups).toBe(1);
  });
});

describe('IntercomWriter: shadow mode and accounting', () => {
  it('shadow mode writes nothing and reports the would-be writes', async () => {
    // No interceptors at all: any call would be unmatched and recorded by the afterEach check.
    const outcome = await writer({ shadow: true }).deliver(request('escalate', ['account_access']));
    expect(outcome).toMatchObject({ written: false, shadow: true, apiCalls: 0 });
    expect(outcome.writes).toEqual([
      { method: 'POST', path: `/conversations/${CONV}/reply`, body: { message_type: 'note', type: 'admin', admin_id: ADMIN, body: renderBriefIntercom(brief(['account_access']), DRAFT, 'escalate', 'd-1') } },
      { method: 'POST', path: `/conversations/${CONV}/parts`, body: { message_type: 'assignment', type: 'admin', admin_id: ADMIN, assignee_id: TEAM } },
      { method: 'POST', path: `/conversations/${CONV}/tags`, body: { id: '<id of tag draftpilot_escalated>', admin_id: ADMIN } },
    ]);
    expect(outcome.detail).toContain('shadow mode, nothing written');
    expect(outcome.detail).toContain('not tagged (call budget 3): draftpilot_reason_account_access');

    const roomy = await writer({ shadow: true, maxCallsPerMessage: 5 }).deliver(request('escalate', ['account_access']));
    expect(roomy.writes.slice(2)).toEqual([
      { method: 'POST', path: `/conversations/${CONV}/tags`, body: { id: '<id of tag draftpilot_escalated>', admin_id: ADMIN } },
      { method: 'POST', path: `/conversations/${CONV}/tags`, body: { id: '<id of tag draftpilot_reason_account_access>', admin_id: ADMIN } },
    ]);
    expect(roomy.detail).not.toContain('not tagged');
    expect(sent).toEqual([]);
  });

  it('shadow mode is forced without a token or an admin id, and still refuses an unclean autopilot', async () => {
    const noToken = intercomWriterFor(accountsOf({ INTERCOM_ADMIN_ID: ADMIN }).intercom);
    const noAdmin = intercomWriterFor(accountsOf({ INTERCOM_ACCESS_TOKEN: TOKEN }).intercom);
    expect([noToken.shadow, noAdmin.shadow]).toEqual([true, true]);
    const a = await noToken.deliver(request('autopilot'));
    expect(a).toMatchObject({ shadow: true, written: false, apiCalls: 0 });
    expect(a.writes[0]).toMatchObject({ body: { message_type: 'comment' } });
    expect(a.detail).toContain('INTERCOM_ACCESS_TOKEN not set');
    await expect(noAdmin.deliver(request('review'))).resolves.toMatchObject({ shadow: true, apiCalls: 0 });
    await expect(noToken.deliver(request('autopilot', ['guardrail']))).rejects.toBeInstanceOf(PublicReplyRefused);
    expect(sent).toEqual([]);
  });

  it('counts API calls per processed message: first attempt review 2, autopilot 2, escalate 3; a retry reads first: 3, 3, 4', async () => {
    const w = writer();
    const measured: Record<string, number> = {};
    const deliverEach = async (attempt: 'first' | 'retry') => {
      const context = attempt === 'first' ? { firstAttempt: true } : {};
      if (attempt === 'retry') expectRead(conversation());
      expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
      expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
      measured[`review ${attempt}`] = (await w.deliver(request('review', [], { draftId: `r-${attempt}` }), context)).apiCalls;

      if (attempt === 'retry') expectRead(conversation());
      expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
      expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
      measured[`autopilot ${attempt}`] = (await w.deliver(request('autopilot', [], { draftId: `a-${attempt}` }), context)).apiCalls;

      if (attempt === 'retry') expectRead(conversation());
      expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
      expectWrite(`/conversations/${CONV}/parts`).reply(200, {});
      expectWrite(`/conversations/${CONV}/tags`).reply(200, {});
      measured[`escalate ${attempt}`] = (await w.deliver(request('escalate', ['human_requested', 'negative_sentiment'], { draftId: `e-${attempt}` }), context)).apiCalls;
    };

    await deliverEach('first');
    expect(sent.filter((s) => s.method === 'GET')).toEqual([]);
    await deliverEach('retry');

    expect(measured).toEqual({ 'review first': 2, 'autopilot first': 2, 'escalate first': 3, 'review retry': 3, 'autopilot retry': 3, 'escalate retry': 4 });
    expect(w.stats()).toEqual({ deliveries: 6, apiCalls: 17, tagLookups: 0 });
    expect(sent).toHaveLength(17);
  });
});

describe('IntercomWriter on intercom-client: one attempt per call, every failure a HelpdeskError', () => {
  const FIRST = { firstAttempt: true };
  /** one interceptor answering `status` once: a second attempt inside the call would go unmatched (strict nock) */
  const failOnce = (path: string, status: number, body: object | string = {}, headers: Record<string, string> = {}) => {
    let hits = 0;
    expectWrite(path).reply(() => {
      hits++;
      return [status, body, headers];
    });
    return () => hits;
  };

  it('a 429 with X-RateLimit-Reset rejects at once, after one request, with retryAfterMs from the header', async () => {
    const hits = failOnce(`/conversations/${CONV}/reply`, 429, { type: 'error.list', errors: [{ code: 'rate_limit_exceeded', message: 'Exceeded rate limit' }] }, { 'X-RateLimit-Reset': String(NOW / 1000 + 42) });
    const w = writer();
    const started = Date.now();
    const err = await w.deliver(request('review'), FIRST).catch((e: unknown) => e);
    // intercom-client would otherwise sleep until X-RateLimit-Reset (up to 60 s) and send it again
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toBeInstanceOf(HelpdeskError);
    expect(err).toMatchObject({ provider: 'intercom', status: 429, code: 'intercom_rate_limited', permanent: false, retryAfterMs: 42_000 });
    expect((err as Error).message).toBe(`intercom POST /conversations/${CONV}/reply answered 429 (rate_limit_exceeded: Exceeded rate limit); retry after 42 s`);
    expect(hits()).toBe(1);
    expect(sent).toHaveLength(1);
    expect(w.stats()).toEqual({ deliveries: 0, apiCalls: 1, tagLookups: 0 });
  });

  it('a 500 is not retried inside the call: one request, a retryable error for the job layer', async () => {
    const hits = failOnce(`/conversations/${CONV}/reply`, 500, { type: 'error.list', errors: [{ code: 'server_error', message: 'Server Error' }] });
    const w = writer();
    const err = await w.deliver(request('review'), FIRST).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HelpdeskError);
    expect(err).toMatchObject({ status: 500, code: 'intercom_server_error', permanent: false, retryAfterMs: undefined });
    expect((err as Error).message).toContain('server_error: Server Error');
    expect(hits()).toBe(1);
    expect(w.stats().apiCalls).toBe(1);
  });

  it('a 503 with an HTML page: the page text as detail, retryable, one request', async () => {
    const hits = failOnce(`/conversations/${CONV}/reply`, 503, '<html><body>Service Unavailable</body></html>');
    const err = await writer().deliver(request('review'), FIRST).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, code: 'intercom_server_error', permanent: false });
    expect((err as Error).message).toBe(`intercom POST /conversations/${CONV}/reply answered 503 (Service Unavailable)`);
    expect(hits()).toBe(1);
  });

  it.each([
    // [what, the path answered 404, decision, tag ids known, the calls that succeed before it]
    ['note (conversations.reply)', `/conversations/${CONV}/reply`, 'escalate', TAG_IDS, []],
    ['assignment (conversations.manage)', `/conversations/${CONV}/parts`, 'escalate', TAG_IDS, [`/conversations/${CONV}/reply`]],
    ['tag (tags.tagConversation)', `/conversations/${CONV}/tags`, 'escalate', TAG_IDS, [`/conversations/${CONV}/reply`, `/conversations/${CONV}/parts`]],
    ['tag lookup (tags.create)', '/tags', 'review', {}, [`/conversations/${CONV}/reply`]],
  ] as const)('a 404 on the %s is permanent, after one request', async (_what, path, decision, tagIds, before) => {
    const w = writer({ tagIds });
    for (const p of before) expectWrite(p).reply(200, {});
    const hits = failOnce(path, 404, { type: 'error.list', errors: [{ code: 'not_found', message: 'Resource Not Found' }] });
    const err = await w.deliver(request(decision, decision === 'escalate' ? ['human_requested'] : []), FIRST).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HelpdeskError);
    expect(err).toMatchObject({ provider: 'intercom', status: 404, code: 'intercom_not_found', permanent: true });
    expect((err as Error).message).toBe(`intercom POST ${path} answered 404 (not_found: Resource Not Found): conversation ${CONV} does not exist (deleted, merged, or in another workspace or region, see INTERCOM_BASE_URL); dropped`);
    expect(hits()).toBe(1);
    expect(w.stats().apiCalls).toBe(before.length + 1);
  });

  it('no answer within timeoutMs: intercom_timeout, retryable', async () => {
    expectWrite(`/conversations/${CONV}/reply`).delay(400).reply(200, {});
    const err = await writer({ timeoutMs: 100 }).deliver(request('review'), FIRST).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HelpdeskError);
    expect(err).toMatchObject({ status: 0, code: 'intercom_timeout', permanent: false });
    expect((err as Error).message).toBe(`intercom POST /conversations/${CONV}/reply: no answer within 100 ms`);
  });

  it('loadTags (tags.list) maps its failures too: a 401 is permanent', async () => {
    api().get('/tags').reply(401, { type: 'error.list', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
    const err = await writer({ tagIds: {} }).loadTags().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HelpdeskError);
    expect(err).toMatchObject({ status: 401, code: 'intercom_unauthorized', permanent: true });
    expect((err as Error).message).toContain('INTERCOM_ACCESS_TOKEN');
    expect((err as Error).message).not.toContain(TOKEN);
  });

  it('a 2xx that is not JSON on a tag lookup is an unexpected response, retryable', async () => {
    expectWrite(`/conversations/${CONV}/reply`).reply(200, {});
    expectWrite('/tags').reply(200, '<html>captive portal</html>');
    const err = await writer({ tagIds: {} }).deliver(request('review'), FIRST).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 200, code: 'intercom_unexpected_response', permanent: false });
  });

  it('a base URL with a path (a proxy) keeps its path', async () => {
    const proxy = 'https://egress.example/intercom';
    const viaProxy = intercomWriterFor(accountsOf({ INTERCOM_ACCESS_TOKEN: TOKEN, INTERCOM_ADMIN_ID: ADMIN, INTERCOM_BASE_URL: `${proxy}/` }).intercom, { clock, tagIds: TAG_IDS });
    nock('https://egress.example').matchHeader('intercom-version', '2.14').post(`/intercom/conversations/${CONV}/reply`).reply(200, {});
    nock('https://egress.example').matchHeader('intercom-version', '2.14').post(`/intercom/conversations/${CONV}/tags`).reply(200, {});
    await expect(viaProxy.deliver(request('review'), FIRST)).resolves.toMatchObject({ written: true, apiCalls: 2 });
  });
});
