import type { DeliveryContext, SolveEvent } from '../provider-edge';
import { htmlToText } from '../../domain/html-to-text';
import { isInstant } from '../../domain/instant';
import { zendeskAuthor } from './author';
import type { Message, Thread } from '../../domain/thread';
import { commentAddedSchema, statusChangedSchema, ticketCreatedSchema, triggerBodySchema, ZendeskPayload } from './schema';

export interface ZendeskNormalizeOptions {
  botUserId?: string;
}

/** Turns a stored Zendesk delivery into the normalized thread it tells about (docs/contracts.md, Thread). */
export function normalizeZendesk(payload: unknown, ctx: DeliveryContext, options: ZendeskNormalizeOptions = {}): Thread {
  const body = payload as ZendeskPayload;
  if ('draftpilot_trigger' in body) return fromTrigger(triggerBodySchema.parse(payload), ctx, options);
  if (body.type === 'zen:event-type:ticket.created') {
    const e = ticketCreatedSchema.parse(payload);
    // The description is the first comment; its author is the submitter, who may be an agent opening
    // the ticket for someone, and it may be an internal note (the ticket's is_public is then false).
    const description = e.detail.description?.trim();
    const author = zendeskAuthor(options, { id: e.detail.submitter_id }, e.detail.requester_id);
    const createdAt = e.detail.created_at && isInstant(e.detail.created_at) ? e.detail.created_at : e.time;
    const messages: Message[] = description
      ? [{ id: `${e.detail.id}-description`, author, public: e.detail.is_public ?? true, text: description, createdAt }]
      : [];
    return base(ctx, e.detail.id, e.detail, messages);
  }
  if (body.type === 'zen:event-type:ticket.status_changed') {
    // No message: the ticket's new status, which the stored thread takes.
    const e = statusChangedSchema.parse(payload);
    return base(ctx, e.detail.id, { ...e.detail, status: e.event.current }, []);
  }
  const e = commentAddedSchema.parse(payload);
  const c = e.event.comment;
  const text = c.body ?? (c.html_body ? htmlToText(c.html_body) : '');
  const author = zendeskAuthor(options, { id: c.author.id, isStaff: c.author.is_staff }, e.detail.requester_id);
  const who = author === 'agent' ? agentOf(c.author.id, c.author.name) : {};
  return base(ctx, e.detail.id, e.detail, [{ id: c.id, author, public: c.is_public, text, createdAt: e.time, ...who }]);
}

/** Who wrote an agent's message, for the review it may be of a draft. */
function agentOf(id: string | null | undefined, name?: string | null): Pick<Message, 'authorId' | 'authorName'> {
  return { ...(id ? { authorId: id } : {}), ...(name ? { authorName: name } : {}) };
}

/** A status change to solved, as the sampling of solved conversations reads it (Zendesk's events carry no rating). */
export function zendeskSolve(payload: unknown): SolveEvent | undefined {
  const e = statusChangedSchema.safeParse(payload);
  return e.success && e.data.event.current.toLowerCase() === 'solved' ? { at: e.data.time } : undefined;
}

function base(
  ctx: DeliveryContext,
  ticketId: string,
  detail: { subject?: string | null; status?: string | null; tags?: string[] | null; requester_id?: string | null },
  messages: Message[],
): Thread {
  return {
    tenant: ctx.tenant,
    provider: 'zendesk',
    id: ticketId,
    subject: detail.subject ?? '',
    status: (detail.status ?? 'new').toLowerCase(),
    tags: detail.tags ?? [],
    requester: { id: detail.requester_id ?? null, name: null, email: null },
    messages,
  };
}

function fromTrigger(t: ReturnType<typeof triggerBodySchema.parse>, ctx: DeliveryContext, options: ZendeskNormalizeOptions): Thread {
  const text = t.text?.trim();
  // A trigger body gives no role: the requester is the customer, another author is taken as staff.
  const author = zendeskAuthor(options, { id: t.comment_author_id }, t.requester_id);
  const messages: Message[] = text
    ? [{ id: t.comment_id ?? `delivery-${ctx.deliveryId}`, author, public: t.comment_public ?? true, text, createdAt: ctx.receivedAt, ...(author === 'agent' ? agentOf(t.comment_author_id) : {}) }]
    : [];
  return base(ctx, t.ticket_id, { subject: t.subject, status: t.status, requester_id: t.requester_id }, messages);
}
