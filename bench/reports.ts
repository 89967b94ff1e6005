/**
 * `npm run bench:reports`: each weekly report (docs/reports.md) over one million review events and
 * 200,000 drafts on PostgreSQL (DATABASE_URL), seeded in SQL with generate_series into a database of
 * its own (dropped at the end). Prints the seeding time and, per report, the median and slowest of
 * several runs for the last seeded week, for every tenant and for one. The goal is under one second.
 *
 * The drafts are spread evenly over --weeks weeks (default 10, so a week holds 20,000 drafts and
 * 100,000 reviews; --weeks 1 puts everything in the week reported on), five tenants, 20 categories
 * (--categories N; every tenth sensitive, every seventh strict, the first four in autopilot for zendesk:t0):
 * 60% review, 20% autopilot, 20% escalate (a third each missing_source, low_confidence,
 * negative_sentiment); confidence uniform in [0, 1); questions of 10 verbs × 50 things × 200 places.
 * Five reviews per draft, brief feedback on every escalation, one thread per draft (a customer
 * message, an agent's reply that asks in one of four, the customer's answer), 1,000 articles per tenant.
 *
 * A review keeps its draft's category, decision and confidence, as the store writes them.
 *
 * Options: --drafts N (default 200000), --reviews N (default 1000000), --weeks W, --runs R (default 5), --categories N,
 *          --readers N (connections a report reads on at once, sharing its snapshot, as the service does: 3; 1 reads on one),
 *          --keep NAME (seed database NAME once and keep it: later runs with the same NAME reuse it)
 */
import { Client } from 'pg';
import { loadSettings } from '../src/config/settings';
import { parseCategories } from '../src/policy/categories';
import { buildReport, ReportContext } from '../src/reports/build-report';
import { weekRange } from '../src/domain/iso-week';
import { REPORT_NAMES } from '../src/reports/report-view';
import type { ServiceDefaults } from '../src/settings/effective-settings';
import { openStore } from '../src/store/open-store';
import { arg } from './args';

const DRAFTS = Number(arg('drafts', '200000'));
const REVIEWS = Number(arg('reviews', '1000000'));
const WEEKS = Number(arg('weeks', '10'));
const RUNS = Number(arg('runs', '5'));
const KEEP = arg('keep', '');
const CATEGORIES = Number(arg('categories', '20'));
const READERS = Number(arg('readers', '3'));
const WEEK = '2026-W48';
const TENANTS = ['zendesk:t0', 'zendesk:t1', 'zendesk:t2', 'intercom:w0', 'intercom:w1'];

const VERBS = ['change', 'cancel', 'return', 'track', 'pay for', 'transfer', 'reset', 'upgrade', 'pause', 'share'];
const THINGS = 'membership order parcel invoice subscription password plan booking ticket voucher account card delivery refund locker parking class course lesson coach room desk badge key bike helmet mat towel bottle shirt shoes bag box kettle lamp chair table sofa bed pillow blanket rug mirror clock phone charger cable router modem screen printer'.split(' ');
const PLACES = Array.from({ length: 200 }, (_, i) => `place${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);

const sqlArray = (items: readonly string[]) => `array[${items.map((s) => `'${s.replace(/'/g, "''")}'`).join(',')}]`;

async function seed(c: Client, from: Date): Promise<void> {
  const spanSeconds = WEEKS * 7 * 86_400;
  const created = (g: string) => `(timestamptz '${from.toISOString()}' + ((${g})::float8 * ${spanSeconds} / ${DRAFTS}) * interval '1 second')`;
  const tenant = (g: string) => `(${sqlArray(TENANTS)})[1 + ((${g}) / 10) % ${TENANTS.length}]`;
  const draftId = (g: string) => `'d_b' || lpad((${g})::text, 11, '0')`;
  await c.query(`insert into articles (tenant, id, title, url, locale, body, updated_at, content_hash, synced_at)
    select t, 'a' || k, 'Article ' || k, 'https://help.example.com/' || t || '/a' || k, 'en-us', 'body', null, md5(t || k), now()
      from unnest(${sqlArray(TENANTS)}) t cross join generate_series(0, 999) k`);
  await c.query(`insert into drafts (id, tenant, provider, thread_id, message_id, requester_id, decision, category, intent, confidence, sentiment, reasons, sources, draft, brief, guard, model, usage, created_at)
    select ${draftId('g')}, ${tenant('g')}, split_part(${tenant('g')}, ':', 1), g::text, 'm' || g, null,
           case when g % 10 < 6 then 'review' when g % 10 < 8 then 'autopilot' else 'escalate' end,
           'cat' || (g / 7) % ${CATEGORIES}, 'question', ((g * 7919) % 1000) / 1000.0, '{"label":"neutral","score":0}',
           (case when g % 10 < 8 then '[]' when g % 3 = 0 then '["missing_source"]' when g % 3 = 1 then '["low_confidence"]' else '["negative_sentiment"]' end)::jsonb,
           case when g % 10 < 8 then jsonb_build_array(jsonb_build_object('id', 'a' || (g * 31) % 600 || '#0', 'title', 'Article ' || (g * 31) % 600, 'url', 'https://help.example.com/a' || (g * 31) % 600),
                                                       jsonb_build_object('id', 'a' || (g * 17) % 600 || '#1', 'title', 'Article ' || (g * 17) % 600, 'url', 'https://help.example.com/a' || (g * 17) % 600))
                else '[]'::jsonb end,
           case when g % 10 < 8 then 'Draft reply ' || g end,
           jsonb_build_object('question', 'How do I ' || (${sqlArray(VERBS)})[1 + g % 10] || ' my ' || (${sqlArray(THINGS)})[1 + (g / 10) % 50] || ' near ' || (${sqlArray(PLACES)})[1 + (g / 500) % 200] || '?',
                              'missing_fields', case when g % 2 = 0 then '["order_number"]'::jsonb else '[]'::jsonb end),
           '[]', 'offline', null, ${created('g')}
      from generate_series(0, ${DRAFTS - 1}) g`);
  const d = `(g % ${DRAFTS})`;
  await c.query(`insert into reviews (id, draft_id, tenant, provider, action, reason, text, sent_text, agent_id, agent_name, draft_version, edit_distance, seconds_to_review, source, created_at, category, decision, confidence)
    select 'r_b' || lpad(g::text, 11, '0'), ${draftId(`g % ${DRAFTS}`)}, ${tenant(`g % ${DRAFTS}`)}, split_part(${tenant(`g % ${DRAFTS}`)}, ':', 1),
           (array['approve','approve','approve','approve','approve','edit','edit','reject','escalate','replaced'])[1 + (g / 3) % 10],
           case when (g / 3) % 10 = 7 then (array['wrong_information','missing_information','wrong_tone','off_brand','policy_violation','not_relevant','should_escalate','other'])[1 + g % 8] end,
           null, null, 'agent' || g % 40, null, null, case when (g / 3) % 10 in (5, 6) then g % 200 end, 600, 'api',
           ${created(`g % ${DRAFTS}`)} + ((g / ${DRAFTS}) + 1) * interval '7 minutes',
           'cat' || (${d} / 7) % ${CATEGORIES},
           case when ${d} % 10 < 6 then 'review' when ${d} % 10 < 8 then 'autopilot' else 'escalate' end,
           ((${d} * 7919) % 1000) / 1000.0
      from generate_series(0, ${REVIEWS - 1}) g`);
  await c.query(`insert into category_modes (tenant, category, mode, changed_at, changed_by)
    select '${TENANTS[0]}', 'cat' || k, 'autopilot', timestamptz '${from.toISOString()}', 'bench' from generate_series(0, 3) k`);
  await c.query(`insert into brief_feedback (id, draft_id, tenant, provider, useful, missing, agent_id, agent_name, source, created_at)
    select 'f_b' || lpad(g::text, 11, '0'), ${draftId('g')}, ${tenant('g')}, split_part(${tenant('g')}, ':', 1), g % 3 <> 0,
           case when g % 3 = 0 then (array['question','previous_answers','sentiment','sources'])[1 + g % 4] end, 'agent1', null, 'api', ${created('g')} + interval '30 minutes'
      from generate_series(0, ${DRAFTS - 1}) g where g % 10 >= 8`);
  await c.query(`insert into threads (tenant, provider, thread_id, subject, status, tags, requester, messages, version, updated_at)
    select ${tenant('g')}, split_part(${tenant('g')}, ':', 1), g::text, 'a question', 'open', '[]', '{"id":null,"name":null,"email":null}',
           jsonb_build_array(
             jsonb_build_object('id', 'c1', 'author', 'customer', 'public', true, 'text', 'a question', 'createdAt', to_char((${created('g')} - interval '1 minute') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
             jsonb_build_object('id', 'a1', 'author', 'agent', 'public', true, 'text', case when g % 4 = 0 then 'Which one do you mean?' else 'Here is the answer.' end,
                                'createdAt', to_char((${created('g')} + (1 + g % 240) * interval '1 minute') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
             jsonb_build_object('id', 'c2', 'author', 'customer', 'public', true, 'text', 'thanks', 'createdAt', to_char((${created('g')} + interval '5 hours') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))),
           3, now()
      from generate_series(0, ${DRAFTS - 1}) g`);
  await c.query('analyze');
}

const defaults: ServiceDefaults = {
  categories: parseCategories(
    {
      categories: Array.from({ length: CATEGORIES }, (_, i) => ({ id: `cat${i}`, name: `Category ${i}`, sensitive: i % 10 === 9, strict: i % 7 === 0 })),
      promotion: { min_clean_approvals: 50, window: 100, min_clean_rate: 0.5 },
    },
    'bench',
  ),
  thresholds: { negative_sentiment: -0.5, low_confidence: 0.35, autopilot: 0.8 },
  deliveryMode: () => 'note',
  escalation: {},
};

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    process.stderr.write('bench:reports needs DATABASE_URL (a PostgreSQL server it may create a database on)\n');
    process.exit(2);
  }
  if (KEEP && !/^[a-z_][a-z0-9_]*$/.test(KEEP)) throw new Error(`--keep ${KEEP}: a database name of lower-case letters, digits and _`);
  const name = KEEP || `dp_bench_reports_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  if (!exists) await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString(), dataDir: '' }); // migrates
  const seeder = new Client({ connectionString: url.toString() });
  try {
    await seeder.connect();
    const { from, to } = weekRange(WEEK);
    const first = new Date(to.getTime() - WEEKS * 7 * 86_400_000);
    const t0 = performance.now();
    if (!exists) await seed(seeder, first);
    const counts = (await seeder.query(`select (select count(*) from drafts) as drafts, (select count(*) from reviews) as reviews,
      (select count(*) from drafts where created_at >= $1 and created_at < $2) as week_drafts, (select count(*) from reviews where created_at >= $1 and created_at < $2) as week_reviews`, [from, to])).rows[0];
    const seeded = exists ? `reused ${name}:` : `seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s:`;
    process.stdout.write(`${seeded} ${counts.drafts} drafts and ${counts.reviews} reviews; week ${WEEK} holds ${counts.week_drafts} drafts and ${counts.week_reviews} reviews\n\n`);

    const ctx: ReportContext = { db: store.db, defaults: () => defaults, lifecycle: loadSettings('config/default.yaml').lifecycle, now: () => new Date(to.getTime() - 1), readers: READERS };
    process.stdout.write(`${'report'.padEnd(16)}${'scope'.padEnd(14)}${'median ms'.padStart(10)}${'max ms'.padStart(10)}  ${'result'}\n`);
    let worst = 0;
    for (const report of REPORT_NAMES) {
      for (const tenant of [undefined, TENANTS[0]]) {
        const query = { week: WEEK, ...(tenant ? { tenant } : {}) };
        const result = await buildReport(ctx, report, query); // warm: plans, the language model of the titles
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const start = performance.now();
          await buildReport(ctx, report, query);
          times.push(performance.now() - start);
        }
        times.sort((a, b) => a - b);
        worst = Math.max(worst, times[times.length - 1]!);
        process.stdout.write(`${report.padEnd(16)}${(tenant ?? 'all tenants').padEnd(14)}${times[Math.floor(times.length / 2)]!.toFixed(0).padStart(10)}${times[times.length - 1]!.toFixed(0).padStart(10)}  ${summary(result)}\n`);
      }
    }
    process.stdout.write(`\nslowest run: ${worst.toFixed(0)} ms (goal: under 1000 ms)\n`);
    if (READERS > 1) {
      // the same readiness report of every tenant on one connection, in this run: the baseline of the readers
      const timed = async (readers: number) => {
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const start = performance.now();
          await buildReport({ ...ctx, readers }, 'readiness', { week: WEEK });
          times.push(performance.now() - start);
        }
        return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
      };
      const one = await timed(1);
      const many = await timed(READERS);
      process.stdout.write(`readiness, all tenants, median: ${one.toFixed(0)} ms on one connection, ${many.toFixed(0)} ms on ${READERS} sharing its snapshot (${(one / many).toFixed(2)}x)\n`);
    }
  } finally {
    await seeder.end().catch(() => undefined);
    await store.close();
    if (!KEEP) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

function summary(r: Awaited<ReturnType<typeof buildReport>>): string {
  switch (r.report) {
    case 'unanswered':
      return `${r.escalations} escalations in ${r.clusters_total} clusters`;
    case 'content':
      return `${r.reviewed_articles.length} reviewed articles, ${r.never_cited.total} never cited, ${r.suggested_articles.length} titles`;
    case 'low-confidence':
      return `${r.below_threshold} below ${r.threshold}, sample ${r.sample_size}, ${r.calibration.reviews} reviews calibrated`;
    case 'handoff':
      return `${r.handoffs} handoffs, ${r.votes.answers} votes, first reply p50 ${r.first_reply_seconds.p50} s`;
    case 'readiness': {
      const categories = r.tenants.flatMap((t) => t.categories);
      const n = (x: string) => categories.filter((c) => c.recommendation === x).length;
      return `${r.tenants.length} tenants, ${categories.length} categories: promote ${n('promote')}, hold ${n('hold')}, demote ${n('demote')}, stay sensitive ${n('stay sensitive')}`;
    }
  }
}

main().catch((err) => {
  process.stderr.write(`bench:reports: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
