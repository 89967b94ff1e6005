import path from 'node:path';
import { loadEscalation } from '../../src/config/rule-files';
import type { Category } from '../../src/policy/categories';
import { decide } from '../../src/policy/decide';
import { escalationReasons, ReasonInput, repeatWithinThread } from '../../src/policy/reasons';
import { modelOutput, threadOf } from '../helpers/drafting';

const rules = loadEscalation(path.resolve(__dirname, '../../config/escalation.yaml'));
const thresholds = { negative_sentiment: -0.4, low_confidence: 0.35, autopilot: 0.6 };

const output = modelOutput;

const input = (o: Partial<ReasonInput> = {}): ReasonInput => ({
  output: output(),
  question: 'How long does delivery take?',
  earlier: [],
  validCitations: 1,
  guardTripped: false,
  thresholds,
  rules,
  repeatAcrossTickets: false,
  ...o,
});

describe('escalation reasons', () => {
  it('fires none for a plain documented question', () => {
    expect(escalationReasons(input())).toEqual([]);
  });

  it.each([
    ['negative_sentiment', { output: output({ sentiment: { label: 'negative', score: -0.7 } }) }],
    ['negative_sentiment', { output: output({ sentiment: { label: 'negative', score: -0.5 } }) }],
    ['account_access', { question: 'Why was I charged twice this month?' }],
    ['account_access', { output: output({ needs_account_access: true }) }],
    ['missing_source', { validCitations: 0, output: output({ cited_source_ids: [] }) }],
    ['policy_exception', { question: 'I know the deadline passed, could you make an exception?' }],
    ['human_requested', { question: 'Can I talk to a real person please?' }],
    ['human_requested', { output: output({ asks_for_human: true }) }],
    ['low_confidence', { output: output({ confidence: 0.2 }) }],
    ['repeat_after_ai', { repeatAcrossTickets: true }],
    ['guardrail', { guardTripped: true }],
  ] as const)('fires %s', (reason, o) => {
    expect(escalationReasons(input(o as Partial<ReasonInput>))).toContain(reason);
  });

  it.each([
    ['negative_sentiment', { output: output({ sentiment: { label: 'negative', score: -0.39 } }) }],
    ['account_access', { question: 'Where can I download my invoices?' }],
    ['policy_exception', { question: 'What is your return policy?' }],
    ['human_requested', { question: 'Do you have a person I can email about partnerships?' }],
    ['low_confidence', { output: output({ confidence: 0.35 }) }],
    ['missing_source', { question: 'hello?', validCitations: 0 }],
  ] as const)('does not fire %s', (reason, o) => {
    expect(escalationReasons(input(o as Partial<ReasonInput>))).not.toContain(reason);
  });

  it('uses a category threshold over the default', () => {
    const strict = { ...thresholds, low_confidence: 0.95 };
    expect(escalationReasons(input({ thresholds: strict }))).toEqual(['low_confidence']);
  });

  it('reports missing_source alone when the help center has no answer, and not at all when a person is asked for', () => {
    expect(escalationReasons(input({ validCitations: 0, output: output({ confidence: 0.1, cited_source_ids: [] }) }))).toEqual(['missing_source']);
    expect(escalationReasons(input({ question: 'I want to speak to a manager now.', validCitations: 0, output: output({ confidence: 0.1, cited_source_ids: [] }) }))).toEqual(['human_requested']);
  });

  it('keeps missing_source beside negative_sentiment: anger does not explain a question no article answers', () => {
    const angry = output({ confidence: 0.1, cited_source_ids: [], sentiment: { label: 'negative', score: -0.8 } });
    expect(escalationReasons(input({ validCitations: 0, output: angry }))).toEqual(['negative_sentiment', 'missing_source']);
    expect(escalationReasons(input({ question: 'Fed up. I want to speak to a manager now.', validCitations: 0, output: angry }))).toEqual(['negative_sentiment', 'human_requested']);
  });

  it.each([['unspecific'], ['unreadable']] as const)('a message that is %s gets low_confidence, never missing_source, even when a passage was cited', (flag) => {
    const uncited = { validCitations: 0, output: output({ confidence: 0.1, cited_source_ids: [] }) };
    expect(escalationReasons(input({ ...uncited, [flag]: true }))).toEqual(['low_confidence']);
    expect(escalationReasons(input({ [flag]: true }))).toEqual(['low_confidence']);
    // a request for a person still explains the handoff by itself
    expect(escalationReasons(input({ ...uncited, question: 'I want to speak to a manager now.', [flag]: true }))).toEqual(['human_requested']);
  });
});

describe('repeat after an AI answer', () => {
  it('fires when the customer returns after an AI answer saying it did not work or asking again', () => {
    const t = threadOf(['customer', 'How do I export my projects?'], ['ai', 'Use Settings > Export.'], ['customer', 'x']);
    const earlier = t.messages.slice(0, 2);
    expect(repeatWithinThread('That did not work, still nothing.', earlier, rules)).toBe(true);
    expect(repeatWithinThread('I never got the email. How do I export my projects?', earlier, rules)).toBe(true);
    expect(repeatWithinThread('How do I export my projects?', earlier, rules)).toBe(true);
    expect(repeatWithinThread('ok but how do i know it worked?? do i keep checking all day', earlier, rules)).toBe(true);
    expect(repeatWithinThread("that doesn't really answer it. Is it in the file or not?", earlier, rules)).toBe(true);
  });
  it('does not fire without an earlier AI answer, or for a new question', () => {
    const noAi = threadOf(['customer', 'How do I export?'], ['agent', 'Use Settings.']).messages;
    expect(repeatWithinThread('It still does not work', noAi, rules)).toBe(false);
    const withAi = threadOf(['customer', 'How do I export?'], ['ai', 'Use Settings.']).messages;
    expect(repeatWithinThread('Thanks! Also, which payment methods do you take?', withAi, rules)).toBe(false);
  });
});

describe('decision', () => {
  const cat = (o: Partial<Category>): Category => ({ id: 'c', name: 'C', description: '', examples: [], mode: 'autopilot', sensitive: false, strict: false, ...o });
  const base = { reasons: [], hasCitation: true, confidence: 0.9, autopilotThreshold: 0.6 };
  it('autopilots only an autopilot, non-sensitive category with a citation and enough confidence', () => {
    expect(decide({ ...base, category: cat({}) })).toBe('autopilot');
    expect(decide({ ...base, category: cat({ mode: 'review' }) })).toBe('review');
    expect(decide({ ...base, category: cat({}), hasCitation: false })).toBe('review');
    expect(decide({ ...base, category: cat({}), confidence: 0.59 })).toBe('review');
    expect(decide({ ...base, category: undefined })).toBe('review');
  });
  it('never autopilots a sensitive category, even in autopilot mode', () => {
    expect(decide({ ...base, category: cat({ sensitive: true }) })).toBe('review');
  });
  it('never autopilots a conversation an agent has answered in: the agent owns it', () => {
    expect(decide({ ...base, category: cat({}), agentEngaged: true })).toBe('review');
  });
  it('escalates whenever a reason fired', () => {
    expect(decide({ ...base, category: cat({}), reasons: ['low_confidence'] })).toBe('escalate');
  });
});
