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

function dedupe(messages: Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const m of messages) byId.set(m.id, m);
  return [...byId.values()];
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
