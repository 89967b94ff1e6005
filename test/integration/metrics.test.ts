import { zendeskComment } from '../helpers/fixtures';
import { startTestService, TestService } from '../helpers/test-service';
import { ZendeskStandIn } from '../helpers/zendesk-stand-in';

/**
 * GET /metrics through the running service: refused without the token; after real webhooks, a job, a
 * review and a helpdesk 429, the counters, the job histogram and the queue gauges read from the store
 * say what happened. Counters are per process and tests share one, so each check is a difference.
 */
const ZENDESK_TOKEN = 'zd-stand-in-token';
const METRICS_TOKEN = 'metrics-token-0123456789';
const ADMIN = { authorization: 'Bearer test-admin-token-0123456789', 'content-type': 'application/json' };
const standIn = new ZendeskStandIn({ botUserId: 9000000001, token: ZENDESK_TOKEN });
let t: TestService;

beforeAll(async () => {
  await standIn.start();
  t = await startTestService({ env: { ZENDESK_ACCESS_TOKEN: ZENDESK_TOKEN, ZENDESK_BASE_URL: standIn.baseUrl, METRICS_TOKEN } });
});
afterAll(async () => {
  await t?.close();
  await standIn.stop();
});

/** The samples of the exposition, as "name{labels}" → value. */
async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}
const value = (m: Map<string, number>, key: string) => m.get(key) ?? 0;
const sum = (m: Map<string, number>, prefix: string) => [...m].filter(([k]) => k.startsWith(prefix)).reduce((s, [, v]) => s + v, 0);

it('refuses a scrape without the metrics token, or with the admin token when a metrics token is set', async () => {
  expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
  const admin = await fetch(`${t.url}/metrics`, { headers: { authorization: ADMIN.authorization } });
  expect(admin.status).toBe(401);
  expect(((await admin.json()) as { message: string }).message).toContain('METRICS_TOKEN');
});

it('counts deliveries by outcome, decisions, reasons, reviews, jobs, helpdesk calls and 429s, and reads the queue from the store', async () => {
  const before = await scrape();
  standIn.addTicket('7101', 'How long does delivery take?');
  // the first write to the ticket is refused with 429, the retry goes through
  let limited = false;
  standIn.hook = (req) => {
    if (req.kind === 'ticket.update' && !limited) {
      limited = true;
      return 'fail-429';
    }
    return 'pass';
  };
  const body = zendeskComment({ ticketId: '7101', text: 'How long does delivery take?' });
  expect((await t.postZendesk(body)).status).toBe(202);
  expect((await t.postZendesk(body)).status).toBe(200); // the same delivery again: a duplicate
  expect((await t.postZendesk(body, { secret: 'not-the-secret' })).status).toBe(401);
  await t.waitIdle(30_000);
  const draft = (await (await fetch(`${t.url}/api/drafts?limit=5`, { headers: ADMIN })).json()) as { drafts: { id: string; thread_id: string; decision: string; category: string }[] };
  const d = draft.drafts.find((x) => x.thread_id === '7101')!;
  const review = await fetch(`${t.url}/api/reviews`, { method: 'POST', headers: ADMIN, body: JSON.stringify({ draft_id: d.id, action: 'reject', reason: 'wrong_information', agent: { id: '7001' } }) });
  expect(review.status).toBe(201);

  const after = await scrape();
  const delta = (key: string) => value(after, key) - value(before, key);
  expect(delta('draftpilot_webhook_deliveries_total{provider="zendesk",outcome="accepted"}')).toBe(1);
  expect(delta('draftpilot_webhook_deliveries_total{provider="zendesk",outcome="duplicate"}')).toBe(1);
  expect(delta('draftpilot_webhook_deliveries_total{provider="zendesk",outcome="signature_mismatch"}')).toBe(1);
  expect(delta(`draftpilot_decisions_total{tenant="zendesk:acme",category="${d.category}",decision="${d.decision}"}`)).toBe(1);
  expect(delta('draftpilot_reviews_total{tenant="zendesk:acme",action="reject",source="api"}')).toBe(1);
  // the job's calls are counted under its tenant
  expect(delta('draftpilot_helpdesk_rate_limited_total{provider="zendesk",tenant="zendesk:acme"}')).toBe(1);
  expect(delta('draftpilot_helpdesk_calls_total{provider="zendesk",tenant="zendesk:acme",status="429"}')).toBe(1);
  expect(delta('draftpilot_helpdesk_calls_total{provider="zendesk",tenant="zendesk:acme",status="200"}')).toBeGreaterThanOrEqual(2);
  // one run put back by the 429, one that delivered
  expect(delta('draftpilot_job_duration_seconds_count{outcome="retried"}')).toBe(1);
  expect(delta('draftpilot_job_duration_seconds_count{outcome="done"}')).toBeGreaterThanOrEqual(1);
  // read from the deliveries table: nothing waits, this test's delivery is done
  expect(value(after, 'draftpilot_queue_deliveries{status="done"}')).toBeGreaterThanOrEqual(1);
  expect(value(after, 'draftpilot_queue_oldest_waiting_seconds')).toBe(0);
  expect(value(after, 'draftpilot_dead_letters')).toBe(0);
  // the offline model reports no tokens: no cost either
  expect(sum(after, 'draftpilot_model_cost_usd_total')).toBe(sum(before, 'draftpilot_model_cost_usd_total'));
  expect(after.has('draftpilot_process_resident_memory_bytes')).toBe(true);
  expect(standIn.botComments('7101')).toHaveLength(1);
});
