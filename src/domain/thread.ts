import { z } from 'zod';

/** Every provider payload or API read becomes this one shape (docs/contracts.md, Thread). */
export const messageSchema = z.object({
  id: z.string().min(1),
  author: z.enum(['customer', 'agent', 'ai', 'system']),
  public: z.boolean(),
  text: z.string(),
  createdAt: z.string(),
  /** an agent's message: the helpdesk's id and name of that agent, when the payload gives them */
  authorId: z.string().optional(),
  authorName: z.string().optional(),
});

export const threadSchema = z.object({
  tenant: z.string().regex(/^(zendesk|intercom):.+$/),
  provider: z.enum(['zendesk', 'intercom']),
  id: z.string().min(1),
  subject: z.string(),
  status: z.string(),
  tags: z.array(z.string()),
  requester: z.object({ id: z.string().nullable(), name: z.string().nullable(), email: z.string().nullable() }),
  messages: z.array(messageSchema),
});

export type Message = z.infer<typeof messageSchema>;
export type Thread = z.infer<typeof threadSchema>;
export type Provider = Thread['provider'];
