import { renderBriefZendesk } from '../../brief/render-brief';
import { DeliveryRequest, noteExtras } from '../delivery-port';
import { approves } from '../../policy/publication-guard';

/**
 * The ONE ticket update a decision becomes: note or reply, tags and routing in a single
 * `PUT /api/v2/tickets/{id}.json`, guarded by safe_update. Pure: no I/O, so every decision × reason
 * combination can be checked in a unit test.
 *
 * Why the whole tag list and not `additional_tags`: setting `tags` on Update Ticket replaces the list,
 * and Zendesk documents `additional_tags` / `remove_tags` only for Update Many Tickets
 * (`PUT /api/v2/tickets/update_many.json?ids=`), which runs as an asynchronous job (no synchronous 409,
 * no safe_update), or the separate `PUT /api/v2/tickets/{id}/tags` call (a second write per message).
 * https://developer.zendesk.com/documentation/ticketing/managing-tickets/adding-tags-to-tickets-without-overwriting-existing-tags/
 * So the update carries the tags the ticket had when we read it plus ours. That is safe only with
 * safe_update: if anyone changes the ticket (its tags included) after our read, `updated_at` moves,
 * Zendesk answers 409 and the writer re-reads and rebuilds. No tag added concurrently is lost.
 * https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#protecting-against-ticket-update-collisions
 */

/** Internal note: `public` defaults to TRUE in Zendesk, so it is always spelled out. */
export interface PrivateNote {
  html_body: string;
  public: false;
}

/** The only public comment: an autopilot reply. */
export interface PublicReply {
  body: string;
  public: true;
}

export interface TicketUpdateBody {
  ticket: {
    comment: PrivateNote | PublicReply;
    tags: string[];
    group_id?: number;
    safe_update?: true;
    updated_stamp?: string;
  };
}

/** What the writer read of the ticket just before the update. */
export interface TicketSnapshot {
  /** the ticket's updated_at, sent back as updated_stamp */
  updatedAt: string;
  tags: string[];
  /** who the ticket is assigned to: a pending macro is restricted to them (else to the group) */
  assigneeId?: string | null;
  groupId?: string | null;
}

export interface BodyOptions {
  /** Zendesk group escalations are routed to; without one, an escalation is a note and tags only */
  escalationGroupId?: number | string;
  /** pending-macro mode: the draft is in this macro, so the note carries the brief and points to it */
  macroTitle?: string;
}

/**
 * A draft would have reached the customer on a path that must stay internal, or an autopilot request
 * contradicts itself. Permanent (the job layer reads `permanent`): the same stored draft fails the same way.
 */
export class UnsafeDeliveryError extends Error {
  readonly permanent = true;

  constructor(message: string) {
    super(message);
    this.name = 'UnsafeDeliveryError';
  }
}

export const DECISION_TAGS = { review: 'draftpilot_review', escalate: 'draftpilot_escalated', autopilot: 'draftpilot_autopilot' } as const;

/** Zendesk tags are lowercase words: a space would split one into two. */
function tagPart(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60);
}

/** The tags a delivery adds: decision, every escalation reason, category. */
export function draftpilotTags(req: Pick<DeliveryRequest, 'decision' | 'reasons' | 'category'>): string[] {
  const tags: string[] = [DECISION_TAGS[req.decision]];
  for (const reason of req.reasons) {
    const part = tagPart(reason);
    if (part) tags.push(`draftpilot_reason_${part}`);
  }
  const category = tagPart(req.category);
  if (category) tags.push(`draftpilot_cat_${category}`);
  return [...new Set(tags)];
}

/** The ticket's tags, then ours, each once, in a stable order (the exact body is testable). */
export function mergeTags(existing: readonly string[], ours: readonly string[]): string[] {
  return [...new Set([...existing, ...ours])];
}

/** Every non-autopilot comment goes through here: it cannot come out public. */
export function privateNote(html: string): PrivateNote {
  const note: PrivateNote = { html_body: html, public: false };
  assertPrivate(note);
  return note;
}

export function assertPrivate(comment: { public?: unknown }): asserts comment is { public: false } {
  if (comment.public !== false) throw new UnsafeDeliveryError(`a draftpilot note must be an internal note (public:false), got public:${JSON.stringify(comment.public)}`);
}

/**
 * A public reply is built only for autopilot, and only when the rest of the request agrees: no
 * escalation reason (neither on the request nor in the brief) and a non-empty draft. Anything else
 * is a bug upstream, and the safe failure is to publish nothing.
 */
function autopilotReply(req: DeliveryRequest): PublicReply {
  if (req.decision !== 'autopilot') throw new UnsafeDeliveryError(`a public reply was requested for decision "${req.decision}"`);
  if (req.reasons.length > 0 || req.brief.escalation_reasons.length > 0) {
    throw new UnsafeDeliveryError(`autopilot with escalation reasons (${[...req.reasons, ...req.brief.escalation_reasons].join(', ')}) is contradictory: nothing is published`);
  }
  if (!req.draft || !req.draft.trim()) throw new UnsafeDeliveryError('autopilot without a draft: nothing to publish');
  if (!approves(req.publication, req.draft)) throw new UnsafeDeliveryError('the publication guard did not approve this exact reply: nothing is published');
  return { body: req.draft, public: true };
}

function groupId(raw: number | string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const id = typeof raw === 'number' ? raw : /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`zendesk: the escalation group id must be a positive integer, got ${JSON.stringify(raw)}`);
  return id;
}

/**
 * The ticket update for a decision. `snapshot` is the ticket as just read; null in shadow mode, where
 * nothing is read: the body then shows our tags alone and no safe_update stamp (live mode adds both).
 */
export function buildTicketUpdate(req: DeliveryRequest, snapshot: TicketSnapshot | null, options: BodyOptions = {}): TicketUpdateBody {
  const ours = draftpilotTags(req);
  const ticket: TicketUpdateBody['ticket'] = {
    comment:
      req.decision === 'autopilot'
        ? autopilotReply(req)
        : // review and escalate: the brief (with the draft where one exists, marked "not sent") as a note
          privateNote(
            renderBriefZendesk(req.brief, options.macroTitle ? null : req.draft, req.decision, req.draftId, {
              ...noteExtras(req),
              ...(options.macroTitle ? { macro: { macroTitle: options.macroTitle, ticketId: req.threadId } } : {}),
            }),
          ),
    tags: mergeTags(snapshot?.tags ?? [], ours),
  };
  if (req.decision === 'escalate') {
    const group = groupId(options.escalationGroupId);
    if (group !== undefined) ticket.group_id = group;
  }
  if (snapshot) {
    ticket.safe_update = true;
    ticket.updated_stamp = snapshot.updatedAt;
  }
  const body = { ticket };
  assertSafeToSend(body, req.decision);
  return body;
}

/**
 * The last check before a body leaves the process (the writer calls it again on what it sends):
 * a public comment exists only for autopilot, and every other comment says public:false explicitly.
 */
export function assertSafeToSend(body: { ticket: { comment?: { public?: unknown } } }, decision: DeliveryRequest['decision']): void {
  const comment = body.ticket.comment;
  if (!comment) return;
  if (decision === 'autopilot') {
    if (comment.public !== true) throw new UnsafeDeliveryError('an autopilot reply must be public:true (an internal note is not a reply)');
    return;
  }
  assertPrivate(comment);
}
