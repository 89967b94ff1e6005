import type { DeliveryContext } from '../provider-edge';
import { htmlToText } from '../../domain/html-to-text';
import { CUSTOMER_TYPES, isOwnAdmin } from './route';
import type { Message, Thread } from '../../domain/thread';
import { notificationSchema } from './schema';

export interface IntercomNormalizeOptions {
  adminId?: string;
}

function authorOf(a: { id?: string | null; type: string }, options: IntercomNormalizeOptions): Message['author'] {
  if (isOwnAdmin(options, a.id)) return 'ai';
  if (CUSTOMER_TYPES.has(a.type)) return 'customer';
  if (a.type === 'admin' || a.type === 'team') return 'agent';
  return 'system';
}

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/** Turns a stored Intercom notification into the normalized thread it tells about (docs/contracts.md, Thread). */
export function normalizeIntercom(payload: unknown, ctx: DeliveryContext, options: IntercomNormalizeOptions = {}): Thread {
  const n = notificationSchema.parse(payload);
  const c = n.data.item;
  const messages: Message[] = [];
  const source = c.source;
  if (source?.body) {
    const text = htmlToText(source.body);
    const author = source.author ? authorOf(source.author, options) : 'customer';
    messages.push({ id: `source-${source.id ?? c.id}`, author, public: true, text, createdAt: iso(c.created_at ?? n.created_at) });
  }
  for (const part of c.conversation_parts?.conversation_parts ?? []) {
    if (!part.body) continue; // assignment, open, close and similar parts carry no text
    const text = htmlToText(part.body);
    const isNote = part.part_type === 'note';
    messages.push({ id: part.id, author: authorOf(part.author, options), public: !isNote, text, createdAt: iso(part.created_at) });
  }
  const requester = source?.author && CUSTOMER_TYPES.has(source.author.type) ? source.author : undefined;
  return {
    tenant: ctx.tenant,
    provider: 'intercom',
    id: c.id,
    subject: c.title ?? (source?.subject ? htmlToText(source.subject) : ''),
    status: c.state ?? 'open',
    tags: (c.tags?.tags ?? []).map((t) => t.name),
    requester: {
      id: requester?.id ?? c.contacts?.contacts[0]?.id ?? null,
      name: requester?.name ?? null,
      email: requester?.email ?? null,
    },
    messages,
  };
}
