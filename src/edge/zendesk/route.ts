import { createHash } from 'node:crypto';
import { zendeskTenant } from '../../domain/tenant';
import { header, Headers, Parsed } from '../provider-edge';
import { zodMessage } from '../../domain/zod-message';
import { commentAddedSchema, statusChangedSchema, SUPPORTED_EVENT_TYPES, ticketCreatedSchema, triggerBodySchema, zendeskKindSchema } from './schema';
import { recordReason, zendeskAuthor } from './author';

export { isOwnAuthor } from './author';

export interface ZendeskRouteOptions {
  /** the account's subdomain; the tenant is zendesk:<subdomain> */
  subdomain?: string;
  /** draftpilot's own Zendesk user: its comments are stored as draftpilot's and never trigger a draft */
  botUserId?: string;
}

export const INVOCATION_HEADER = 'x-zendesk-webhook-invocation-id';
export const ACCOUNT_HEADER = 'x-zendesk-account-id';

/** zendesk:<subdomain>; without a configured subdomain, the account id Zendesk sent stands in for it. */
export function tenantOfDelivery(options: ZendeskRouteOptions, accountId: string | null | undefined): string {
  return zendeskTenant(options.subdomain ?? `account-${accountId ?? 'unknown'}`);
}

/**
 * Decides what a verified Zendesk body is: a customer message (accept: stored and drafted for), or
 * another message of the ticket (record: stored in the thread, drafts nothing), or nothing for us.
 * Who wrote it is decided as the normalizer decides (author.ts), so the two always agree.
 */
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
    const base = { deliveryId: e.id, tenant: tenantOfDelivery(options, e.account_id), topic: 'ticket.created', threadId: e.detail.id };
    // The first comment is the submitter's (an agent opening the ticket for a customer, perhaps), and
    // private when the ticket has no public comment.
    const reason = recordReason(zendeskAuthor(options, { id: e.detail.submitter_id }, e.detail.requester_id), e.detail.is_public ?? true);
    return { ok: true, route: reason ? { action: 'record', ...base, reason } : { action: 'accept', ...base } };
  }

  if (type === 'zen:event-type:ticket.status_changed') return routeStatusChange(json, options);

  const parsed = commentAddedSchema.safeParse(json);
  if (!parsed.success) return { ok: false, code: 'schema_mismatch', message: zodMessage(parsed.error) };
  const e = parsed.data;
  const comment = e.event.comment;
  const base = { deliveryId: e.id, tenant: tenantOfDelivery(options, e.account_id), topic: 'ticket.comment_added', threadId: e.detail.id };
  // Only the author proves a comment is draftpilot's own: a marker in anyone's text is just text. A
  // public comment by any end user (the requester, or a CC on the customer's side) is a customer message.
  const reason = recordReason(zendeskAuthor(options, { id: comment.author.id, isStaff: comment.author.is_staff }, e.detail.requester_id), comment.is_public);
  return { ok: true, route: reason ? { action: 'record', ...base, reason } : { action: 'accept', ...base } };
}

/**
 * A ticket set to solved is recorded (folded into the thread, drafts nothing) for the sampling of
 * solved conversations, under the topic `ticket.solved`; any other status change is not used.
 */
function routeStatusChange(json: unknown, options: ZendeskRouteOptions): Parsed {
  const parsed = statusChangedSchema.safeParse(json);
  if (!parsed.success) return { ok: false, code: 'schema_mismatch', message: zodMessage(parsed.error) };
  const e = parsed.data;
  const status = e.event.current.toLowerCase();
  if (status !== 'solved') return { ok: true, route: { action: 'ignore', reason: 'unsupported_event', detail: `a status change to ${status} is not used by draftpilot (only to solved)` } };
  return { ok: true, route: { action: 'record', deliveryId: e.id, tenant: tenantOfDelivery(options, e.account_id), topic: 'ticket.solved', threadId: e.detail.id, reason: 'solved' } };
}

function routeTrigger(json: unknown, headers: Headers, rawBody: Buffer, options: ZendeskRouteOptions): Parsed {
  const parsed = triggerBodySchema.safeParse(json);
  if (!parsed.success) return { ok: false, code: 'schema_mismatch', message: zodMessage(parsed.error) };
  const t = parsed.data;
  // Trigger bodies carry no event id: the invocation id is stable across Zendesk's retries.
  const deliveryId = header(headers, INVOCATION_HEADER) ?? `sha256-${createHash('sha256').update(rawBody).digest('hex').slice(0, 40)}`;
  const tenant = tenantOfDelivery(options, t.account_id ?? header(headers, ACCOUNT_HEADER));
  const topic = t.event === 'ticket.created' ? 'ticket.created' : 'ticket.comment_added';
  // The trigger body cannot say whether the author is staff: only the requester counts as the customer.
  const reason = recordReason(zendeskAuthor(options, { id: t.comment_author_id }, t.requester_id), t.comment_public ?? true);
  const base = { deliveryId, tenant, topic, threadId: t.ticket_id };
  return { ok: true, route: reason ? { action: 'record', ...base, reason } : { action: 'accept', ...base } };
}
