import { createHash } from 'node:crypto';
import { zendeskTenant } from '../../domain/tenant';
import { header, Headers, Parsed } from '../provider-edge';
import { zodMessage } from '../../domain/zod-message';
import { commentAddedSchema, SUPPORTED_EVENT_TYPES, ticketCreatedSchema, triggerBodySchema, zendeskKindSchema } from './schema';

export interface ZendeskRouteOptions {
  /** the account's subdomain; the tenant is zendesk:<subdomain> */
  subdomain?: string;
  /** draftpilot's own Zendesk user: its comments never trigger a draft */
  botUserId?: string;
}

export const INVOCATION_HEADER = 'x-zendesk-webhook-invocation-id';
export const ACCOUNT_HEADER = 'x-zendesk-account-id';

/** zendesk:<subdomain>; without a configured subdomain, the account id Zendesk sent stands in for it. */
export function tenantOfDelivery(options: ZendeskRouteOptions, accountId: string | null | undefined): string {
  return zendeskTenant(options.subdomain ?? `account-${accountId ?? 'unknown'}`);
}

/** Decides what a verified Zendesk body is: a customer message, agent activity, or nothing for us. */
export function routeZendesk(json: unknown, headers: Headers, rawBody: Buffer, options: ZendeskRouteOptions): Parsed {
  const kind = zendeskKindSchema.safeParse(json);
  if (!kind.success) {
    return {
      ok: false,
      code: 'schema_mismatch',
      message: 'expected a Zendesk event (type "zen:event-type:...") or the draftpilot trigger body (webhooks/zendesk/setup/trigger-body.json)',
    };
  }
  if ('draftpilot_trigger' in kind.data) return routeTrigger(json, headers, rawBody, options);

  const type = kind.data.type as string;
  if (!(SUPPORTED_EVENT_TYPES as readonly string[]).includes(type)) {
    return { ok: true, route: { action: 'ignore', reason: 'unsupported_event', detail: `event type ${type} is not used by draftpilot` } };
  }
  if (type === 'zen:event-type:ticket.created') {
    const parsed = ticketCreatedSchema.safeParse(json);
    if (!parsed.success) return { ok: false, code: 'schema_mismatch', message: zodMessage(parsed.error) };
    const e = parsed.data;
    return { ok: true, route: { action: 'accept', deliveryId: e.id, tenant: tenantOfDelivery(options, e.account_id), topic: 'ticket.created', threadId: e.detail.id } };
  }

  const parsed = commentAddedSchema.safeParse(json);
  if (!parsed.success) return { ok: false, code: 'schema_mismatch', message: zodMessage(parsed.error) };
  const e = parsed.data;
  const comment = e.event.comment;
  const base = { deliveryId: e.id, tenant: tenantOfDelivery(options, e.account_id), topic: 'ticket.comment_added', threadId: e.detail.id };
  // Only the author proves a comment is draftpilot's own: a marker in anyone's text is just text.
  if (isOwnAuthor(options, comment.author.id)) {
    return { ok: true, route: { action: 'ignore', reason: 'self_authored', detail: 'comment written by draftpilot' } };
  }
  if (!comment.is_public) return { ok: true, route: { action: 'record', ...base, reason: 'internal_note' } };
  if (comment.author.is_staff) return { ok: true, route: { action: 'record', ...base, reason: 'agent_comment' } };
  // A public comment by another end user (a CC, a colleague of the requester) is kept, not answered.
  if (e.detail.requester_id && comment.author.id !== e.detail.requester_id) return { ok: true, route: { action: 'record', ...base, reason: 'other_end_user' } };
  return { ok: true, route: { action: 'accept', ...base } };
}

function routeTrigger(json: unknown, headers: Headers, rawBody: Buffer, options: ZendeskRouteOptions): Parsed {
  const parsed = triggerBodySchema.safeParse(json);
  if (!parsed.success) return { ok: false, code: 'schema_mismatch', message: zodMessage(parsed.error) };
  const t = parsed.data;
  // Trigger bodies carry no event id: the invocation id is stable across Zendesk's retries.
  const deliveryId = header(headers, INVOCATION_HEADER) ?? `sha256-${createHash('sha256').update(rawBody).digest('hex').slice(0, 40)}`;
  const tenant = tenantOfDelivery(options, t.account_id ?? header(headers, ACCOUNT_HEADER));
  const topic = t.event === 'ticket.created' ? 'ticket.created' : 'ticket.comment_added';
  if (isOwnAuthor(options, t.comment_author_id)) {
    return { ok: true, route: { action: 'ignore', reason: 'self_authored', detail: 'comment written by draftpilot' } };
  }
  if (t.comment_public === false) return { ok: true, route: { action: 'record', deliveryId, tenant, topic, threadId: t.ticket_id, reason: 'internal_note' } };
  // The trigger body cannot say whether the author is staff: only the requester counts as the customer.
  if (t.comment_author_id && t.requester_id && t.comment_author_id !== t.requester_id) {
    return { ok: true, route: { action: 'record', deliveryId, tenant, topic, threadId: t.ticket_id, reason: 'other_end_user' } };
  }
  return { ok: true, route: { action: 'accept', deliveryId, tenant, topic, threadId: t.ticket_id } };
}

/** draftpilot's own Zendesk user wrote it: the configured ZENDESK_BOT_USER_ID, nothing else. */
export function isOwnAuthor(options: { botUserId?: string | undefined }, authorId: string | null | undefined): boolean {
  return Boolean(options.botUserId) && authorId === options.botUserId;
}
