import { compareTimes } from '../domain/instant';
import type { Message, Thread } from '../domain/thread';

/**
 * Folds what a newer delivery says into the stored thread: messages are a union by id (a redelivery
 * or a second webhook about the same comment adds nothing), metadata is taken from the newer side
 * where it says something.
 */
export function mergeThread(stored: Thread | undefined, update: Thread): Thread {
  if (!stored) return { ...update, messages: sortMessages(dedupe(update.messages)) };
  const messages = dedupe([...stored.messages, ...update.messages]);
  return {
    ...stored,
    subject: update.subject || stored.subject,
    status: update.status || stored.status,
    tags: update.tags.length > 0 ? update.tags : stored.tags,
    requester: {
      id: update.requester.id ?? stored.requester.id,
      name: update.requester.name ?? stored.requester.name,
      email: update.requester.email ?? stored.requester.email,
    },
    messages: sortMessages(messages),
  };
}

/**
 * The id under which draftpilot records a write of its own whose helpdesk id it did not learn (an
 * answer of an unexpected shape). The helpdesk's own report of that write replaces it (same author,
 * visibility and text).
 */
export function ownWriteId(draftId: string): string {
  return `draftpilot-${draftId}`;
}

const OWN_WRITE = /^draftpilot-/;
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * The newer copy of a message wins, except that a message draftpilot recorded as its own write stays
 * 'ai': draftpilot learned its id from the helpdesk's answer to that very write, while a webhook about
 * it can only name the author when ZENDESK_BOT_USER_ID or INTERCOM_ADMIN_ID is configured.
 */
function dedupe(messages: Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const m of messages) {
    const known = byId.get(m.id);
    byId.set(m.id, known?.author === 'ai' && m.author !== 'ai' ? { ...m, author: 'ai' } : m);
  }
  const all = [...byId.values()];
  const reported = all.filter((m) => m.author === 'ai' && !OWN_WRITE.test(m.id));
  return all.filter((m) => !OWN_WRITE.test(m.id) || !reported.some((r) => r.public === m.public && squash(r.text) === squash(m.text)));
}

/**
 * A thread read whole from the helpdesk API replaces the stored one; the messages draftpilot recorded
 * as its own writes stay 'ai' there too (same ids), and one whose helpdesk id is unknown is kept.
 */
export function keepOwnWrites(stored: Thread | undefined, loaded: Thread): Thread {
  const own = (stored?.messages ?? []).filter((m) => m.author === 'ai');
  if (own.length === 0) return loaded;
  const ownIds = new Set(own.map((m) => m.id));
  const messages = loaded.messages.map((m) => (ownIds.has(m.id) && m.author !== 'ai' ? { ...m, author: 'ai' as const } : m));
  const loadedIds = new Set(messages.map((m) => m.id));
  const unmatched = own.filter((m) => OWN_WRITE.test(m.id) && !loadedIds.has(m.id));
  return { ...loaded, messages: sortMessages(dedupe([...messages, ...unmatched])) };
}

/**
 * Oldest first by the instant each message names (not by its text: Zendesk event times carry
 * nanoseconds, other times end in whole seconds or milliseconds). Equal instants keep the order they
 * were known in: the stored thread first, then the newer delivery, each in its own order.
 */
export function sortMessages(messages: Message[]): Message[] {
  return messages
    .map((m, i) => ({ m, i }))
    .sort((a, b) => compareTimes(a.m.createdAt, b.m.createdAt) || a.i - b.i)
    .map(({ m }) => m);
}
