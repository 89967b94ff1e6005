import type { Message } from '../../src/domain/thread';
import { APPROVE_MAX_DISTANCE, EDIT_MAX_DISTANCE, implicitReview, replyAfter } from '../../src/reviews/implicit-review';

const DRAFT = 'Hi Dana,\n\nStandard delivery takes 2 to 4 working days; express delivery takes 1 working day.\n\nBest, the team';
const msg = (id: string, author: Message['author'], text: string, isPublic = true, extra: Partial<Message> = {}): Message => ({ id, author, public: isPublic, text, createdAt: `2026-12-01T10:00:0${id.length % 10}Z`, ...extra });
const reply = (text: string) => msg('r', 'agent', text, true, { authorId: '7001', authorName: 'Priya' });

describe('implicit review of an agent reply', () => {
  it('approve for the draft as written (markup, whitespace, a typo), edit for changes, replaced for another text', () => {
    expect(implicitReview(DRAFT, reply(`<p>Hi Dana,</p><p>Standard delivery takes 2 to 4 working days; express delivery takes 1 working day.</p><p>Best, the team</p>`))).toMatchObject({ action: 'approve', edit_distance: 0, agent: { id: '7001', name: 'Priya' } });
    expect(implicitReview(DRAFT, reply(DRAFT.replace('takes 2', 'take 2')))).toMatchObject({ action: 'approve', edit_distance: 1 });
    expect(implicitReview(DRAFT, reply(`${DRAFT} Tracking follows by email.`))).toMatchObject({ action: 'edit', edit_distance: ' Tracking follows by email.'.length });
    expect(implicitReview(DRAFT, reply('I have asked the warehouse to call you.'))).toMatchObject({ action: 'replaced' });
    expect(APPROVE_MAX_DISTANCE).toBeLessThan(EDIT_MAX_DISTANCE);
  });

  it('an agent without an id in the payload is recorded as unknown', () => {
    expect(implicitReview(DRAFT, msg('r', 'agent', DRAFT)).agent).toEqual({ id: 'unknown' });
  });

  it('takes the first public agent reply after the drafted message: not a note, not an earlier reply, not draftpilot\'s own', () => {
    const draft = { message_id: 'q2', draft: DRAFT, created_at: new Date('2026-12-01T10:00:00Z') };
    const messages = [msg('a1', 'agent', 'an earlier answer'), msg('q2', 'customer', 'How long?'), msg('n3', 'agent', 'note', false), msg('ai4', 'ai', 'draft note', false), msg('a5', 'agent', 'the reply'), msg('a6', 'agent', 'later')];
    expect(replyAfter(messages, draft)?.id).toBe('a5');
    expect(replyAfter(messages.slice(0, 4), draft)).toBeUndefined();
    // the drafted message not in the thread (read again from the API under other ids): after the draft's time
    expect(replyAfter([{ ...msg('x', 'agent', 'before'), createdAt: '2026-12-01T09:00:00Z' }, { ...msg('y', 'agent', 'after'), createdAt: '2026-12-01T10:05:00Z' }], draft)?.id).toBe('y');
  });
});
