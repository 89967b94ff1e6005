import { z } from 'zod';
import { isInstant } from '../../domain/instant';

/** Zendesk sends ids as strings in event details and as numbers elsewhere: keep them as strings. */
export const zendeskId = z.union([z.string().min(1), z.number().int()]).transform(String);

export const SUPPORTED_EVENT_TYPES = ['zen:event-type:ticket.created', 'zen:event-type:ticket.comment_added', 'zen:event-type:ticket.status_changed'] as const;

/** Just enough to tell which kind of body arrived. */
export const zendeskKindSchema = z.union([
  z.looseObject({ type: z.string().startsWith('zen:event-type:') }),
  z.looseObject({ draftpilot_trigger: z.union([z.literal(1), z.literal('1')]) }),
]);

const ticketDetail = z.looseObject({
  id: zendeskId,
  subject: z.string().nullish(),
  description: z.string().nullish(),
  status: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  requester_id: zendeskId.nullish(),
  /** ticket.created: the user who opened the ticket, who is the author of its first comment */
  submitter_id: zendeskId.nullish(),
  /** whether any comment of the ticket is public: on ticket.created, whether the first comment is */
  is_public: z.boolean().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});

const envelope = {
  account_id: zendeskId,
  id: z.string().min(1),
  time: z.string().refine(isInstant, 'expected an ISO 8601 time'),
  zendesk_event_version: z.string().optional(),
  subject: z.string().regex(/^zen:ticket:\d+$/, 'expected "zen:ticket:<id>"'),
  detail: ticketDetail,
};

/** Event-connected webhook, zen:event-type:ticket.created. */
export const ticketCreatedSchema = z.looseObject({
  ...envelope,
  type: z.literal('zen:event-type:ticket.created'),
  event: z.looseObject({}).nullish(),
});

export const commentSchema = z.looseObject({
  id: zendeskId,
  body: z.string().nullish(),
  html_body: z.string().nullish(),
  is_public: z.boolean().default(true),
  author: z.looseObject({ id: zendeskId, is_staff: z.boolean().nullish(), name: z.string().nullish() }),
});

/** Event-connected webhook, zen:event-type:ticket.comment_added. */
export const commentAddedSchema = z.looseObject({
  ...envelope,
  type: z.literal('zen:event-type:ticket.comment_added'),
  event: z.looseObject({ comment: commentSchema }),
});

/**
 * Event-connected webhook, zen:event-type:ticket.status_changed: `event` holds the status before and
 * after, upper-case (`{"current": "SOLVED", "previous": "OPEN"}`), the detail the ticket after it.
 * https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events/
 */
export const statusChangedSchema = z.looseObject({
  ...envelope,
  type: z.literal('zen:event-type:ticket.status_changed'),
  event: z.looseObject({ current: z.string().min(1), previous: z.string().nullish() }),
});

const triggerBool = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');
const optionalId = z.union([zendeskId, z.literal('')]).transform((v) => (v === '' ? null : v)).nullish();

/** Trigger-connected webhook with the body template shipped in setup/trigger-body.json. */
export const triggerBodySchema = z.looseObject({
  draftpilot_trigger: z.union([z.literal(1), z.literal('1')]),
  event: z.enum(['ticket.created', 'comment.added']),
  account_id: optionalId,
  ticket_id: zendeskId,
  requester_id: optionalId,
  comment_id: optionalId,
  comment_author_id: optionalId,
  comment_public: triggerBool.nullish(),
  status: z.string().nullish(),
  subject: z.string().nullish(),
  text: z.string().nullish(),
});

export type TicketCreated = z.infer<typeof ticketCreatedSchema>;
export type CommentAdded = z.infer<typeof commentAddedSchema>;
export type TriggerBody = z.infer<typeof triggerBodySchema>;
export type StatusChanged = z.infer<typeof statusChangedSchema>;
export type ZendeskPayload = TicketCreated | CommentAdded | StatusChanged | TriggerBody;
