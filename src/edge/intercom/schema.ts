import { z } from 'zod';

export const intercomId = z.union([z.string().min(1), z.number().int()]).transform(String);

export const USER_TOPICS = ['conversation.user.created', 'conversation.user.replied'] as const;
export const ADMIN_TOPIC_PREFIX = 'conversation.admin.';

export const topicSchema = z.looseObject({ topic: z.string().min(1) });

const author = z.looseObject({
  id: intercomId.nullish(),
  type: z.string(),
  name: z.string().nullish(),
  email: z.string().nullish(),
});

export const partSchema = z.looseObject({
  id: intercomId,
  part_type: z.string(),
  body: z.string().nullish(),
  /** blank for some channels (Intercom's model: "For Twitter, this will be blank") */
  author: author.nullish(),
  created_at: z.number(),
});

/** The opening message: `source` from API 2.0, `conversation_message` in 1.x payloads. */
const openingMessage = z.looseObject({ id: intercomId.nullish(), body: z.string().nullish(), subject: z.string().nullish(), author: author.nullish() });
const reference = z.looseObject({ id: intercomId.nullish(), type: z.string().nullish() });

export const conversationSchema = z.looseObject({
  type: z.literal('conversation'),
  id: intercomId,
  title: z.string().nullish(),
  state: z.string().nullish(),
  created_at: z.number().nullish(),
  tags: z.looseObject({ tags: z.array(z.looseObject({ name: z.string() })) }).nullish(),
  source: openingMessage.nullish(),
  contacts: z.looseObject({ contacts: z.array(z.looseObject({ id: intercomId })) }).nullish(),
  /** 1.x payloads (https://developers.intercom.com/docs/references/1.1/rest-api/conversations/conversation-model) */
  conversation_message: openingMessage.nullish(),
  user: reference.nullish(),
  customers: z.array(reference).nullish(),
  conversation_parts: z.looseObject({ conversation_parts: z.array(partSchema) }).nullish(),
  /** the customer's rating, 1 to 5, once given (Intercom's conversation model) */
  conversation_rating: z.looseObject({ rating: z.number().int().nullish() }).nullish(),
});

/** The notification envelope: https://developers.intercom.com/docs/references/webhooks/webhook-models */
export const notificationSchema = z.looseObject({
  type: z.literal('notification_event'),
  app_id: z.string().min(1),
  id: z.string().min(1),
  topic: z.string().min(1),
  created_at: z.number().int(),
  first_sent_at: z.number().int().nullish(),
  delivery_attempts: z.number().int().nullish(),
  data: z.looseObject({ item: conversationSchema }),
});

export type Notification = z.infer<typeof notificationSchema>;
export type Conversation = z.infer<typeof conversationSchema>;
export type Part = z.infer<typeof partSchema>;
