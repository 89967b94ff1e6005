import { conversationOf, draftReply, messageToAnswer } from '../../src/drafting/draft-reply';
import type { Message, Thread } from '../../src/domain/thread';
import { normalizeIntercom } from '../../src/edge/intercom/normalize';
import { normalizeZendesk } from '../../src/edge/zendesk/normalize';
import { keepOwnWrites, mergeThread, ownWriteId } from '../../src/threads/merge-thread';
import { ownMessage } from '../../src/drafting/drafter';
import { deliveryRequest } from '../helpers/delivery-request';
import { demoDraftDeps } from '../helpers/drafting';
import { fixture, freshIntercom } from '../helpers/fixtures';

const ctx = { deliveryId: 'd1', tenant: 'zendesk:acme', receivedAt: '2026-11-27T10:00:00.000Z' };
const BOT = '9000000001';

function thread(...messages: Message[]): Thread {
  return { tenant: 'zendesk:acme', provider: 'zendesk', id: '4812', subject: '', status: 'open', tags: [], requester: { id: '9160112233', name: 'Dana Whitfield', email: null }, messages };
}
const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 10, minute)).toISOString();
const msg = (id: string, author: Message['author'], text: string, minute: number, isPublic = true): Message => ({ id, author, public: isPublic, text, createdAt: at(minute) });

describe('agent and draftpilot messages in the thread', () => {
  it('folds an agent\'s internal note and draftpilot\'s own reply from webhooks with author and visibility', () => {
    const question = normalizeZendesk(fixture('zendesk', 'comment-added'), ctx);
    const note = fixture('zendesk', 'comment-added');
    note.id = 'evt-note';
    note.time = '2026-11-27T10:03:00.000000001Z';
    note.event.comment = { id: '29384756102', body: 'Carrier says it left the depot.', is_public: false, author: { id: '9160445566', is_staff: true, name: 'Priya' } };
    const reply = fixture('zendesk', 'comment-added');
    reply.id = 'evt-reply';
    reply.time = '2026-11-27T10:04:00.5Z';
    reply.event.comment = { id: '29384756103', body: 'Your parcel is on its way.', is_public: true, author: { id: BOT, is_staff: true, name: 'draftpilot' } };
    let t = mergeThread(undefined, question);
    t = mergeThread(t, normalizeZendesk(note, ctx, { botUserId: BOT }));
    t = mergeThread(t, normalizeZendesk(reply, ctx, { botUserId: BOT }));
    expect(t.messages.map((m) => [m.id, m.author, m.public])).toEqual([
      ['29384756101', 'customer', true],
      ['29384756102', 'agent', false],
      ['29384756103', 'ai', true],
    ]);
    // draftpilot answered last: nothing to draft
    expect(messageToAnswer(t)).toBeUndefined();
  });

  it('an internal note after the customer\'s message does not hide it; a public agent reply does', () => {
    const customer = msg('c1', 'customer', 'Where is my parcel?', 1);
    expect(messageToAnswer(thread(customer, msg('n1', 'agent', 'checking', 2, false)))?.id).toBe('c1');
    expect(messageToAnswer(thread(customer, msg('n2', 'ai', 'draftpilot handoff ...', 2, false)))?.id).toBe('c1');
    expect(messageToAnswer(thread(customer, msg('a1', 'agent', 'It left today.', 2)))).toBeUndefined();
    expect(conversationOf(thread(customer, msg('n1', 'agent', 'checking', 2, false))).earlier).toEqual([]);
  });

  it('keeps a message draftpilot recorded as its own write \'ai\' when a webhook about it cannot name the author', () => {
    const own = msg('29384756103', 'ai', 'Your parcel is on its way.', 4);
    const echo = { ...own, author: 'agent' as const, createdAt: '2026-11-27T10:04:00.123456789Z' };
    const merged = mergeThread(thread(own), thread(echo));
    expect(merged.messages).toEqual([{ ...echo, author: 'ai' }]);
  });

  it('replaces a write recorded without its helpdesk id by the helpdesk\'s own report of it', () => {
    const placeholder = msg(ownWriteId('d_x1'), 'ai', 'Standard delivery takes 2 to 4 working days.', 4);
    const reported = { ...msg('p-77', 'ai', 'Standard delivery takes 2 to 4 working days.\n', 4) };
    expect(mergeThread(thread(placeholder), thread(reported)).messages.map((m) => m.id)).toEqual(['p-77']);
    // a thread read from the API keeps draftpilot's authorship by id
    const loaded = keepOwnWrites(thread(msg('p-78', 'ai', 'x', 1)), thread({ ...msg('p-78', 'agent', 'x', 1) }));
    expect(loaded.messages.map((m) => m.author)).toEqual(['ai']);
  });

  it('an Intercom admin note and our own admin\'s reply become agent/internal and ai/public', () => {
    const ictx = { ...ctx, tenant: 'intercom:x7k2pq9a' };
    const noted = normalizeIntercom(freshIntercom('conversation-admin-noted'), ictx, { adminId: '9000002' });
    expect(noted.messages.map((m) => [m.author, m.public])).toEqual([
      ['customer', true],
      ['agent', false],
    ]);
    const replied = freshIntercom('conversation-admin-noted', { topic: 'conversation.admin.replied' });
    Object.assign(replied.data.item.conversation_parts.conversation_parts[0], { part_type: 'comment', author: { type: 'admin', id: '9000002', name: 'draftpilot' } });
    expect(normalizeIntercom(replied, ictx, { adminId: '9000002' }).messages[1]).toMatchObject({ author: 'ai', public: true });
  });
});

describe('drafting sees the whole conversation', () => {
  const deps = demoDraftDeps();
  const question = msg('c1', 'customer', 'How long does standard delivery take?', 1);
  const aiReply = msg('r1', 'ai', 'Hi Dana, standard delivery takes 2 to 4 working days; express delivery takes 1 working day.', 2);

  it('a follow-up after draftpilot\'s public reply is repeat_after_ai, and the brief lists the previous answer', async () => {
    const r = await draftReply(deps, thread(question, aiReply, msg('c2', 'customer', 'That did not help, I followed it and nothing changed', 3)));
    expect(r!.decision).toBe('escalate');
    expect(r!.escalation_reasons).toContain('repeat_after_ai');
    expect(r!.brief.previous_answers).toEqual([{ author: 'ai', text: expect.stringContaining('standard delivery takes 2 to 4 working days') }]);
  });

  it('draftpilot\'s internal note is not an answer the customer saw: no repeat_after_ai, no previous answer', async () => {
    const note = msg('n1', 'ai', 'draftpilot draft for review ... [draftpilot ref d_1]', 2, false);
    const r = await draftReply(deps, thread(question, note, msg('c2', 'customer', 'That did not help, I followed it and nothing changed', 3)));
    expect(r!.escalation_reasons).not.toContain('repeat_after_ai');
    expect(r!.brief.previous_answers).toEqual([]);
  });
});

describe('draftpilot\'s own write as a message of the thread', () => {
  const base = { tenant: 'zendesk:acme', provider: 'zendesk' as const, threadId: '4812', draftId: 'd_own1', draft: 'Hi Dana,\nStandard delivery takes 2 to 4 working days.' };
  const now = new Date('2026-11-27T10:05:00.000Z');

  it('an autopilot reply is public, its text the draft, under the id and time the helpdesk answered with', () => {
    expect(ownMessage(deliveryRequest(base, 'autopilot'), { posted: { id: '99001', createdAt: '2026-11-27T10:04:59Z' } }, now)).toEqual({
      id: '99001',
      author: 'ai',
      public: true,
      text: base.draft,
      createdAt: '2026-11-27T10:04:59Z',
    });
  });

  it('a note is internal, its text the brief; without the helpdesk\'s id it is recorded under the draft\'s own', () => {
    const m = ownMessage(deliveryRequest(base, 'escalate', ['account_access']), {}, now);
    expect(m).toMatchObject({ id: ownWriteId('d_own1'), author: 'ai', public: false, createdAt: now.toISOString() });
    expect(m.text).toContain('Where is my order 77120?');
    // a time the answer gave that is not one is not used
    expect(ownMessage(deliveryRequest(base, 'review'), { posted: { id: '5', createdAt: 'soon' } }, now).createdAt).toBe(now.toISOString());
  });
});
