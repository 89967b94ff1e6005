import type { Message } from '../../domain/thread';

/**
 * Who wrote a Zendesk comment, decided by the author's id and role only, in one place for the route
 * (what a delivery triggers) and the normalizer (the thread it becomes), so both always agree:
 * - draftpilot's own user (ZENDESK_BOT_USER_ID): 'ai'. Nothing else proves a comment is ours; the
 *   marker in anyone else's text is just text.
 * - staff (`is_staff: true`): 'agent'.
 * - an end user (`is_staff: false`), the requester or anyone else on the customer's side such as a
 *   CC: 'customer'.
 * - a role the payload does not give: the requester is 'customer', anyone else 'agent'.
 * Only a public comment by the customer side is a customer message that draftpilot drafts for.
 */

export interface AuthorOptions {
  botUserId?: string | undefined;
}

/** draftpilot's own Zendesk user wrote it: the configured ZENDESK_BOT_USER_ID, nothing else. */
export function isOwnAuthor(options: AuthorOptions, authorId: string | null | undefined): boolean {
  return Boolean(options.botUserId) && authorId === options.botUserId;
}

export function zendeskAuthor(
  options: AuthorOptions,
  author: { id: string | null | undefined; isStaff?: boolean | null | undefined },
  requesterId: string | null | undefined,
): Message['author'] {
  if (isOwnAuthor(options, author.id)) return 'ai';
  if (author.isStaff === true) return 'agent';
  if (author.isStaff === false) return 'customer';
  if (!requesterId || !author.id) return 'customer';
  return author.id === requesterId ? 'customer' : 'agent';
}

/**
 * Why a comment drafts nothing (the reason of a `recorded` answer), or null for a customer message.
 * `self_authored`: draftpilot's own; `internal_note`: not public; `agent_comment`: public, by staff.
 */
export function recordReason(author: Message['author'], isPublic: boolean): 'self_authored' | 'internal_note' | 'agent_comment' | null {
  if (author === 'ai') return 'self_authored';
  if (!isPublic) return 'internal_note';
  if (author !== 'customer') return 'agent_comment';
  return null;
}
