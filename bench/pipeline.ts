/**
 * `npm run bench:pipeline`: the drafting pipeline with the offline model over a generated help center
 * of 10,000 articles (--articles N). Prints index build time, retrieval p50/p99, drafts per second in
 * one process, CPU ms per draft (p50, p99) and RSS. Nothing is sent to a helpdesk (shadow mode) and no
 * store is involved: this is the pipeline's own cost. Prompt tokens for the OpenAI adapter are counted
 * by scripts/prompt-tokens.ts.
 */
import path from 'node:path';
import { loadCategories } from '../src/config/rule-files';
import { draftReply } from '../src/drafting/draft-reply';
import { loadEscalation } from '../src/config/rule-files';
import type { Article } from '../src/knowledge/article';
import { KnowledgeIndex } from '../src/knowledge/knowledge-index';
import { OfflineModel } from '../src/model/offline-model';
import type { Thread } from '../src/domain/thread';

const ROOT = path.resolve(__dirname, '..');
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const ARTICLES = arg('articles', 10_000);
const DRAFTS = arg('drafts', 2_000);

// A deterministic generator shaped like a real help center: a few thousand topic words (product and
// feature names) spread thinly, Zipf-like, over the articles, and common support words everywhere.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
const zipf = <T>(xs: T[]) => xs[Math.floor(xs.length * rand() ** 2.5)]!;
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'shi', 'pa', 'dor', 'len', 'qui', 'sa', 'ber', 'fen', 'gal', 'hu', 'jor', 'mek', 'nix'];
const TOPICS = Array.from({ length: 4000 }, (_, i) => `${SYLLABLES[i % 20]}${SYLLABLES[Math.floor(i / 20) % 20]}${SYLLABLES[Math.floor(i / 400) % 20]}`);
const COMMON = ['order', 'account', 'settings', 'email', 'payment', 'team', 'project', 'report', 'device', 'profile', 'invoice', 'plan', 'app', 'page', 'message'];
const VERBS = ['change', 'cancel', 'track', 'download', 'reset', 'connect', 'update', 'replace', 'clean', 'return', 'export', 'share', 'invite', 'delete', 'upgrade', 'restore', 'print', 'sync', 'verify', 'schedule'];
const PLACES = ['settings', 'the order page', 'your profile', 'the billing page', 'the mobile app', 'the help menu', 'the dashboard', 'the account page'];

function sentence(topic: string, verb: string): string {
  return `To ${verb} the ${topic} ${pick(['open', 'go to', 'choose'])} ${pick(PLACES)} and select ${verb} ${topic}; it takes ${1 + Math.floor(rand() * 9)} ${pick(['minutes', 'working days', 'hours'])} for the ${pick(COMMON)} to ${pick(VERBS)} and the ${zipf(TOPICS)} to follow.`;
}

const articleTopics: string[][] = [];
function generate(n: number): Article[] {
  return Array.from({ length: n }, (_, i) => {
    const topics = [zipf(TOPICS), zipf(TOPICS)];
    articleTopics.push(topics);
    const verb = pick(VERBS);
    const paragraphs = Array.from({ length: 2 + Math.floor(rand() * 2) }, () => Array.from({ length: 3 }, () => sentence(pick(topics), pick([verb, pick(VERBS)]))).join(' '));
    return { id: `a${i}`, title: `How to ${verb} your ${topics[0]} ${pick(COMMON)}`, url: `https://help.bench.example/articles/${i}`, locale: 'en', body: paragraphs.join('\n\n') };
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const articles = generate(ARTICLES);
  const index = new KnowledgeIndex();
  let t0 = performance.now();
  index.upsert(articles);
  const buildMs = performance.now() - t0;
  t0 = performance.now();
  const reindexed = index.upsert(articles); // unchanged: nothing re-indexed
  const unchangedMs = performance.now() - t0;

  const questions = Array.from({ length: DRAFTS }, () => {
    const topics = pick(articleTopics);
    return `How do I ${pick(VERBS)} my ${topics[0]} ${pick(COMMON)}? ${pick(['', `The ${topics[1]} is new.`, 'Thanks!', 'It is urgent.'])}`;
  });
  const retrieval: number[] = [];
  for (const q of questions) {
    const s = performance.now();
    index.query(q, { limit: 5 });
    retrieval.push(performance.now() - s);
  }

  const rules = loadEscalation(path.join(ROOT, 'config/escalation.yaml'));
  const categories = loadCategories(path.join(ROOT, 'config/categories.yaml'));
  const model = new OfflineModel({ rules, isKnownTerm: (t) => index.knows(t) });
  const deps = { index, model, categories, rules };
  const cpu: number[] = [];
  const decisions: Record<string, number> = {};
  const wall0 = performance.now();
  for (let i = 0; i < questions.length; i++) {
    const thread: Thread = {
      tenant: 'zendesk:bench', provider: 'zendesk', id: String(i), subject: '', status: 'open', tags: [],
      requester: { id: String(i), name: 'Sam Taylor', email: null },
      messages: [{ id: `m${i}`, author: 'customer', public: true, text: questions[i]!, createdAt: new Date().toISOString() }],
    };
    const c0 = process.cpuUsage();
    const r = await draftReply(deps, thread);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    decisions[r!.decision] = (decisions[r!.decision] ?? 0) + 1;
  }
  const wallS = (performance.now() - wall0) / 1000;
  const rss = process.memoryUsage().rss;

  const out = [
    `machine: node ${process.version}; help center: ${ARTICLES} generated articles (${index.size} indexed)`,
    `index build ${buildMs.toFixed(0)} ms; unchanged re-upsert ${unchangedMs.toFixed(0)} ms, ${reindexed} re-indexed`,
    `retrieval (top 5 of ${ARTICLES}): p50 ${percentile(retrieval, 50).toFixed(2)} ms, p99 ${percentile(retrieval, 99).toFixed(2)} ms (goal p50 < 2 ms)`,
    `drafts: ${questions.length} in ${wallS.toFixed(2)} s = ${(questions.length / wallS).toFixed(0)} drafts/s in one process; CPU per draft p50 ${percentile(cpu, 50).toFixed(2)} ms, p99 ${percentile(cpu, 99).toFixed(2)} ms`,
    `decisions: ${JSON.stringify(decisions)}`,
    `RSS ${(rss / 2 ** 20).toFixed(0)} MiB (${((rss - rssBefore) / 2 ** 20).toFixed(0)} MiB for the index and the run)`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  process.exitCode = percentile(retrieval, 50) < 2 ? 0 : 1;
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
