import type { DeliveryContext } from '../provider-edge';
import { htmlToText } from '../../domain/html-to-text';
import { isOwnAuthor } from './route';
import type { Message, Thread } from '../../domain/thread';
import { commentAddedSchema, ticketCreatedSchema, triggerBodySchema, ZendeskPayload } from './schema';

export interface ZendeskNormalizeOptions {
  botUserId?: string;
}

/** Turns a stored Zendesk delivery into the normalized thread it tells about (docs/contracts.md, Thread). */
export function normalizeZendesk(payload: unknown, ctx: DeliveryContext, options: ZendeskNormalizeOptions = {}): Thread {
  const body = payload as ZendeskPayload;
  if ('draftpilot_trigger' in body) return fromTrigger(triggerBodySchema.parse(payload), ctx, options);
  if (body.type === 'zen:event-type:ticket.created') {
    const e = ticketCreatedSchema.parse(payload);
    const description = e.detail.description?.trim();
    const messages: Message[] = description
      ? [{ id: `${e.detail.id}-description`, author: 'customer', public: true, text: description, createdAt: e.detail.created_at ?? e.time }]
      : [];
    return base(ctx, e.detail.id, e.detail, messages);
  }
  const e = commentAddedSchema.parse(payload);
  const c = e.event.comment;
  const text = c.body ?? (c.html_body ? htmlToText(c.html_body) : '');
  const ownWrite = isOwnAuthor(options, c.author.id);
  const isCustomer = e.detail.requester_id ? c.author.id === e.detail.requester_id : !c.author.is_staff;
  const author: Message['author'] = ownWrite ? 'ai' : isCustomer && !c.author.is_staff ? 'customer' : 'agent';
  return base(ctx, e.detail.id, e.detail, [{ id: c.id, author, public: c.is_public, text, createdAt: e.time }]);
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
  const ownWrite = isOwnAuthor(options, t.comment_author_id);
  const author: Message['author'] = ownWrite ? 'ai' : 'customer';
  const messages: Message[] = text
    ? [{ id: t.comment_id ?? `delivery-${ctx.deliveryId}`, author, public: t.comment_public ?? true, text, createdAt: ctx.receivedAt }]
    : [];
  return base(ctx, t.ticket_id, { subject: t.subject, status: t.status, requester_id: t.requester_id }, messages);
}
