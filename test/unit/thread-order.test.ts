import { compareTimes, parseInstant } from '../../src/domain/instant';
import type { Message, Thread } from '../../src/domain/thread';
import { mergeThread, sortMessages } from '../../src/threads/merge-thread';

const message = (id: string, createdAt: string, author: Message['author'] = 'customer'): Message => ({ id, author, public: true, text: id, createdAt });

function thread(...messages: Message[]): Thread {
  return { tenant: 'zendesk:acme', provider: 'zendesk', id: '5158', subject: '', status: 'open', tags: [], requester: { id: null, name: null, email: null }, messages };
}

describe('message order by instant', () => {
  it('reads nanoseconds, milliseconds, whole seconds and offsets as instants', () => {
    // Zendesk's documented ticket.comment_added example: "time": "2025-01-08T14:25:30.123456789Z"
    expect(parseInstant('2025-01-08T14:25:30.123456789Z')).toEqual({ ms: Date.parse('2025-01-08T14:25:30.123Z'), nanos: 456789 });
    expect(parseInstant('2025-01-08T14:25:30Z')).toEqual({ ms: Date.parse('2025-01-08T14:25:30Z'), nanos: 0 });
    expect(parseInstant('2025-01-08T16:25:30.5+02:00')).toEqual({ ms: Date.parse('2025-01-08T14:25:30.500Z'), nanos: 0 });
    expect(parseInstant('2025-01-08T16:25:30+0200')!.ms).toBe(Date.parse('2025-01-08T14:25:30Z'));
    expect(parseInstant('yesterday')).toBeNull();
    expect(compareTimes('2025-01-08T14:25:30.000000002Z', '2025-01-08T14:25:30.000000001Z')).toBeGreaterThan(0);
  });

  it('no longer swaps two messages within one second (text order put ".123456789Z" before "Z")', () => {
    // The agent's reply at 14:25:30 (whole seconds), then the customer's follow-up 0.12 s later,
    // reported by a Zendesk event with nanoseconds. As text, "…30.123456789Z" < "…30Z".
    const reply = message('agent-reply', '2025-01-08T14:25:30Z', 'agent');
    const followUp = message('follow-up', '2025-01-08T14:25:30.123456789Z');
    expect(followUp.createdAt.localeCompare(reply.createdAt)).toBeLessThan(0); // the old comparison
    expect(sortMessages([followUp, reply]).map((m) => m.id)).toEqual(['agent-reply', 'follow-up']);
    const merged = mergeThread(thread(followUp), thread(reply));
    expect(merged.messages.map((m) => m.id)).toEqual(['agent-reply', 'follow-up']);
  });

  it('keeps the known order for equal instants and puts unreadable times last', () => {
    const a = message('a', '2025-01-08T14:25:30Z');
    const b = message('b', '2025-01-08T14:25:30.000Z');
    const odd = message('odd', 'not a time');
    expect(sortMessages([a, b]).map((m) => m.id)).toEqual(['a', 'b']);
    expect(sortMessages([b, a]).map((m) => m.id)).toEqual(['b', 'a']);
    expect(sortMessages([odd, b, a]).map((m) => m.id)).toEqual(['b', 'a', 'odd']);
    // stored first, then the newer delivery: a same-second reply stays after what was stored
    expect(mergeThread(thread(a), thread(b)).messages.map((m) => m.id)).toEqual(['a', 'b']);
  });
});
