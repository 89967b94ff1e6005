import type { Parsed } from '../provider-edge';
import { intercomTenant } from '../../domain/tenant';
import { zodMessage } from '../../domain/zod-message';
import { ADMIN_TOPIC_PREFIX, Conversation, notificationSchema, Part, topicSchema, USER_TOPICS } from './schema';

export interface IntercomRouteOptions {
  /** draftpilot's own admin: its notes and replies are stored as draftpilot's and never trigger a draft */
  adminId?: string;
  /** a delivery older than this is answered 200 and ignored (no signed timestamp to rely on) */
  maxAgeSeconds: number;
}

export function latestPart(conversation: Conversation): Part | undefined {
  const parts = conversation.conversation_parts?.conversation_parts ?? [];
  return parts[parts.length - 1];
}

export function routeIntercom(json: unknown, now: Date, options: IntercomRouteOptions): Parsed {
  const topic = topicSchema.safeParse(json);
  if (!topic.success) return { ok: false, code: 'schema_mismatch', message: `expected an Intercom notification: ${zodMessage(topic.error)}` };
  const name = topic.data.topic;
  if (name === 'ping') return { ok: true, route: { action: 'ignore', reason: 'ping', detail: 'Intercom ping acknowledged' } };
  const isUser = (USER_TOPICS as readonly string[]).includes(name);
  const isAdmin = name.startsWith(ADMIN_TOPIC_PREFIX);
  if (!isUser && !isAdmin) return { ok: true, route: { action: 'ignore', reason: 'unsupported_event', detail: `topic ${name} is not used by draftpilot` } };

  const parsed = notificationSchema.safeParse(json);
  if (!parsed.success) return { ok: false, code: 'schema_mismatch', message: zodMessage(parsed.error) };
  const n = parsed.data;
  const sentAt = Math.min(n.created_at, n.first_sent_at ?? n.created_at);
  const ageSeconds = Math.floor(now.getTime() / 1000) - sentAt;
  if (ageSeconds > options.maxAgeSeconds) {
    return { ok: true, route: { action: 'ignore', reason: 'stale', detail: `notification is ${ageSeconds} s old; older than ${options.maxAgeSeconds} s are ignored` } };
  }
  const base = { deliveryId: n.id, tenant: intercomTenant(n.app_id), topic: name, threadId: n.data.item.id };
  // A user, lead or contact writes for the customer side (the conversation's contact or another
  // participant): accepted and drafted for. Admin activity is stored in the thread and drafts nothing.
  if (isUser) return { ok: true, route: { action: 'accept', ...base } };
  // Only the author proves a part is draftpilot's own: a marker in anyone's text is just text.
  const part = latestPart(n.data.item);
  if (isOwnAdmin(options, part?.author?.id)) return { ok: true, route: { action: 'record', ...base, reason: 'self_authored' } };
  return { ok: true, route: { action: 'record', ...base, reason: 'admin_activity' } };
}

/** Users, leads and contacts write as the customer side of a conversation. */
export const CUSTOMER_TYPES = new Set(['user', 'lead', 'contact']);

/** draftpilot's own Intercom admin wrote it: the configured INTERCOM_ADMIN_ID, nothing else. */
export function isOwnAdmin(options: { adminId?: string | undefined }, authorId: string | null | undefined): boolean {
  return Boolean(options.adminId) && authorId === options.adminId;
}
