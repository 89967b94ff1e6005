import { briefFeedbackInputSchema, REJECT_REASONS, reviewInputSchema } from '../../src/reviews/review-input';
import { comparableText, editDistance, normalizedDistance } from '../../src/reviews/compare-texts';
import { zodMessage } from '../../src/domain/zod-message';

const base = { draft_id: 'd_Xk3v9QpLm2Wd', agent: { id: '7001' } };
const problem = (body: unknown) => {
  const r = reviewInputSchema.safeParse(body);
  return r.success ? null : zodMessage(r.error);
};

describe('review input (POST /api/reviews)', () => {
  it('accepts each action with what it needs; a numeric agent id becomes a string', () => {
    expect(problem({ ...base, action: 'approve' })).toBeNull();
    expect(problem({ ...base, action: 'edit', sent_text: 'Hi' })).toBeNull();
    expect(problem({ ...base, action: 'escalate' })).toBeNull();
    for (const reason of REJECT_REASONS.filter((r) => r !== 'other')) expect(problem({ ...base, action: 'reject', reason })).toBeNull();
    expect(problem({ ...base, action: 'reject', reason: 'other', text: 'wrong product' })).toBeNull();
    expect(reviewInputSchema.parse({ ...base, action: 'approve', agent: { id: 42 } }).agent).toEqual({ id: '42' });
  });

  it('names the field that is wrong', () => {
    expect(problem({ ...base, action: 'reject' })).toMatch(/^reason: a reject needs a reason/);
    expect(problem({ ...base, action: 'reject', reason: 'other' })).toMatch(/^text: reason "other" needs/);
    expect(problem({ ...base, action: 'edit' })).toMatch(/^sent_text: /);
    expect(problem({ ...base, action: 'approve', reason: 'wrong_tone' })).toBe('reason: only reject and escalate take a reason (this is approve)');
    expect(problem({ ...base, action: 'replaced' })).toMatch(/^action: one of approve, edit, reject, escalate$/);
    expect(problem({ ...base, draft_id: 'x', action: 'approve' })).toMatch(/^draft_id: a draft id is d_/);
    expect(problem({ draft_id: base.draft_id, action: 'approve' })).toMatch(/^agent: /);
    expect(problem({ ...base, action: 'approve', extra: 1 })).toMatch(/extra/);
  });

  it('brief feedback takes a field of the brief as what was missing', () => {
    expect(briefFeedbackInputSchema.safeParse({ useful: false, missing: 'sources', agent: { id: '1' } }).success).toBe(true);
    const bad = briefFeedbackInputSchema.safeParse({ useful: 'no', missing: 'mood', agent: { id: '1' } });
    expect(bad.success ? '' : zodMessage(bad.error)).toMatch(/^useful: true or false: was the brief useful\?; missing: one of the brief's fields: question, intent/);
  });
});

describe('comparing a sent reply with its draft', () => {
  it('reads HTML as text and whitespace runs as one space', () => {
    expect(comparableText('<p>Hi Sam,</p><p>It takes  2 to 4\n days.</p>')).toBe('Hi Sam, It takes 2 to 4 days.');
    expect(editDistance('Hi Sam,\nIt takes 2 to 4 days.', '<p>Hi Sam,</p>\n<p>It takes 2 to 4 days.</p>')).toBe(0);
    expect(comparableText('Use code <ABC123>')).toBe('Use code <ABC123>');
  });

  it('counts character edits, and relative to the longer text', () => {
    expect(editDistance('It takes 2 days.', 'It takes 3 days.')).toBe(1);
    expect(normalizedDistance('abcd', 'abcd')).toBe(0);
    expect(normalizedDistance('abcd', 'wxyz')).toBe(1);
    expect(normalizedDistance('', '')).toBe(0);
    expect(normalizedDistance('abcdefghij', 'abcdefghXY')).toBeCloseTo(0.2);
  });
});
