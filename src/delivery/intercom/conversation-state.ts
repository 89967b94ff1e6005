import { z } from 'zod';
import { bodyText } from '../../domain/html-to-text';
import { conversationSchema, intercomId } from '../../edge/intercom/schema';
import { markerFor } from '../../domain/marker';

/**
 * What the writer needs to know about a conversation before writing, from one read:
 * GET /conversations/{id}?display_as=plaintext (the last 500 parts)
 * https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/retrieveconversation
 */
export const conversationReadSchema = conversationSchema.extend({
  team_assignee_id: intercomId.nullish(),
  tags: z.looseObject({ tags: z.array(z.looseObject({ id: intercomId.nullish(), name: z.string() })) }).nullish(),
});

export type ConversationRead = z.infer<typeof conversationReadSchema>;

export interface ConversationState {
  /** our note (or autopilot reply) for this draft is already in the conversation */
  replyPresent: boolean;
  /** that part: its id and creation time (unix seconds) */
  replyPart?: { id: string; createdAt: number };
  /** tag names on the conversation, lower-cased (Intercom tag names are case-insensitive) */
  tags: Set<string>;
  /** ids of the tags on the conversation, by lower-cased name: free entries for the tag cache */
  tagIds: Map<string, string>;
  teamAssigneeId: string | null;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * `draftId` finds a note by its marker. An autopilot reply goes to the customer and carries no marker,
 * so it is recognized as a comment by our admin whose text is the draft's.
 */
export function conversationState(c: ConversationRead, lookFor: { draftId: string; adminId: string; autopilotDraft?: string | null }): ConversationState {
  const marker = markerFor(lookFor.draftId);
  const draftText = lookFor.autopilotDraft ? squash(lookFor.autopilotDraft) : null;
  const parts = c.conversation_parts?.conversation_parts ?? [];
  const ours = (p: (typeof parts)[number]) => p.author?.type === 'admin' && p.author.id === lookFor.adminId;
  // The read asks for plain text (display_as=plaintext): `Use code <ABC123>` must compare as written.
  const found = parts.find((p) => {
    if (!p.body) return false;
    // Our notes are written by our admin: a marker typed by anyone else proves nothing.
    if (p.body.includes(marker) && ours(p)) return true;
    return draftText !== null && p.part_type === 'comment' && ours(p) && squash(bodyText(p.body, 'auto')) === draftText;
  });
  const tags = new Set<string>();
  const tagIds = new Map<string, string>();
  for (const t of c.tags?.tags ?? []) {
    const name = t.name.toLowerCase();
    tags.add(name);
    if (t.id) tagIds.set(name, t.id);
  }
  return { replyPresent: found !== undefined, ...(found ? { replyPart: { id: found.id, createdAt: found.created_at } } : {}), tags, tagIds, teamAssigneeId: c.team_assignee_id ?? null };
}

/**
 * The state of a conversation no writer has touched for this draft (a first attempt): nothing of ours
 * can be there, so it is assumed rather than read. Tags and team are unknown and taken as none: a tag
 * or team already there (from an earlier draft of the conversation) is written again rather than read.
 */
export function unreadConversationState(): ConversationState {
  return { replyPresent: false, tags: new Set(), tagIds: new Map(), teamAssigneeId: null };
}
