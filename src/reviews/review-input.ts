import { z } from 'zod';
import { briefSchema } from '../brief/brief';

/**
 * What an agent's review says (POST /api/reviews, the helpdesk apps): the action, and for a reject
 * the reason from the taxonomy (docs/contracts.md, Reviews). Pure: no store, no HTTP.
 */

/** The actions an agent takes; `replaced` is only ever recorded from a reply (implicit review). */
export const AGENT_ACTIONS = ['approve', 'edit', 'reject', 'escalate'] as const;
export const REVIEW_ACTIONS = [...AGENT_ACTIONS, 'replaced'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/** Why a draft was rejected. `other` needs the agent's words in `text`. */
export const REJECT_REASONS = ['wrong_information', 'missing_information', 'wrong_tone', 'off_brand', 'policy_violation', 'not_relevant', 'should_escalate', 'other'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Where a review came from. */
export const REVIEW_SOURCES = ['zendesk_app', 'intercom_app', 'implicit', 'api'] as const;
export type ReviewSource = (typeof REVIEW_SOURCES)[number];

/** The longest agent text or sent reply kept (a helpdesk reply is rarely longer). */
export const MAX_REVIEW_TEXT = 20_000;

export const agentSchema = z
  .object({
    id: z.union([z.string().trim().min(1).max(200), z.number().int().nonnegative().transform(String)], { message: 'the agent id: a string such as "9000000123"' }),
    name: z.string().trim().max(200).optional(),
  })
  .strict();
export type ReviewAgent = z.infer<typeof agentSchema>;

const draftId = z.string().regex(/^d_[A-Za-z0-9_-]{12}$/, 'a draft id is d_ followed by 12 letters, digits, - or _ (e.g. d_Xk3v9QpLm2Wd)');
const longText = z.string().max(MAX_REVIEW_TEXT, `at most ${MAX_REVIEW_TEXT} characters`);

export const reviewInputSchema = z
  .object({
    draft_id: draftId,
    action: z.enum(AGENT_ACTIONS, { message: `one of ${AGENT_ACTIONS.join(', ')}` }),
    reason: z.enum(REJECT_REASONS, { message: `one of ${REJECT_REASONS.join(', ')}` }).optional(),
    text: longText.optional(),
    sent_text: longText.optional(),
    agent: agentSchema,
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.action === 'reject' && !r.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: `a reject needs a reason: one of ${REJECT_REASONS.join(', ')}` });
    }
    if (r.reason && r.action !== 'reject' && r.action !== 'escalate') {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: `only reject and escalate take a reason (this is ${r.action})` });
    }
    if (r.reason === 'other' && !r.text?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'reason "other" needs the agent\'s words in text' });
    }
    if (r.action === 'edit' && r.sent_text === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sent_text'], message: 'an edit needs the text that was sent (sent_text)' });
    }
  });
export type ReviewInput = z.infer<typeof reviewInputSchema>;

/** The fields of a handoff brief an agent can say were missing (docs/contracts.md, Handoff brief). */
export const BRIEF_FIELDS = briefSchema.keyof().options;

export const briefFeedbackInputSchema = z
  .object({
    useful: z.boolean({ message: 'true or false: was the brief useful?' }),
    missing: z.enum(BRIEF_FIELDS, { message: `one of the brief's fields: ${BRIEF_FIELDS.join(', ')}` }).optional(),
    agent: agentSchema,
  })
  .strict();
export type BriefFeedbackInput = z.infer<typeof briefFeedbackInputSchema>;
