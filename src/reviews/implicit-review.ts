import type { Message } from '../domain/thread';
import { editDistance, normalizedDistance } from './compare-texts';

/**
 * Implicit reviews (docs/contracts.md, Implicit reviews): an agent's public reply after a draft that
 * waited for an agent, compared with the draft. Pure.
 */

/** At most this normalized distance, the reply is the draft (whitespace, markup, a typo): approve. */
export const APPROVE_MAX_DISTANCE = 0.02;
/** Above this, the agent wrote something else: replaced. In between: edit. */
export const EDIT_MAX_DISTANCE = 0.6;

export interface PendingDraft {
  /** the customer message the draft answers */
  message_id: string;
  draft: string;
  created_at: Date;
}

export interface ImplicitReview {
  action: 'approve' | 'edit' | 'replaced';
  sent_text: string;
  edit_distance: number;
  agent: { id: string; name?: string };
}

/** The agent's first public reply after the draft's customer message (or, when that is not in the thread, after the draft). */
export function replyAfter(messages: readonly Message[], draft: PendingDraft): Message | undefined {
  const at = messages.findIndex((m) => m.id === draft.message_id);
  const later = at >= 0 ? messages.slice(at + 1) : messages.filter((m) => Date.parse(m.createdAt) >= draft.created_at.getTime());
  return later.find((m) => m.author === 'agent' && m.public && m.text.trim() !== '');
}

export function implicitReview(draftText: string, reply: Message): ImplicitReview {
  const relative = normalizedDistance(draftText, reply.text);
  const action = relative <= APPROVE_MAX_DISTANCE ? 'approve' : relative <= EDIT_MAX_DISTANCE ? 'edit' : 'replaced';
  return {
    action,
    sent_text: reply.text,
    edit_distance: editDistance(draftText, reply.text),
    agent: { id: reply.authorId ?? 'unknown', ...(reply.authorName ? { name: reply.authorName } : {}) },
  };
}
