import type { Brief } from '../../src/brief/brief';
import { deliveryRequest, testBrief } from '../helpers/delivery-request';
import { renderBriefIntercom } from '../../src/brief/render-brief';
import type { DeliveryRequest } from '../../src/delivery/delivery-port';
import {
  allTagNames,
  assertCleanAutopilot,
  assertDraftBodiesAreNotes,
  assignmentBody,
  commentBody,
  createTagBody,
  noteBody,
  paths,
  planDelivery,
  PublicReplyRefused,
  tagConversationBody,
  tagNames,
  Write,
} from '../../src/delivery/intercom/request-bodies';
import { markerFor } from '../../src/domain/marker';
import type { Decision } from '../../src/policy/decide';
import { Reason, REASONS } from '../../src/policy/reasons';

const ADMIN = '9000002';
const TEAM = '5017691';
const CONV = '215469330102875';
const DRAFT = 'Use <Orders> & Returns.\nThen pick the item.\n\nThanks!';
const DRAFT_HTML = '<p>Use &lt;Orders&gt; &amp; Returns.<br>Then pick the item.</p><p>Thanks!</p>';

const brief = (reasons: Reason[] = []): Brief =>
  testBrief({
    question: 'How do I change my delivery address?',
    intent: 'address_change',
    sources: [{ title: 'Changing your address', url: 'https://help.demo-shop.example/articles/address' }],
    recommended_next_step: 'Point to the address form.',
    escalation_reasons: reasons,
  });

function request(decision: Decision, reasons: Reason[] = [], overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
  return deliveryRequest({ tenant: 'intercom:x7k2pq9a', provider: 'intercom', threadId: CONV, draftId: 'd-1', draft: DRAFT, brief: brief(reasons) }, decision, reasons, { messageId: 'm-1', ...overrides });
}

/** The error a call throws; fails the test when it returns. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to throw');
}

/** Requests that must never become a public reply. */
const unclean: [string, DeliveryRequest][] = [
  ['a review', request('review')],
  ['an escalation', request('escalate', ['human_requested'])],
  ['autopilot with a reason on the request', request('autopilot', ['low_confidence'], { brief: brief([]) })],
  ['autopilot with a reason in the brief only', request('autopilot', [], { brief: brief(['guardrail']) })],
  ['autopilot without a draft', request('autopilot', [], { draft: null })],
  ['autopilot with a blank draft', request('autopilot', [], { draft: ' \n\t' })],
];

describe('bodies', () => {
  it('noteBody is an internal note written as the admin', () => {
    expect(noteBody(ADMIN, '<p>brief</p>')).toEqual({ message_type: 'note', type: 'admin', admin_id: ADMIN, body: '<p>brief</p>' });
  });

  it('commentBody is the clean autopilot draft as escaped HTML, written as the admin', () => {
    expect(commentBody(request('autopilot'), ADMIN)).toEqual({ message_type: 'comment', type: 'admin', admin_id: ADMIN, body: DRAFT_HTML });
  });

  it.each(unclean)('commentBody refuses %s with a permanent PublicReplyRefused', (_name, req) => {
    const error = thrown(() => commentBody(req, ADMIN));
    expect(error).toBeInstanceOf(PublicReplyRefused);
    expect(error).toMatchObject({ name: 'PublicReplyRefused', permanent: true });
  });

  it('assertCleanAutopilot passes a clean autopilot request and names the reasons of a contradictory one', () => {
    expect(() => assertCleanAutopilot(request('autopilot'))).not.toThrow();
    expect(() => assertCleanAutopilot(request('autopilot', ['low_confidence'], { brief: brief(['low_confidence', 'guardrail']) }))).toThrow(
      'autopilot decision with escalation reasons (low_confidence, guardrail): refusing to reply to the customer',
    );
  });

  it('assignmentBody routes to the team as the admin and carries no body', () => {
    const body = assignmentBody(ADMIN, TEAM);
    expect(body).toStrictEqual({ message_type: 'assignment', type: 'admin', admin_id: ADMIN, assignee_id: TEAM });
  });

  it('tagConversationBody and createTagBody', () => {
    expect(tagConversationBody('7100', ADMIN)).toEqual({ id: '7100', admin_id: ADMIN });
    expect(createTagBody('draftpilot_review')).toEqual({ name: 'draftpilot_review' });
  });

  it('paths', () => {
    expect(paths.read(CONV)).toBe(`/conversations/${CONV}?display_as=plaintext`);
    expect(paths.reply(CONV)).toBe(`/conversations/${CONV}/reply`);
    expect(paths.parts(CONV)).toBe(`/conversations/${CONV}/parts`);
    expect(paths.tags(CONV)).toBe(`/conversations/${CONV}/tags`);
    expect(paths.createTag()).toBe('/tags');
  });
});

describe('tags', () => {
  it('tagNames: the decision, then one per reason, each once', () => {
    expect(tagNames('review', [])).toEqual(['draftpilot_review']);
    expect(tagNames('autopilot', [])).toEqual(['draftpilot_autopilot']);
    expect(tagNames('escalate', ['human_requested', 'negative_sentiment', 'human_requested'])).toEqual([
      'draftpilot_escalated',
      'draftpilot_reason_human_requested',
      'draftpilot_reason_negative_sentiment',
    ]);
  });

  it('allTagNames: every decision tag and one per reason, all prefixed draftpilot_ and distinct', () => {
    const names = allTagNames(REASONS);
    expect(names).toEqual(['draftpilot_review', 'draftpilot_escalated', 'draftpilot_autopilot', ...REASONS.map((r) => `draftpilot_reason_${r}`)]);
    expect(names.every((n) => n.startsWith('draftpilot_'))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('allTagNames covers every tag tagNames can produce', () => {
    const all = new Set(allTagNames(REASONS));
    for (const decision of ['review', 'escalate', 'autopilot'] as const) {
      for (const name of tagNames(decision, REASONS)) expect(all.has(name)).toBe(true);
    }
  });
});

describe('planDelivery', () => {
  it('review: the brief with the draft as a note, the review tag, and no assignment even with a team configured', () => {
    const req = request('review');
    expect(planDelivery(req, { adminId: ADMIN, escalationTeamId: TEAM })).toStrictEqual({
      reply: { message_type: 'note', type: 'admin', admin_id: ADMIN, body: renderBriefIntercom(req.brief, DRAFT, 'review', 'd-1') },
      tags: ['draftpilot_review'],
    });
  });

  it('the note carries the marker and marks the draft as not sent', () => {
    const { body } = planDelivery(request('review'), { adminId: ADMIN }).reply;
    expect(body).toContain(markerFor('d-1'));
    expect(body).toContain('<b>Draft reply (not sent):</b> Use &lt;Orders&gt; &amp; Returns.<br>Then pick the item.');
  });

  it('escalate with a team: a handoff note, reason tags and the team to assign', () => {
    const req = request('escalate', ['human_requested', 'negative_sentiment']);
    expect(planDelivery(req, { adminId: ADMIN, escalationTeamId: TEAM })).toStrictEqual({
      reply: { message_type: 'note', type: 'admin', admin_id: ADMIN, body: renderBriefIntercom(req.brief, DRAFT, 'escalate', 'd-1') },
      tags: ['draftpilot_escalated', 'draftpilot_reason_human_requested', 'draftpilot_reason_negative_sentiment'],
      assignTeamId: TEAM,
    });
  });

  it('escalate without a team: no assignment', () => {
    expect(planDelivery(request('escalate', ['guardrail'], { draft: null }), { adminId: ADMIN })).not.toHaveProperty('assignTeamId');
    expect(planDelivery(request('escalate', ['guardrail']), { adminId: ADMIN, escalationTeamId: '' })).not.toHaveProperty('assignTeamId');
  });

  describe.each<Decision>(['review', 'escalate'])('%s', (decision) => {
    it.each<[string, Reason[], string | null]>([
      ['no reason, a draft', [], DRAFT],
      ['reasons, a draft', ['account_access', 'policy_exception'], DRAFT],
      ['reasons, no draft', ['guardrail'], null],
    ])('is always a note (%s)', (_name, reasons, draft) => {
      expect(planDelivery(request(decision, reasons, { draft }), { adminId: ADMIN, escalationTeamId: TEAM }).reply.message_type).toBe('note');
    });
  });

  it('autopilot, clean: the draft as the one public comment', () => {
    expect(planDelivery(request('autopilot'), { adminId: ADMIN, escalationTeamId: TEAM })).toStrictEqual({
      reply: { message_type: 'comment', type: 'admin', admin_id: ADMIN, body: DRAFT_HTML },
      tags: ['draftpilot_autopilot'],
    });
  });

  it.each(unclean.filter(([, req]) => req.decision === 'autopilot'))('refuses %s', (_name, req) => {
    expect(() => planDelivery(req, { adminId: ADMIN })).toThrow(PublicReplyRefused);
  });
});

describe('assertDraftBodiesAreNotes', () => {
  const reply = (body: unknown): Write => ({ method: 'POST', path: paths.reply(CONV), body });
  const parts = (body: unknown): Write => ({ method: 'POST', path: paths.parts(CONV), body });

  it.each<Decision>(['review', 'escalate', 'autopilot'])('lets a note, a body-less assignment and tag calls through for %s', (decision) => {
    expect(() =>
      assertDraftBodiesAreNotes(decision, [
        reply(noteBody(ADMIN, '<p>brief</p>')),
        parts(assignmentBody(ADMIN, TEAM)),
        { method: 'POST', path: paths.tags(CONV), body: tagConversationBody('7100', ADMIN) },
        { method: 'POST', path: paths.createTag(), body: createTagBody('draftpilot_review') },
      ]),
    ).not.toThrow();
  });

  it('lets a comment through on autopilot only', () => {
    const comment = reply(commentBody(request('autopilot'), ADMIN));
    expect(() => assertDraftBodiesAreNotes('autopilot', [comment])).not.toThrow();
    expect(() => assertDraftBodiesAreNotes('review', [comment])).toThrow(PublicReplyRefused);
    expect(() => assertDraftBodiesAreNotes('escalate', [comment])).toThrow(PublicReplyRefused);
  });

  it.each<[string, Write]>([
    ['a reply without message_type', reply({ type: 'admin', admin_id: ADMIN, body: '<p>hi</p>' })],
    ['a reply without a body at all', reply(undefined)],
    ['a quick_reply', reply({ message_type: 'quick_reply', type: 'admin', admin_id: ADMIN })],
    ['an assignment with a body', parts({ ...assignmentBody(ADMIN, TEAM), body: 'We are on it' })],
    ['a close on the parts path', parts({ message_type: 'close', type: 'admin', admin_id: ADMIN })],
    ['a message_type on any other path', { method: 'POST', path: paths.tags(CONV), body: { message_type: 'note' } }],
  ])('refuses %s, even on autopilot', (_name, write) => {
    expect(() => assertDraftBodiesAreNotes('autopilot', [write])).toThrow(PublicReplyRefused);
  });

  it('checks every write, not just the first', () => {
    const writes = [reply(noteBody(ADMIN, '<p>brief</p>')), reply({ message_type: 'comment', type: 'admin', admin_id: ADMIN, body: '<p>hi</p>' })];
    expect(() => assertDraftBodiesAreNotes('review', writes)).toThrow(`${paths.reply(CONV)}: message_type "comment" refused for a "review" decision`);
  });
});
