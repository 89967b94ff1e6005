import { draftHtml } from '../../brief/html';
import { renderBriefIntercom } from '../../brief/render-brief';
import type { Decision } from '../../policy/decide';
import type { Reason } from '../../policy/reasons';
import { DeliveryRequest, noteExtras } from '../delivery-port';
import { approves } from '../../policy/publication-guard';

/**
 * The Intercom request bodies, built without I/O so every path can be checked in a test.
 * Only `commentBody` can produce a public reply, and it refuses anything but a clean autopilot decision.
 *
 * Reference (API 2.14, the version intercom-client 7 and our reads send):
 * - reply / note: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/replyconversation
 * - assignment:   https://developers.intercom.com/docs/references/2.12/rest-api/api.intercom.io/conversations/manageconversation
 * - tag a conversation: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/Tags/attachTagToConversation/
 * - create a tag (idempotent by name): https://developers.intercom.com/docs/references/2.3/rest-api/tags/create-and-update-tags/
 */

export interface NoteBody {
  message_type: 'note';
  type: 'admin';
  admin_id: string;
  body: string;
}

export interface CommentBody {
  message_type: 'comment';
  type: 'admin';
  admin_id: string;
  body: string;
}

export interface AssignmentBody {
  message_type: 'assignment';
  type: 'admin';
  admin_id: string;
  assignee_id: string;
}

export interface TagConversationBody {
  id: string;
  admin_id: string;
}

export interface CreateTagBody {
  name: string;
}

/** One helpdesk write: what DeliveryOutcome.writes records and what goes on the wire. */
export interface Write {
  method: 'POST';
  path: string;
  body: unknown;
}

export const TAG_PREFIX = 'draftpilot_';

const DECISION_TAG: Record<Decision, string> = {
  review: 'draftpilot_review',
  escalate: 'draftpilot_escalated',
  autopilot: 'draftpilot_autopilot',
};

/** The tags a decision puts on the conversation, in a stable order: the decision, then one per reason. */
export function tagNames(decision: Decision, reasons: readonly Reason[]): string[] {
  const names = [DECISION_TAG[decision], ...reasons.map((r) => `${TAG_PREFIX}reason_${r}`)];
  return [...new Set(names)];
}

/** Every tag the writer may need: what `npx draftpilot setup intercom` should create ahead of time. */
export function allTagNames(reasons: readonly Reason[]): string[] {
  return [...Object.values(DECISION_TAG), ...reasons.map((r) => `${TAG_PREFIX}reason_${r}`)];
}

/** An internal note: teammates only. `type:"admin"` + `admin_id` is the admin the note is written as. */
export function noteBody(adminId: string, html: string): NoteBody {
  return { message_type: 'note', type: 'admin', admin_id: adminId, body: html };
}

/**
 * A public admin reply, seen by the customer. The one body in this file that reaches a customer, so it
 * re-checks the whole request, not just a flag passed along: the decision must be autopilot, no
 * escalation reason may have fired (docs/contracts.md, Decision) and there must be a draft to send.
 */
export function commentBody(request: Pick<DeliveryRequest, 'decision' | 'reasons' | 'brief' | 'draft' | 'publication'>, adminId: string): CommentBody {
  assertCleanAutopilot(request);
  return { message_type: 'comment', type: 'admin', admin_id: adminId, body: draftHtml(request.draft as string) };
}

export function assertCleanAutopilot(request: Pick<DeliveryRequest, 'decision' | 'reasons' | 'brief' | 'draft' | 'publication'>): void {
  if (request.decision !== 'autopilot') {
    throw new PublicReplyRefused(`a public reply was built for a "${request.decision}" decision; only autopilot may reply to the customer`);
  }
  if (request.reasons.length > 0 || request.brief.escalation_reasons.length > 0) {
    const reasons = [...new Set([...request.reasons, ...request.brief.escalation_reasons])].join(', ');
    throw new PublicReplyRefused(`autopilot decision with escalation reasons (${reasons}): refusing to reply to the customer`);
  }
  if (!request.draft || request.draft.trim() === '') {
    throw new PublicReplyRefused('autopilot decision without a draft: nothing to send');
  }
  if (!approves(request.publication, request.draft)) {
    throw new PublicReplyRefused('the publication guard did not approve this exact reply: refusing to reply to the customer');
  }
}

/**
 * Assignment to the escalation team. `type` is the kind of actor, not of assignee: Intercom's docs
 * only say it "accepts admin or team" and show `"type":"admin"`; their Ruby SDK always sends
 * `type:'admin'` for `assign`, and Intercom's answer on assigning to a team is
 * `assign(admin_id: <admin>, assignee_id: <team_id>)` (github.com/intercom/intercom-ruby/issues/433).
 * No `body`: on an assignment it may be sent to the customer ("send a response ... when it is assigned").
 */
export function assignmentBody(adminId: string, teamId: string): AssignmentBody {
  return { message_type: 'assignment', type: 'admin', admin_id: adminId, assignee_id: teamId };
}

export function tagConversationBody(tagId: string, adminId: string): TagConversationBody {
  return { id: tagId, admin_id: adminId };
}

/** Intercom creates the tag if no tag has this name (case-insensitive) and returns the existing one otherwise. */
export function createTagBody(name: string): CreateTagBody {
  return { name };
}

export const paths = {
  read: (conversationId: string) => `/conversations/${conversationId}?display_as=plaintext`,
  reply: (conversationId: string) => `/conversations/${conversationId}/reply`,
  parts: (conversationId: string) => `/conversations/${conversationId}/parts`,
  tags: (conversationId: string) => `/conversations/${conversationId}/tags`,
  createTag: () => '/tags',
};

/** What a decision asks of one conversation, before tag ids are known. */
export interface IntercomPlan {
  /** the note (review, escalate) or the public reply (autopilot only) */
  reply: NoteBody | CommentBody;
  tags: string[];
  /** the team to route to (escalate, when a team is configured) */
  assignTeamId?: string;
}

export function planDelivery(request: DeliveryRequest, options: { adminId: string; escalationTeamId?: string }): IntercomPlan {
  const { adminId } = options;
  const reply =
    request.decision === 'autopilot'
      ? commentBody(request, adminId)
      : noteBody(adminId, renderBriefIntercom(request.brief, request.draft, request.decision, request.draftId, noteExtras(request)));
  const plan: IntercomPlan = { reply, tags: tagNames(request.decision, request.reasons) };
  if (request.decision === 'escalate' && options.escalationTeamId) plan.assignTeamId = options.escalationTeamId;
  assertDraftBodiesAreNotes(request.decision, [{ method: 'POST', path: paths.reply(request.threadId), body: reply }]);
  return plan;
}

/** A programming or data error, never a helpdesk hiccup: `permanent` so the job layer does not retry it. */
export class PublicReplyRefused extends Error {
  readonly permanent = true;
  constructor(message: string) {
    super(message);
    this.name = 'PublicReplyRefused';
  }
}

const REPLY_PATH = /^\/conversations\/[^/]+\/reply$/;
const PARTS_PATH = /^\/conversations\/[^/]+\/parts$/;

/**
 * The last check before anything is sent: every body that carries text for the conversation is an
 * internal note, unless the decision is autopilot. Intercom's reply endpoint treats `message_type`
 * as the difference between a note and a message to the customer, so a wrong or missing value is
 * refused here rather than trusted to a default. Assignments must carry no `body` (it can reach the
 * customer), and no other `message_type` (close, open, snoozed, quick_reply...) is ever ours to send.
 */
export function assertDraftBodiesAreNotes(decision: Decision, writes: readonly Write[]): void {
  for (const write of writes) {
    const body = (write.body ?? {}) as Record<string, unknown>;
    const messageType = body.message_type;
    if (REPLY_PATH.test(write.path)) {
      if (messageType === 'note') continue;
      if (messageType === 'comment' && decision === 'autopilot') continue;
      throw new PublicReplyRefused(`${write.path}: message_type ${JSON.stringify(messageType)} refused for a "${decision}" decision (only "note"; "comment" on autopilot alone)`);
    }
    if (PARTS_PATH.test(write.path)) {
      if (messageType === 'assignment' && body.body === undefined) continue;
      throw new PublicReplyRefused(`${write.path}: only a body-less assignment may be sent (got message_type ${JSON.stringify(messageType)}${body.body !== undefined ? ' with a body' : ''})`);
    }
    if (messageType !== undefined) {
      throw new PublicReplyRefused(`${write.path}: unexpected message_type ${JSON.stringify(messageType)}`);
    }
  }
}
