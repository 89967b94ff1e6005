import type { DeliveryContext, SolveEvent } from '../provider-edge';
import { BodyFormat, bodyText } from '../../domain/html-to-text';
import { CUSTOMER_TYPES, isOwnAdmin } from './route';
import type { Message, Thread } from '../../domain/thread';
import { notificationSchema } from './schema';

export interface IntercomNormalizeOptions {
  adminId?: string;
  /**
   * How the bodies are written. Unset: by the API version the app is set to in Intercom's Developer
   * Hub (`apiVersion`), else told apart by their content.
   */
  bodies?: IntercomBodyFormats;
  /** the app's API version (settings webhooks.intercom_api_version): `auto`, `2.14`, `2.15`, ... */
  apiVersion?: string;
}

export interface IntercomBodyFormats {
  source: BodyFormat;
  parts: BodyFormat;
}

/**
 * How a webhook's bodies are written for an app on this API version. Up to 2.14 they are HTML; from
 * 2.15 a conversation part's body in a webhook payload is plain text (Intercom's conversation part
 * model, 2.15), and the opening message is told apart by its content. `auto` (or an unreadable
 * version): both by their content.
 */
export function intercomBodyFormats(apiVersion: string | undefined): IntercomBodyFormats {
  const v = /^(\d+)\.(\d+)$/.exec(apiVersion ?? '');
  if (apiVersion?.toLowerCase() === 'unstable') return { source: 'auto', parts: 'text' };
  if (!v) return { source: 'auto', parts: 'auto' };
  const [major, minor] = [Number(v[1]), Number(v[2])];
  return major > 2 || (major === 2 && minor >= 15) ? { source: 'auto', parts: 'text' } : { source: 'html', parts: 'html' };
}

function authorOf(a: { id?: string | null; type: string } | null | undefined, options: IntercomNormalizeOptions): Message['author'] {
  if (!a) return 'system';
  if (isOwnAdmin(options, a.id)) return 'ai';
  if (CUSTOMER_TYPES.has(a.type)) return 'customer';
  if (a.type === 'admin' || a.type === 'team') return 'agent';
  return 'system';
}

/** Notes (`note`, `note_and_reopen`) are for teammates; every other part with a body is in the conversation. */
const isNote = (partType: string) => partType.startsWith('note');

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/** A teammate closed the conversation: the solve the sampling reads, with the customer's rating when the payload has one. */
export function intercomSolve(payload: unknown): SolveEvent | undefined {
  const n = notificationSchema.safeParse(payload);
  if (!n.success || n.data.topic !== 'conversation.admin.closed') return undefined;
  const rating = n.data.data.item.conversation_rating?.rating;
  return { at: iso(n.data.created_at), ...(typeof rating === 'number' ? { rating } : {}) };
}

/** Turns a stored Intercom notification into the normalized thread it tells about (docs/contracts.md, Thread). */
export function normalizeIntercom(payload: unknown, ctx: DeliveryContext, options: IntercomNormalizeOptions = {}): Thread {
  const n = notificationSchema.parse(payload);
  const c = n.data.item;
  const formats = options.bodies ?? intercomBodyFormats(options.apiVersion);
  const messages: Message[] = [];
  // A 1.x payload carries the opening message in conversation_message (always HTML) instead of source.
  const legacy = !c.source && c.conversation_message ? c.conversation_message : undefined;
  const source = c.source ?? legacy;
  if (source?.body) {
    const text = bodyText(source.body, legacy ? 'html' : formats.source);
    const author = source.author ? authorOf(source.author, options) : 'customer';
    messages.push({ id: `source-${source.id ?? c.id}`, author, public: true, text, createdAt: iso(c.created_at ?? n.created_at) });
  }
  for (const part of c.conversation_parts?.conversation_parts ?? []) {
    if (!part.body) continue; // assignment, open, close and similar parts carry no text
    const text = bodyText(part.body, legacy ? 'html' : formats.parts);
    const author = authorOf(part.author, options);
    const who = author === 'agent' && part.author ? { ...(part.author.id ? { authorId: part.author.id } : {}), ...(part.author.name ? { authorName: part.author.name } : {}) } : {};
    messages.push({ id: part.id, author, public: !isNote(part.part_type), text, createdAt: iso(part.created_at), ...who });
  }
  const requester = [source?.author, c.user].find((a) => a?.type && CUSTOMER_TYPES.has(a.type));
  const firstContact = c.contacts?.contacts[0]?.id ?? c.customers?.[0]?.id ?? null;
  const named = source?.author && CUSTOMER_TYPES.has(source.author.type) ? source.author : undefined;
  return {
    tenant: ctx.tenant,
    provider: 'intercom',
    id: c.id,
    subject: c.title ?? (source?.subject ? bodyText(source.subject, 'auto') : ''),
    status: c.state ?? 'open',
    tags: (c.tags?.tags ?? []).map((t) => t.name),
    requester: {
      id: requester?.id ?? firstContact,
      name: named?.name ?? null,
      email: named?.email ?? null,
    },
    messages,
  };
}
