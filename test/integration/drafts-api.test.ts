import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli';
import type { DraftDetail } from '../../src/drafting/draft-view';
import { freshIntercom, zendeskComment } from '../helpers/fixtures';
import { LocalServer } from '../helpers/local-server';
import { describeWithPostgresAndRedis } from '../helpers/services';
import { useStrictNock } from '../helpers/strict-nock';
import { ROOT, startTestService, TestService, TestServiceOptions } from '../helpers/test-service';
import { ZendeskStandIn } from '../helpers/zendesk-stand-in';
import { until } from '../helpers/until';

/**
 * GET /api/drafts/:id and `npx draftpilot drafts list|show` against a running service: shadow mode
 * (the would-be writes shown, nothing sent) and a live Zendesk write through the local stand-in.
 */

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const ZENDESK_TOKEN = 'zd-stand-in-token';
const BOT_USER_ID = 9000000001; // ZENDESK_BOT_USER_ID of the test service

// Any request to a host other than loopback (the service, the stand-in) fails the test.
useStrictNock(/\/\/(127\.0\.0\.1|localhost)[:/]/);

const getJson = async (t: TestService, apiPath: string, headers: Record<string, string> = ADMIN) => {
  const res = await fetch(`${t.url}${apiPath}`, { headers });
  return { status: res.status, body: (await res.json()) as any };
};

/** The draft of a thread once its delivery is recorded (GET /api/drafts, then GET /api/drafts/:id). */
async function deliveredDraft(t: TestService, threadId: string): Promise<DraftDetail> {
  const id = await until(`the draft of thread ${threadId} to be delivered`, async () => {
    const list = (await getJson(t, '/api/drafts?limit=100')).body as { drafts: { id: string; thread_id: string; delivered_at: string | null }[] };
    return list.drafts.find((d) => d.thread_id === threadId && d.delivered_at)?.id;
  });
  const { status, body } = await getJson(t, `/api/drafts/${id}`);
  expect(status).toBe(200);
  return body as DraftDetail;
}

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(args: string[], env: Record<string, string> = { ADMIN_TOKEN }): Promise<Run> {
  let out = '';
  let err = '';
  // cwd without a .env: only the environment given here counts
  const code = await runCli(args, { env: { ...env }, cwd: '/nonexistent-dir', stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

function draftsSuite(mode: Pick<TestServiceOptions, 'store' | 'queue'>, options: { spawnCli?: boolean } = {}) {
  const standIn = new ZendeskStandIn({ botUserId: BOT_USER_ID, token: ZENDESK_TOKEN });
  beforeAll(() => standIn.start());
  afterAll(() => standIn.stop());
  const zendeskEnv = () => ({ ZENDESK_ACCESS_TOKEN: ZENDESK_TOKEN, ZENDESK_BASE_URL: standIn.baseUrl });

  describe('shadow mode (Zendesk credentials pointing at the stand-in, SHADOW_MODE=true; Intercom without credentials)', () => {
    let t: TestService;
    beforeAll(async () => {
      t = await startTestService({ ...mode, env: { ...zendeskEnv(), SHADOW_MODE: 'true' } });
    });
    afterAll(() => t?.close());
    beforeEach(() => standIn.reset());

    it('GET /api/drafts/:id shows the draft, the brief and the internal note that would have been written; nothing reached Zendesk', async () => {
      standIn.addTicket('8101', 'I want to speak to a real person about my parcel, now.');
      const body = zendeskComment({ ticketId: '8101', text: 'I want to speak to a real person about my parcel, now.' });
      expect((await t.postZendesk(body)).status).toBe(202);
      await t.waitIdle();
      const d = await deliveredDraft(t, '8101');

      expect(d).toMatchObject({ provider: 'zendesk', tenant: 'zendesk:acme', thread_id: '8101', message_id: body.event.comment.id, decision: 'escalate', status: 'shadow', error: null });
      expect(d.reasons).toContain('human_requested');
      expect(d.brief).toMatchObject({ question: expect.stringContaining('real person'), escalation_reasons: d.reasons, confidence: d.confidence });
      expect(typeof d.confidence).toBe('number');
      expect(Array.isArray(d.sources)).toBe(true);
      expect(d.delivery).toMatchObject({ shadow: true, written: false, failed: false, api_calls: 0, writes: [], detail: expect.stringMatching(/^shadow mode: nothing written; would handoff note \(internal\)/) });
      // the exact request the writer would have sent: one ticket update with a private comment
      expect(d.delivery!.would_be_writes).toHaveLength(1);
      const write = d.delivery!.would_be_writes[0]! as { method: string; path: string; body: { ticket: { comment: { html_body: string; public: boolean }; tags: string[] } } };
      expect(write).toMatchObject({ method: 'PUT', path: '/api/v2/tickets/8101.json' });
      expect(write.body.ticket.comment.public).toBe(false);
      expect(write.body.ticket.comment.html_body).toContain('draftpilot handoff');
      expect(write.body.ticket.comment.html_body).toContain(`[draftpilot ref ${d.id}]`);
      expect(write.body.ticket.tags).toEqual(expect.arrayContaining(['draftpilot_escalated', 'draftpilot_reason_human_requested']));
      // the webhook delivery that made it, as the inbox stores it
      expect(d.thread_deliveries).toEqual([expect.objectContaining({ delivery_id: body.id, topic: 'ticket.comment_added', status: 'done', attempts: 0, last_error: null })]);

      // Nothing about the ticket reached the helpdesk: at most the help-center listing of the knowledge sync.
      expect(standIn.requests.filter((r) => r.kind !== 'help_center')).toEqual([]);
      expect(standIn.botComments('8101')).toEqual([]);
    });

    it('an Intercom draft in shadow mode shows the note (and tags) that would have been posted', async () => {
      const body = freshIntercom('conversation-user-created', { id: `notif_drafts_${Date.now()}` });
      expect((await t.postIntercom(body)).status).toBe(202);
      await t.waitIdle();
      const d = await deliveredDraft(t, '215469330102875');
      expect(d).toMatchObject({ provider: 'intercom', tenant: 'intercom:x7k2pq9a', status: 'shadow' });
      expect(d.delivery!.writes).toEqual([]);
      const [reply, ...rest] = d.delivery!.would_be_writes as { method: string; path: string; body: any }[];
      expect(reply).toMatchObject({ method: 'POST', path: '/conversations/215469330102875/reply', body: { message_type: 'note', type: 'admin', admin_id: '9000002' } });
      expect(reply!.body.body).toContain(`[draftpilot ref ${d.id}]`);
      expect(rest.every((w) => w.method === 'POST' && w.path === '/conversations/215469330102875/tags')).toBe(true);
      // strict nock (afterEach): no request left this machine
    });

    it('drafts show renders the would-be writes; drafts list has one line per draft', async () => {
      const id = (await deliveredDraft(t, '8101')).id;
      const show = await cli(['drafts', 'show', id, '--url', t.url]);
      expect(show.err).toBe('');
      expect(show.code).toBe(0);
      expect(show.out).toContain(`Draft ${id}\n`);
      expect(show.out).toMatch(/decision: +escalate\n/);
      expect(show.out).toMatch(/reasons: +human_requested/);
      expect(show.out).toMatch(/confidence: +\d\.\d\d\n/);
      expect(show.out).toContain('Brief:\n  Asks: I want to speak to a real person about my parcel, now.');
      expect(show.out).toContain('Would-be writes (shadow mode: nothing was sent to zendesk):\n  1. PUT /api/v2/tickets/8101.json\n');
      expect(show.out).toContain('"public": false');
      expect(show.out).toMatch(/status: +shadow\n/);
      expect(show.out).toMatch(/ticket\.comment_added {2}done {2}\(attempts 0, processed /);

      const list = await cli(['drafts', 'list', '--url', t.url, '--limit', '10']);
      expect(list.code).toBe(0);
      const lines = list.out.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ID +CREATED +TICKET +DECISION +REASONS +STATUS$/);
      expect(lines).toHaveLength(3); // the header, the Intercom draft (newest) and the Zendesk one
      expect(lines[1]).toMatch(/^d_[\w-]{12} +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +intercom:x7k2pq9a#215469330102875 +\w+ +\S+ +shadow$/);
      expect(lines[2]).toMatch(new RegExp(`^${id} +\\S+ +zendesk:acme#8101 +escalate +\\S*human_requested\\S* +shadow$`));
    });
  });

  describe('live Zendesk through the stand-in', () => {
    let t: TestService;
    beforeAll(async () => {
      t = await startTestService({ ...mode, env: zendeskEnv() });
    });
    afterAll(() => t?.close());
    beforeEach(() => standIn.reset());

    it('GET /api/drafts/:id shows the request that was sent, exactly as Zendesk received it, and the delivery', async () => {
      standIn.addTicket('8201', 'How many days do I have to return an item?');
      const body = zendeskComment({ ticketId: '8201', text: 'How many days do I have to return an item?' });
      expect((await t.postZendesk(body)).status).toBe(202);
      await t.waitIdle();
      const d = await deliveredDraft(t, '8201');

      expect(d).toMatchObject({ thread_id: '8201', status: 'delivered', error: null });
      expect(d.delivery).toMatchObject({ shadow: false, written: true, failed: false, api_calls: 2, would_be_writes: [] });
      const puts = standIn.ticketRequests().filter((r) => r.kind === 'ticket.update');
      expect(puts).toHaveLength(1);
      expect(d.delivery!.writes).toEqual([{ method: 'PUT', path: '/api/v2/tickets/8201.json', body: puts[0]!.body }]);
      const sent = puts[0]!.body as { ticket: { comment: { public: boolean; html_body: string }; safe_update: boolean } };
      expect(sent.ticket.comment.public).toBe(false);
      expect(sent.ticket.safe_update).toBe(true);
      expect(standIn.botComments('8201')).toHaveLength(1);
      expect(standIn.botComments('8201')[0]!.html_body).toContain(`[draftpilot ref ${d.id}]`);
      expect(d.delivered_at).not.toBeNull();
      expect(Date.parse(d.delivered_at!)).toBeGreaterThanOrEqual(Date.parse(d.created_at));
      expect(d.thread_deliveries).toEqual([expect.objectContaining({ delivery_id: body.id, status: 'done', attempts: 0, last_error: null, processed_at: expect.any(String) })]);
    });

    it('a draft Zendesk refused for good shows failed, with the error, and its delivery failed', async () => {
      // no such ticket in the stand-in: 404 on the ticket read, a permanent error
      const body = zendeskComment({ ticketId: '8202', text: 'How many days do I have to return an item?' });
      expect((await t.postZendesk(body)).status).toBe(202);
      const d = await until('the failed delivery', async () => {
        const detail = await deliveredDraft(t, '8202');
        return detail.thread_deliveries[0]?.status === 'failed' ? detail : undefined;
      });
      expect(d).toMatchObject({ status: 'failed', error: expect.stringMatching(/^not delivered: .*ticket 8202 was not found/) });
      expect(d.delivery).toMatchObject({ shadow: false, written: false, failed: true, api_calls: 0, writes: [], would_be_writes: [] });
      expect(d.thread_deliveries[0]).toMatchObject({ delivery_id: body.id, last_error: expect.stringContaining('not delivered') });

      const show = await cli(['drafts', 'show', d.id, '--url', t.url]);
      expect(show.code).toBe(0);
      expect(show.out).toContain('Writes sent to zendesk:\n  none\n');
      expect(show.out).toMatch(/status: +failed\n/);
      expect(show.out).toMatch(/error: +not delivered: /);
      expect(show.out).toMatch(/ {4}last error: not delivered: /);
    });

    it('drafts show and drafts list render the live write; --json prints the API answer', async () => {
      const d = await deliveredDraft(t, '8201');
      const show = await cli(['drafts', 'show', d.id, '--url', t.url]);
      expect(show.code).toBe(0);
      expect(show.out).toContain('Writes sent to zendesk:\n  1. PUT /api/v2/tickets/8201.json\n');
      expect(show.out).toContain('"safe_update": true');
      expect(show.out).toMatch(/status: +delivered\n/);
      expect(show.out).toMatch(/api calls: +2\n/);
      if (d.draft) expect(show.out).toContain(`Draft reply:\n  ${d.draft.split('\n')[0]}`);
      else expect(show.out).toContain('Draft reply: none');

      const json = await cli(['drafts', 'show', d.id, '--json', `--url=${t.url}`]);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.out)).toEqual(d);

      const list = await cli(['drafts', 'list', '--json', '--url', t.url]);
      expect(list.code).toBe(0);
      expect(JSON.parse(list.out)).toEqual((await getJson(t, '/api/drafts')).body);
    });

    it('answers 400 for a malformed id and 404 for an unknown one, with a message saying what to do; 401 without the token', async () => {
      const malformed = await getJson(t, '/api/drafts/not-a-draft');
      expect(malformed).toEqual({ status: 400, body: { error: 'invalid_id', message: '"not-a-draft" is not a draft id: a draft id is d_ followed by 12 letters, digits, - or _ (e.g. d_Xk3v9QpLm2Wd); GET /api/drafts lists the recent ones' } });
      expect((await getJson(t, '/api/drafts/d_short')).status).toBe(400);
      const unknown = await getJson(t, '/api/drafts/d_AAAAAAAAAAAA');
      expect(unknown).toEqual({ status: 404, body: { error: 'draft_not_found', message: 'no draft d_AAAAAAAAAAAA in this store; GET /api/drafts lists the recent ones' } });
      expect(await getJson(t, '/api/drafts/d_AAAAAAAAAAAA', {})).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
      expect(await getJson(t, '/api/drafts/d_AAAAAAAAAAAA', { authorization: 'Bearer wrong-token' })).toMatchObject({ status: 401 });
    });

    it('the CLI says when the id is unknown, malformed, the token wrong or missing', async () => {
      const unknown = await cli(['drafts', 'show', 'd_AAAAAAAAAAAA', '--url', t.url]);
      expect(unknown).toEqual({ code: 1, out: '', err: `draftpilot drafts show: no draft d_AAAAAAAAAAAA at ${t.url} (no draft d_AAAAAAAAAAAA in this store; GET /api/drafts lists the recent ones); \`npx draftpilot drafts list\` shows the recent ones\n` });
      const malformed = await cli(['drafts', 'show', 'nope', '--url', t.url]);
      expect(malformed.code).toBe(2);
      expect(malformed.err).toBe('draftpilot: "nope" is not a draft id: a draft id is d_ followed by 12 letters, digits, - or _ (e.g. d_Xk3v9QpLm2Wd); `npx draftpilot drafts list` shows the recent ones\n');
      const wrongToken = await cli(['drafts', 'list', '--url', t.url], { ADMIN_TOKEN: 'wrong-token' });
      expect(wrongToken.code).toBe(1);
      expect(wrongToken.err).toContain(`draftpilot drafts list: ${t.url} refused the admin token (unauthorized: `);
      const noToken = await cli(['drafts', 'list', '--url', t.url], {});
      expect(noToken).toMatchObject({ code: 2, err: expect.stringContaining('drafts list needs ADMIN_TOKEN') });
    });

    if (options.spawnCli) {
      it('the draftpilot command itself (a child process) shows a draft, and says when the service is not there', async () => {
        const d = await deliveredDraft(t, '8201');
        const run = promisify(execFile);
        const cliPath = path.join(ROOT, 'src/cli.ts');
        const env = { PATH: process.env.PATH ?? '', ADMIN_TOKEN };
        // async: the service answering it runs in this process
        const shown = await run(process.execPath, ['--require', require.resolve('tsx/cjs'), cliPath, 'drafts', 'show', d.id, '--url', t.url], { env, cwd: '/tmp', timeout: 30_000 });
        expect(shown.stdout).toContain(`Draft ${d.id}\n`);
        expect(shown.stdout).toContain('Writes sent to zendesk:');
        expect(shown.stderr).toBe('');

        // a port nothing listens on any more
        const gone = new LocalServer('gone', async () => undefined, () => undefined);
        await gone.start();
        const url = gone.origin;
        await gone.stop();
        const failed = await run(process.execPath, ['--require', require.resolve('tsx/cjs'), cliPath, 'drafts', 'list', '--url', url], { env, cwd: '/tmp', timeout: 30_000 }).then(
          () => undefined,
          (err: { code: number; stdout: string; stderr: string }) => err,
        );
        expect(failed).toMatchObject({ code: 1, stdout: '' });
        expect(failed!.stderr).toMatch(new RegExp(`^draftpilot drafts list: ${url.replace(/\./g, '\\.')} did not answer \\(fetch failed: .*ECONNREFUSED.*\\); is draftpilot running there\\? \\(--url\\)\\n$`));
      });
    }
  });
}

describe('drafts API and CLI (embedded: PGlite, in-process queue)', () => draftsSuite({}, { spawnCli: true }));
describeWithPostgresAndRedis('drafts API and CLI (PostgreSQL, BullMQ)', () => draftsSuite({ store: 'postgres', queue: 'bullmq' }));
