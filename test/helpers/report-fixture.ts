import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema';

/**
 * A week of stored records with known report answers (test/integration/reports.test.ts): week
 * 2026-W48 (Monday 2026-11-23 to Monday 2026-11-30, UTC), tenants zendesk:acme and intercom:ws1, and
 * a few rows just outside the week that no report of it may count.
 */
export const WEEK = '2026-W48';
export const ACME = 'zendesk:acme';
export const WS1 = 'intercom:ws1';

const at = (iso: string) => new Date(iso);
const plus = (iso: string, minutes: number) => new Date(at(iso).getTime() + minutes * 60_000).toISOString();
export const draftId = (n: number) => `d_report${String(n).padStart(6, '0')}`;

interface DraftSeed {
  n: number;
  tenant?: string;
  thread: string;
  decision: 'autopilot' | 'review' | 'escalate';
  reasons?: string[];
  category?: string;
  confidence: number;
  question: string;
  sources?: string[];
  missing?: string[];
  created: string;
}

const DRAFTS: DraftSeed[] = [
  // unanswered: parking (3 tickets, 2 helpdesks), crypto (2 escalations, one ticket), a question with no content word
  { n: 1, thread: '101', decision: 'escalate', reasons: ['missing_source'], category: 'stores', confidence: 0.1, question: 'Is there parking at your stores?', missing: ['order_number'], created: '2026-11-24T10:00:00.000Z' },
  { n: 2, thread: '102', decision: 'escalate', reasons: ['missing_source'], category: 'stores', confidence: 0.2, question: 'Do you have parking near the store?', missing: ['order_number', 'store'], created: '2026-11-24T11:00:00.000Z' },
  { n: 3, tenant: WS1, thread: '201', decision: 'escalate', reasons: ['low_confidence'], category: 'stores', confidence: 0.15, question: 'Is parking free at the store?', created: '2026-11-24T12:00:00.000Z' },
  { n: 4, thread: '103', decision: 'escalate', reasons: ['missing_source'], category: 'orders', confidence: 0.3, question: 'Can I pay with crypto?', missing: ['order_number'], created: '2026-11-25T09:00:00.000Z' },
  { n: 5, thread: '103', decision: 'escalate', reasons: ['missing_source', 'negative_sentiment'], category: 'orders', confidence: 0.25, question: 'Can I pay with crypto currency?', created: '2026-11-25T10:00:00.000Z' },
  { n: 6, thread: '104', decision: 'escalate', reasons: ['low_confidence'], category: '', confidence: 0.05, question: 'hello??', created: '2026-11-26T08:00:00.000Z' },
  // an escalation for another reason: a handoff, not unanswered
  { n: 7, thread: '105', decision: 'escalate', reasons: ['negative_sentiment'], category: 'orders', confidence: 0.6, question: 'I want my money back, this is terrible', created: '2026-11-26T09:00:00.000Z' },
  // drafts with sources, reviewed in the week
  { n: 9, thread: '109', decision: 'review', category: 'shipping', confidence: 0.9, question: 'How long does shipping take?', sources: ['art1#0', 'art1#1'], created: '2026-11-27T10:00:00.000Z' },
  { n: 10, thread: '110', decision: 'review', category: 'shipping', confidence: 0.7, question: 'Do you ship to Norway?', sources: ['art1#0'], created: '2026-11-27T11:00:00.000Z' },
  { n: 11, thread: '111', decision: 'review', category: 'orders', confidence: 0.3, question: 'Which cards do you take?', sources: ['art2#0'], created: '2026-11-27T12:00:00.000Z' },
  { n: 12, thread: '112', decision: 'review', category: 'orders', confidence: 0.2, question: 'Can I pay by invoice?', sources: ['art2#0', 'art2#1'], created: '2026-11-27T13:00:00.000Z' },
  { n: 13, thread: '113', decision: 'autopilot', category: 'shipping', confidence: 0.95, question: 'Where is my tracking link?', sources: ['art1#0'], created: '2026-11-28T10:00:00.000Z' },
  // the week before and the week after: never counted
  { n: 20, thread: '120', decision: 'escalate', reasons: ['missing_source'], category: 'stores', confidence: 0.1, question: 'Is there parking at the store?', sources: [], created: '2026-11-22T23:59:59.000Z' },
  { n: 21, thread: '121', decision: 'review', category: 'shipping', confidence: 0.1, question: 'Can I have gift cards?', sources: ['art3#0'], created: '2026-11-30T00:00:00.000Z' },
];

const ARTICLES = [
  { tenant: ACME, id: 'art1', title: 'Shipping times' },
  { tenant: ACME, id: 'art2', title: 'Payment methods' },
  { tenant: ACME, id: 'art3', title: 'Gift cards' },
  { tenant: ACME, id: 'art4', title: 'Store hours' },
  { tenant: WS1, id: 'art9', title: 'Intro' },
];
const articleUrl = (id: string) => `https://help.example.com/${id}`;
const titleOf = (id: string) => ARTICLES.find((a) => a.id === id)!.title;

const REVIEWS: { id: string; draft: number; action: string; reason?: string; distance?: number; at: string }[] = [
  { id: 'r_report000001', draft: 1, action: 'escalate', at: '2026-11-24T10:05:00.000Z' },
  { id: 'r_report000009', draft: 9, action: 'approve', distance: 0, at: '2026-11-27T10:10:00.000Z' },
  { id: 'r_report000010', draft: 10, action: 'reject', reason: 'wrong_information', at: '2026-11-27T11:10:00.000Z' },
  { id: 'r_report000011', draft: 11, action: 'edit', distance: 12, at: '2026-11-27T12:10:00.000Z' },
  { id: 'r_report000012', draft: 12, action: 'reject', reason: 'missing_information', at: '2026-11-27T13:10:00.000Z' },
  // outside the week
  { id: 'r_report000020', draft: 20, action: 'reject', reason: 'wrong_information', at: '2026-11-22T23:59:59.000Z' },
  { id: 'r_report000021', draft: 21, action: 'reject', reason: 'wrong_tone', at: '2026-11-30T00:00:01.000Z' },
];

const FEEDBACK: { draft: number; useful: boolean; missing?: string; at: string }[] = [
  { draft: 1, useful: true, at: '2026-11-24T10:30:00.000Z' },
  { draft: 2, useful: false, missing: 'previous_answers', at: '2026-11-24T11:30:00.000Z' },
  { draft: 3, useful: false, missing: 'previous_answers', at: '2026-11-24T12:30:00.000Z' },
  { draft: 4, useful: false, missing: 'sentiment', at: '2026-11-25T09:30:00.000Z' },
  { draft: 5, useful: true, at: '2026-11-25T10:30:00.000Z' },
  { draft: 20, useful: false, missing: 'question', at: '2026-11-22T23:00:00.000Z' },
];

type Msg = { author: 'customer' | 'agent' | 'ai' | 'system'; public?: boolean; text: string; at: string };
const THREADS: { tenant?: string; thread: string; messages: Msg[] }[] = [
  // asked again: the first reply asks, the customer answers
  { thread: '101', messages: [
    { author: 'customer', text: 'Is there parking at your stores?', at: '2026-11-24T09:59:00.000Z' },
    { author: 'agent', text: 'Hi! Which store do you mean?', at: plus('2026-11-24T10:00:00.000Z', 10) },
    { author: 'customer', text: 'The one in Leeds', at: plus('2026-11-24T10:00:00.000Z', 20) },
  ] },
  // a private note first (not a reply), then an answer; the question after the customer's next message does not count
  { thread: '102', messages: [
    { author: 'customer', text: 'Do you have parking near the store?', at: '2026-11-24T10:59:00.000Z' },
    { author: 'agent', public: false, text: 'Who knows about parking?', at: plus('2026-11-24T11:00:00.000Z', 5) },
    { author: 'agent', text: 'We have free parking at all stores.', at: plus('2026-11-24T11:00:00.000Z', 30) },
    { author: 'customer', text: 'Great, thanks', at: plus('2026-11-24T11:00:00.000Z', 40) },
    { author: 'agent', text: 'Anything else?', at: plus('2026-11-24T11:00:00.000Z', 50) },
  ] },
  { tenant: WS1, thread: '201', messages: [
    { author: 'customer', text: 'Is parking free at the store?', at: '2026-11-24T11:59:00.000Z' },
    { author: 'ai', text: 'An earlier answer', at: plus('2026-11-24T12:00:00.000Z', 1) },
    { author: 'agent', text: 'Could you tell me which store?', at: plus('2026-11-24T12:00:00.000Z', 60) },
  ] },
  // two handoffs (drafts 4 and 5) answered by one reply
  { thread: '103', messages: [
    { author: 'customer', text: 'Can I pay with crypto?', at: '2026-11-25T08:59:00.000Z' },
    { author: 'customer', text: 'Can I pay with crypto currency?', at: '2026-11-25T09:59:00.000Z' },
    { author: 'agent', text: 'Sorry, we do not accept crypto.', at: '2026-11-25T12:00:00.000Z' },
  ] },
  // no human reply yet
  { thread: '104', messages: [{ author: 'customer', text: 'hello??', at: '2026-11-26T07:59:00.000Z' }] },
  { thread: '105', messages: [
    { author: 'customer', text: 'I want my money back, this is terrible', at: '2026-11-26T08:59:00.000Z' },
    { author: 'agent', text: 'I am sorry. I have refunded you.', at: plus('2026-11-26T09:00:00.000Z', 15) },
    { author: 'agent', text: 'a message with no usable time?', at: 'yesterday' },
  ] },
];

export async function seedReportWeek(db: Kysely<Database>): Promise<void> {
  await db
    .insertInto('drafts')
    .values(
      DRAFTS.map((d) => ({
        id: draftId(d.n),
        tenant: d.tenant ?? ACME,
        provider: (d.tenant ?? ACME).split(':')[0]!,
        thread_id: d.thread,
        message_id: `m${d.n}`,
        requester_id: null,
        decision: d.decision,
        category: d.category ?? '',
        intent: 'question',
        confidence: d.confidence,
        sentiment: JSON.stringify({ label: 'neutral', score: 0 }),
        reasons: JSON.stringify(d.reasons ?? []),
        sources: JSON.stringify((d.sources ?? []).map((id) => ({ id, title: titleOf(id.split('#')[0]!), url: articleUrl(id.split('#')[0]!) }))),
        draft: d.decision === 'escalate' ? null : `Draft answer ${d.n}`,
        brief: JSON.stringify({ question: d.question, missing_fields: d.missing ?? [] }),
        guard: '[]',
        model: 'offline',
        usage: null,
        created_at: at(d.created),
      })),
    )
    .execute();
  await db
    .insertInto('articles')
    .values(ARTICLES.map((a) => ({ tenant: a.tenant, id: a.id, title: a.title, url: articleUrl(a.id), locale: 'en-us', body: `${a.title} body`, updated_at: null, content_hash: a.id, synced_at: at('2026-11-01T00:00:00Z') })))
    .execute();
  const draftOf = (n: number) => DRAFTS.find((d) => d.n === n)!;
  const tenantOf = (n: number) => draftOf(n).tenant ?? ACME;
  await db
    .insertInto('reviews')
    .values(
      REVIEWS.map((r) => ({
        id: r.id,
        draft_id: draftId(r.draft),
        tenant: tenantOf(r.draft),
        provider: tenantOf(r.draft).split(':')[0]!,
        action: r.action,
        reason: r.reason ?? null,
        text: null,
        sent_text: null,
        agent_id: '7001',
        agent_name: 'Ann Agent',
        draft_version: null,
        edit_distance: r.distance ?? null,
        seconds_to_review: 600,
        source: 'api',
        created_at: at(r.at),
        // as the store writes a review: its draft's category, decision and confidence
        category: draftOf(r.draft).category ?? '',
        decision: draftOf(r.draft).decision,
        confidence: draftOf(r.draft).confidence,
      })),
    )
    .execute();
  await db
    .insertInto('brief_feedback')
    .values(
      FEEDBACK.map((f, i) => ({
        id: `f_report${String(i).padStart(6, '0')}`,
        draft_id: draftId(f.draft),
        tenant: tenantOf(f.draft),
        provider: tenantOf(f.draft).split(':')[0]!,
        useful: f.useful,
        missing: f.missing ?? null,
        agent_id: '7001',
        agent_name: null,
        source: 'api',
        created_at: at(f.at),
      })),
    )
    .execute();
  await db
    .insertInto('threads')
    .values(
      THREADS.map((t) => ({
        tenant: t.tenant ?? ACME,
        provider: (t.tenant ?? ACME).split(':')[0]!,
        thread_id: t.thread,
        subject: 'a question',
        status: 'open',
        tags: '[]',
        requester: JSON.stringify({ id: null, name: null, email: null }),
        messages: JSON.stringify(t.messages.map((m, i) => ({ id: `${t.thread}-${i}`, author: m.author, public: m.public ?? true, text: m.text, createdAt: m.at }))),
        version: 1,
        updated_at: at('2026-11-28T00:00:00Z'),
      })),
    )
    .execute();
}
