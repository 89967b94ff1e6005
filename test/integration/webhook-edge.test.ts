import { loadThread } from '../../src/threads/thread-store';
import { markerFor } from '../../src/domain/marker';
import { signIntercom } from '../../src/edge/intercom/verify';
import { signZendesk } from '../../src/edge/zendesk/verify';
import { fixture, freshIntercom, zendeskComment } from '../helpers/fixtures';
import { startTestService, TestService } from '../helpers/test-service';

let t: TestService;
const secondSecret = 'second-secret-for-rotation-0123';

beforeAll(async () => {
  // the current secret first, an older one still accepted during a rotation
  t = await startTestService({
    env: {
      ZENDESK_WEBHOOK_SECRETS: `current-zendesk-secret-0123,${secondSecret}`,
      INTERCOM_CLIENT_SECRETS: `current-intercom-secret-0123,${secondSecret}`,
      WEBHOOK_MAX_BODY_BYTES: '4096',
    },
  });
});
afterAll(() => t.close());

const zSecret = 'current-zendesk-secret-0123';
const iSecret = 'current-intercom-secret-0123';

async function json(res: Response): Promise<any> {
  return res.json();
}

describe('Zendesk deliveries', () => {
  it('accepts a signed ticket.created event with 202 and stores the normalized thread', async () => {
    const body = fixture('zendesk', 'ticket-created');
    body.id = 'edge-created-1';
    const res = await t.postZendesk(body, { secret: zSecret });
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({ status: 'accepted', delivery_id: 'edge-created-1', thread_id: '4812' });
    await t.waitIdle();
    const stored = await loadThread(t.service.store.db, { tenant: 'zendesk:acme', provider: 'zendesk', threadId: '4812' });
    expect(stored?.thread).toMatchObject({
      tenant: 'zendesk:acme',
      provider: 'zendesk',
      id: '4812',
      subject: 'Where is my order?',
      status: 'new',
      requester: { id: '9160112233' },
      messages: [{ author: 'customer', public: true, text: expect.stringContaining('tracking link') }],
    });
  });

  it('accepts a signed comment_added event', async () => {
    const res = await t.postZendesk(zendeskComment({ ticketId: '5001' }), { secret: zSecret });
    expect(res.status).toBe(202);
  });

  it('accepts the trigger-connected body, deduplicated on the invocation id header', async () => {
    const body = fixture('zendesk', 'trigger-comment');
    const headers = { 'x-zendesk-webhook-invocation-id': '77001' };
    const first = await t.postZendesk(body, { secret: zSecret, headers });
    expect(first.status).toBe(202);
    expect((await json(first)).delivery_id).toBe('77001');
    const again = await t.postZendesk(body, { secret: zSecret, headers });
    expect(again.status).toBe(200);
    expect((await json(again)).status).toBe('duplicate');
  });

  it('accepts a delivery signed with the second (rotated) secret', async () => {
    const res = await t.postZendesk(zendeskComment(), { secret: secondSecret });
    expect(res.status).toBe(202);
  });

  it('refuses a body changed after signing with 401 naming the header and the setting', async () => {
    const raw = JSON.stringify(zendeskComment());
    const headers = signZendesk(raw, zSecret);
    const res = await t.post('zendesk', raw.replace('Order 77120', 'Order 99999'), headers);
    expect(res.status).toBe(401);
    const body = await json(res);
    expect(body.error).toBe('signature_mismatch');
    expect(body.message).toContain('X-Zendesk-Webhook-Signature');
    expect(body.message).toContain('ZENDESK_WEBHOOK_SECRETS');
    expect(body.message).not.toContain(zSecret);
  });

  it('refuses a wrong secret with 401', async () => {
    const res = await t.postZendesk(zendeskComment(), { secret: 'not-the-configured-secret' });
    expect(res.status).toBe(401);
  });

  it('refuses a missing signature and a missing timestamp with 401', async () => {
    const raw = JSON.stringify(zendeskComment());
    const signed = signZendesk(raw, zSecret);
    const noSig = await t.post('zendesk', raw, { 'x-zendesk-webhook-signature-timestamp': signed['x-zendesk-webhook-signature-timestamp']! });
    expect(noSig.status).toBe(401);
    expect((await json(noSig)).message).toContain('X-Zendesk-Webhook-Signature');
    const noTs = await t.post('zendesk', raw, { 'x-zendesk-webhook-signature': signed['x-zendesk-webhook-signature']! });
    expect(noTs.status).toBe(401);
    expect((await json(noTs)).message).toContain('Timestamp');
  });

  it('refuses a truncated or garbage signature with 401, never 500', async () => {
    const raw = JSON.stringify(zendeskComment());
    const signed = signZendesk(raw, zSecret);
    for (const sig of [signed['x-zendesk-webhook-signature']!.slice(0, 20), '!!!', 'a'.repeat(500)]) {
      const res = await t.post('zendesk', raw, { ...signed, 'x-zendesk-webhook-signature': sig });
      expect(res.status).toBe(401);
    }
  });

  it('refuses stale and future timestamps outside the tolerance', async () => {
    const stale = await t.postZendesk(zendeskComment(), { secret: zSecret, at: new Date(Date.now() - 301_000) });
    expect(stale.status).toBe(401);
    expect((await json(stale)).message).toMatch(/s old; allowed is 300 s/);
    const future = await t.postZendesk(zendeskComment(), { secret: zSecret, at: new Date(Date.now() + 301_000) });
    expect(future.status).toBe(401);
    expect((await json(future)).message).toContain('in the future');
    const inside = await t.postZendesk(zendeskComment(), { secret: zSecret, at: new Date(Date.now() - 200_000) });
    expect(inside.status).toBe(202);
  });

  it('refuses a body signed for Intercom on the Zendesk route', async () => {
    const raw = JSON.stringify(freshIntercom('conversation-user-created'));
    const res = await t.post('zendesk', raw, signIntercom(raw, iSecret));
    expect(res.status).toBe(401);
  });

  it('keeps unicode text intact', async () => {
    const text = 'Grüße aus Köln — 注文番号は 12345 です 🙏 «ça marche?»';
    const body = zendeskComment({ ticketId: '5100', text });
    const res = await t.postZendesk(body, { secret: zSecret });
    expect(res.status).toBe(202);
    await t.waitIdle();
    const stored = await loadThread(t.service.store.db, { tenant: 'zendesk:acme', provider: 'zendesk', threadId: '5100' });
    expect(stored?.thread.messages.map((m) => m.text)).toContain(text);
  });

  it('answers 400 for invalid JSON, with the parser message', async () => {
    const res = await t.postZendesk('{"type": "zen:event-type:ticket.created",', { secret: zSecret });
    expect(res.status).toBe(400);
    expect((await json(res)).error).toBe('invalid_json');
  });

  it('answers 400 with the zod path when the schema does not match', async () => {
    const body = zendeskComment();
    delete body.event.comment.author;
    const res = await t.postZendesk(body, { secret: zSecret });
    expect(res.status).toBe(400);
    const answer = await json(res);
    expect(answer.error).toBe('schema_mismatch');
    expect(answer.message).toContain('event.comment.author');
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await t.postZendesk(zendeskComment(), { secret: zSecret, contentType: 'text/plain' });
    expect(res.status).toBe(415);
    expect((await json(res)).message).toContain('application/json');
  });

  it('answers 413 over the size limit, before verifying', async () => {
    const body = zendeskComment({ text: 'x'.repeat(5000) });
    const res = await t.postZendesk(body, { secret: 'wrong-secret-on-purpose' });
    expect(res.status).toBe(413);
    expect((await json(res)).message).toContain('WEBHOOK_MAX_BODY_BYTES');
  });

  it('answers 413 while reading a chunked body that announces no length, and closes the connection', async () => {
    const { request } = await import('node:http');
    const url = new URL(`${t.url}/webhooks/zendesk`);
    const answer = await new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      });
      req.on('error', reject);
      req.write('{"x":"' + 'y'.repeat(3000));
      req.write('y'.repeat(3000) + '"}');
      req.end();
    });
    expect(answer.status).toBe(413);
    expect(answer.connection).toBe('close');
    expect(JSON.parse(answer.body).error).toBe('payload_too_large');
  });

  it('answers 415 for a compressed body (it would have to be inflated before the signature check)', async () => {
    const res = await t.postZendesk(zendeskComment(), { secret: zSecret, headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(415);
    expect(await json(res)).toMatchObject({ error: 'unsupported_content_encoding' });
  });

  it('routes the webhook path with a trailing slash or a query string like the bare path; other methods get express answers', async () => {
    const body = zendeskComment();
    const raw = JSON.stringify(body);
    for (const suffix of ['/', '?source=trigger']) {
      const res = await fetch(`${t.url}/webhooks/zendesk${suffix}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signZendesk(raw, zSecret) }, body: raw });
      expect([200, 202]).toContain(res.status);
    }
    expect((await fetch(`${t.url}/webhooks/zendesk`, { method: 'HEAD' })).status).toBe(200);
    const get = await fetch(`${t.url}/webhooks/zendesk`);
    expect(get.status).toBe(404);
    expect(await json(get)).toMatchObject({ error: 'not_found' });
  });

  it('answers 200 ignored for an event type draftpilot does not use', async () => {
    const body = { ...zendeskComment(), type: 'zen:event-type:ticket.priority_changed' };
    const res = await t.postZendesk(body, { secret: zSecret });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'ignored', reason: 'unsupported_event' });
  });

  it('records a comment by draftpilot\'s user as its own, and accepts a customer\'s comment that carries the marker', async () => {
    const byBot = zendeskComment();
    byBot.event.comment.author.id = '9000000001';
    const r1 = await t.postZendesk(byBot, { secret: zSecret });
    expect(r1.status).toBe(202);
    expect(await json(r1)).toMatchObject({ status: 'recorded', reason: 'self_authored' });
    const byMarker = zendeskComment({ text: `Draft for review ${markerFor('d_123')}` });
    const r2 = await t.postZendesk(byMarker, { secret: zSecret });
    expect(r2.status).toBe(202);
    expect(await json(r2)).toMatchObject({ status: 'accepted' });
  });

  it('records an agent comment without drafting', async () => {
    const body = zendeskComment();
    body.event.comment.author = { id: '9160445566', is_staff: true, name: 'Agent' };
    const res = await t.postZendesk(body, { secret: zSecret });
    expect(res.status).toBe(202);
    expect(await json(res)).toMatchObject({ status: 'recorded', reason: 'agent_comment' });
  });
});

describe('Intercom deliveries', () => {
  it('answers ping with 200 and ignores it', async () => {
    const res = await t.postIntercom(fixture('intercom', 'ping'), { secret: iSecret });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'ignored', reason: 'ping' });
  });

  it('accepts conversation.user.created and .replied and stores one thread with both messages', async () => {
    const created = await t.postIntercom(freshIntercom('conversation-user-created'), { secret: iSecret });
    expect(created.status).toBe(202);
    const replied = await t.postIntercom(freshIntercom('conversation-user-replied'), { secret: iSecret });
    expect(replied.status).toBe(202);
    await t.waitIdle();
    const stored = await loadThread(t.service.store.db, { tenant: 'intercom:x7k2pq9a', provider: 'intercom', threadId: '215469330102875' });
    expect(stored?.thread.requester).toEqual({ id: '6643a1b2c3d4e5f601234567', name: 'Sam Okafor', email: 'sam@example.org' });
    expect(stored?.thread.messages.map((m) => [m.author, m.text])).toEqual([
      ['customer', "Hello! How do I change the delivery address on my order? I'm moving on Friday."],
      ['customer', "The new address is 14 Harbour Lane & it's flat 2. Order #55120."],
    ]);
  });

  it('accepts the rotated secret and refuses a tampered body', async () => {
    const body = freshIntercom('conversation-user-created', { id: 'notif_rotated' });
    expect((await t.postIntercom(body, { secret: secondSecret })).status).toBe(202);
    const raw = JSON.stringify(freshIntercom('conversation-user-created', { id: 'notif_tampered' }));
    const res = await t.post('intercom', raw.replace('Hello', 'Hallo'), signIntercom(raw, iSecret));
    expect(res.status).toBe(401);
    expect((await json(res)).message).toContain('INTERCOM_CLIENT_SECRETS');
  });

  it('refuses a missing or malformed X-Hub-Signature', async () => {
    const raw = JSON.stringify(freshIntercom('conversation-user-created', { id: 'notif_nosig' }));
    expect((await t.post('intercom', raw, {})).status).toBe(401);
    const good = signIntercom(raw, iSecret)['x-hub-signature']!;
    expect((await t.post('intercom', raw, { 'x-hub-signature': good.slice(0, 20) })).status).toBe(401);
    expect((await t.post('intercom', raw, { 'x-hub-signature': good.replace('sha1=', 'sha256=') })).status).toBe(401);
  });

  it('refuses a body signed for Zendesk on the Intercom route', async () => {
    const raw = JSON.stringify(zendeskComment());
    expect((await t.post('intercom', raw, signZendesk(raw, zSecret))).status).toBe(401);
  });

  it('ignores a delivery older than the configured age', async () => {
    const old = Math.floor(Date.now() / 1000) - 7200;
    const res = await t.postIntercom(freshIntercom('conversation-user-created', { id: 'notif_old', created_at: old, first_sent_at: old }), { secret: iSecret });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'ignored', reason: 'stale' });
  });

  it('records admin activity, and draftpilot\'s own notes as its own', async () => {
    const noted = await t.postIntercom(freshIntercom('conversation-admin-noted'), { secret: iSecret });
    expect(await json(noted)).toMatchObject({ status: 'recorded', reason: 'admin_activity' });
    const own = freshIntercom('conversation-admin-noted', { id: 'notif_own' });
    own.data.item.conversation_parts.conversation_parts[0].author.id = '9000002';
    const res = await t.postIntercom(own, { secret: iSecret });
    expect(res.status).toBe(202);
    expect(await json(res)).toMatchObject({ status: 'recorded', reason: 'self_authored' });
  });

  it('answers 200 ignored for an unknown topic and 400 for a conversation without an id', async () => {
    const unknown = await t.postIntercom(freshIntercom('conversation-user-created', { id: 'notif_u', topic: 'contact.created' }), { secret: iSecret });
    expect(await json(unknown)).toMatchObject({ status: 'ignored', reason: 'unsupported_event' });
    const bad = freshIntercom('conversation-user-created', { id: 'notif_bad' });
    delete bad.data.item.id;
    const res = await t.postIntercom(bad, { secret: iSecret });
    expect(res.status).toBe(400);
    expect((await json(res)).message).toContain('data.item.id');
  });
});

describe('operator API', () => {
  it('lists recent deliveries with the bearer token and refuses without it', async () => {
    expect((await fetch(`${t.url}/api/deliveries`)).status).toBe(401);
    expect((await fetch(`${t.url}/api/deliveries`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const res = await fetch(`${t.url}/api/deliveries?limit=3`, { headers: { authorization: 'Bearer test-admin-token-0123456789' } });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.deliveries).toHaveLength(3);
    expect(Object.keys(body.deliveries[0])).toEqual(expect.arrayContaining(['provider', 'delivery_id', 'status', 'thread_id', 'received_at']));
    const bad = await fetch(`${t.url}/api/deliveries?limit=abc`, { headers: { authorization: 'Bearer test-admin-token-0123456789' } });
    expect(bad.status).toBe(400);
  });

  it('answers health and readiness', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await json(ready)).toEqual({ status: 'ready', checks: { store: 'ok', queue: 'ok' } });
  });
});

describe('URL validation', () => {
  it('answers HEAD on the webhook URLs (Intercom checks the URL with HEAD when it is saved)', async () => {
    for (const p of ['zendesk', 'intercom']) expect((await fetch(`${t.url}/webhooks/${p}`, { method: 'HEAD' })).status).toBe(200);
  });
});
