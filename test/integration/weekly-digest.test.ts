import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadSettings, Settings } from '../../src/config/settings';
import { digestRecord } from '../../src/digest/digest-store';
import { DigestDeps, digestTick } from '../../src/digest/weekly-digest';
import { createLogger } from '../../src/logger';
import type { ServiceDefaults } from '../../src/settings/effective-settings';
import type { Store } from '../../src/store/open-store';
import { OpenedStore, openEmbeddedStore, openPostgresStore } from '../helpers/databases';
import { DigestReceiver } from '../helpers/digest-receiver';
import { seedReportWeek, WEEK } from '../helpers/report-fixture';
import { describeWithPostgres } from '../helpers/services';
import { useStrictNock } from '../helpers/strict-nock';
import { startTestService, TestService } from '../helpers/test-service';
import { until } from '../helpers/until';

/**
 * The weekly digest posted to a local stand-in receiver: the seeded week's known figures, once per
 * week whatever the number of checks or processes, retried after a failure up to its attempts; and
 * through the running service, the scheduled post at start and GET / POST /api/digest.
 */

useStrictNock(/\/\/(127\.0\.0\.1|localhost)[:/]/);

const defaults: ServiceDefaults = {
  categories: { categories: [], promotion: { min_clean_approvals: 50, window: 100, min_clean_rate: 0.9 }, demotion: { sample_window: 20 } } as unknown as ServiceDefaults['categories'],
  thresholds: { negative_sentiment: -0.5, low_confidence: 0.35, autopilot: 0.8 },
  deliveryMode: () => 'note',
  escalation: {},
};
const settings = (): Settings => loadSettings('config/default.yaml');
// Monday of the week after the seeded one, after the default 08:00 UTC: the seeded week is due
const MONDAY_AFTER = new Date('2026-11-30T09:00:00Z');
/** A loopback port nothing listens on: one just given up by a server. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
const sectionText = (body: any, i: number): string => body.blocks[i].text.text;

function tickSuite(open: () => Promise<OpenedStore>) {
  let store: Store;
  let close: () => Promise<void>;
  const receiver = new DigestReceiver();
  let clock = MONDAY_AFTER;
  const deps = (): DigestDeps => ({
    reports: { db: store.db, defaults: () => defaults, lifecycle: settings().lifecycle, now: () => clock },
    settings: settings().digest,
    url: receiver.url,
    publicUrl: 'https://draftpilot.example.com',
    logger: createLogger('silent'),
    now: () => clock,
  });
  beforeAll(async () => {
    ({ store, close } = await open());
    await seedReportWeek(store.db);
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await close();
  });

  it('posts the finished week once, with its known figures, however often it is checked', async () => {
    expect(await digestTick(deps())).toEqual({ week: WEEK, posted: true, attempt: 1 });
    expect(await digestTick(deps())).toEqual({ week: WEEK, posted: false });
    // two processes checking at the same moment: one claims the week
    clock = new Date(MONDAY_AFTER.getTime() + 60_000);
    const both = await Promise.all([digestTick(deps()), digestTick(deps())]);
    expect(both.filter((o) => o.posted)).toHaveLength(0);
    expect(receiver.posts).toHaveLength(1);

    const [post] = receiver.posts;
    expect(post!.path).toBe('/services/T000/B000/secretpart');
    expect(post!.contentType).toBe('application/json; charset=utf-8');
    expect(post!.body.text).toBe('draftpilot weekly digest · 2026-W48: 6 unanswered escalations, 7 handoffs, 0 categories to promote, 0 to demote.');
    expect(post!.body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'draftpilot weekly digest · 2026-W48' } });
    // the seeded week (test/helpers/report-fixture.ts): 6 escalations in 3 clusters, the largest about parking
    expect(sectionText(post!.body, 1)).toContain('6 escalations without an answer (4 missing source, 2 low confidence) on 5 tickets, in 3 clusters.');
    expect(sectionText(post!.body, 1)).toContain('• *parking, store*, 3 escalations: “Is there parking at your stores?” <https://acme.zendesk.com/agent/tickets/101|open a ticket>');
    expect(sectionText(post!.body, 2)).toContain('• <https://help.example.com/art2|Payment methods>: 1 rejected, 1 edited, 0 replaced');
    expect(sectionText(post!.body, 2)).toContain('• Write “Parking at stores”: asked in 3 escalations');
    expect(sectionText(post!.body, 3)).toContain('8 drafts below confidence 0.35; 8 to read in the sample');
    expect(sectionText(post!.body, 4)).toContain('7 handoffs; briefs useful 40% of 5 votes; agents asked again 33%; first human reply p50 45 min, p90 2.5 h');
    expect(sectionText(post!.body, 4)).toContain('<https://draftpilot.example.com/dashboard/reports/handoff?week=2026-W48|open the report>');
    expect(await digestRecord(store.db, WEEK)).toMatchObject({ status: 'posted', attempts: 1, trigger: 'schedule', error: null });
  });

  it('a refused post is recorded, tried again after retry_minutes, and given up after its attempts', async () => {
    const s = settings().digest;
    const week = '2026-W49';
    clock = new Date('2026-12-07T08:00:00Z');
    receiver.status = 500;
    const before = receiver.posts.length;
    const first = await digestTick(deps());
    expect(first).toMatchObject({ week, posted: false, attempt: 1 });
    expect(first.error).toMatch(/^the digest webhook http:\/\/127\.0\.0\.1:\d+\/… answered 500: server_error$/);
    expect(first.error).not.toContain('secretpart');
    expect(await digestRecord(store.db, week)).toMatchObject({ status: 'failed', attempts: 1 });
    // not before retry_minutes
    clock = new Date(clock.getTime() + (s.retry_minutes - 1) * 60_000);
    expect(await digestTick(deps())).toEqual({ week, posted: false });
    for (let attempt = 2; attempt <= s.attempts; attempt++) {
      clock = new Date(clock.getTime() + s.retry_minutes * 60_000 + 1);
      expect(await digestTick(deps())).toMatchObject({ week, posted: false, attempt });
    }
    clock = new Date(clock.getTime() + s.retry_minutes * 60_000 + 1);
    expect(await digestTick(deps())).toEqual({ week, posted: false });
    expect(receiver.posts.length - before).toBe(s.attempts);
    expect(await digestRecord(store.db, week)).toMatchObject({ status: 'failed', attempts: s.attempts });
    receiver.status = 200;
  });

  it('a receiver that is not there fails the post with what happened, and the next check tries again', async () => {
    const week = '2026-W50';
    clock = new Date('2026-12-14T08:00:00Z');
    const away = { ...deps(), url: `http://127.0.0.1:${await closedPort()}/services/x` };
    const outcome = await digestTick(away);
    expect(outcome).toMatchObject({ week, posted: false, attempt: 1 });
    expect(outcome.error).toMatch(/^posting the digest to http:\/\/127\.0\.0\.1:\d+\/… failed: ECONNREFUSED/);
    clock = new Date(clock.getTime() + settings().digest.retry_minutes * 60_000 + 1);
    expect(await digestTick(deps())).toMatchObject({ week, posted: true, attempt: 2 });
  });
}

describe('weekly digest (PGlite)', () => tickSuite(openEmbeddedStore));
describeWithPostgres('weekly digest (PostgreSQL)', () => tickSuite(openPostgresStore));

describe('weekly digest through the service', () => {
  const receiver = new DigestReceiver();
  let t: TestService;
  const ADMIN = { authorization: 'Bearer test-admin-token-0123456789' };
  beforeAll(async () => {
    await receiver.start();
    t = await startTestService({ env: { DIGEST_WEBHOOK_URL: receiver.url, PUBLIC_URL: 'https://draftpilot.example.com' }, now: () => MONDAY_AFTER });
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  it('posts the due week at start, previews any week, and posts one on request', async () => {
    // the schedule's first check runs at start: the seeded week is due (nothing seeded yet)
    const scheduled = await until('the scheduled digest', async () => receiver.posts[0]);
    expect(scheduled.body.text).toContain('2026-W48: 0 unanswered escalations');
    await seedReportWeek(t.service.store.db);

    const preview = await fetch(`${t.url}/api/digest?week=${WEEK}`, { headers: ADMIN });
    expect(preview.status).toBe(200);
    const body = (await preview.json()) as any;
    expect(body).toMatchObject({ week: WEEK, configured: true, schedule: { weekday: 'monday', hour_utc: 8 }, record: { status: 'posted', trigger: 'schedule' } });
    expect(body.message.text).toContain('6 unanswered escalations, 7 handoffs');
    // the service's categories file: the readiness section counts its categories
    expect(sectionText(body.message, 5)).toMatch(/^\*Friday · readiness\*.*\n\d+ categories: 0 to promote/);
    expect(receiver.posts).toHaveLength(1);

    const sent = await fetch(`${t.url}/api/digest?week=${WEEK}`, { method: 'POST', headers: ADMIN });
    expect(sent.status).toBe(200);
    expect(await sent.json()).toMatchObject({ week: WEEK, posted: true, record: { status: 'posted', trigger: 'manual' } });
    expect(receiver.posts).toHaveLength(2);
    expect(receiver.posts[1]!.body.text).toContain('6 unanswered escalations');
  });

  it('refuses without the admin token, a bad week, and says what the receiver answered', async () => {
    expect((await fetch(`${t.url}/api/digest`)).status).toBe(401);
    const bad = await fetch(`${t.url}/api/digest?week=2026-48`, { method: 'POST', headers: ADMIN });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as any).message).toContain('week: expected YYYY-Www');
    receiver.status = 404;
    const refused = await fetch(`${t.url}/api/digest?week=${WEEK}`, { method: 'POST', headers: ADMIN });
    receiver.status = 200;
    expect(refused.status).toBe(502);
    expect(await refused.json()).toEqual({ error: 'digest_post_failed', message: expect.stringMatching(/answered 404: no_service$/) });
  });
});

describe('weekly digest without a webhook URL', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({});
  });
  afterAll(async () => t?.close());

  it('previews, and answers 503 to a post naming the variable to set', async () => {
    const ADMIN = { authorization: 'Bearer test-admin-token-0123456789' };
    expect(await (await fetch(`${t.url}/api/digest`, { headers: ADMIN })).json()).toMatchObject({ configured: false, record: null });
    const res = await fetch(`${t.url}/api/digest`, { method: 'POST', headers: ADMIN });
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).message).toContain('set DIGEST_WEBHOOK_URL');
  });
});
