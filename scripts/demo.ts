/**
 * `npm run demo`: starts draftpilot in its embedded mode (PGlite under ./data/demo, in-process queue),
 * posts signed Zendesk and Intercom deliveries to itself over HTTP, plus a tampered one, a stale one,
 * a duplicate and one written by draftpilot itself, and prints what happened to each and the
 * normalized thread each accepted delivery produced.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { signIntercom } from '../src/edge/intercom/verify';
import { markerFor } from '../src/domain/marker';
import { signZendesk } from '../src/edge/zendesk/verify';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { loadThread } from '../src/threads/thread-store';
import { briefSchema } from '../src/brief/brief';
import { renderBriefText } from '../src/brief/render-brief';
import { randomSecret } from '../src/service/random-secret';
import { startService } from '../src/service/start-service';

const root = path.resolve(__dirname, '..');
const fixture = (p: string) => JSON.parse(readFileSync(path.join(root, 'webhooks', p), 'utf8'));

interface Sample {
  label: string;
  provider: 'zendesk' | 'intercom';
  body: string;
  headers: Record<string, string>;
}

async function main(): Promise<void> {
  const dataDir = path.join(root, 'data', 'demo');
  rmSync(dataDir, { recursive: true, force: true });
  const zendeskSecret = randomSecret();
  const intercomSecret = randomSecret();
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    CONFIG_FILE: path.join(root, 'config', 'default.yaml'),
    ZENDESK_SUBDOMAIN: 'demo-shop',
    ZENDESK_WEBHOOK_SECRETS: zendeskSecret,
    ZENDESK_BOT_USER_ID: '9000000001',
    INTERCOM_CLIENT_SECRETS: intercomSecret,
    INTERCOM_ADMIN_ID: '9000002',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  });
  process.stdout.write(`Starting draftpilot (embedded: PGlite in ${path.relative(process.cwd(), dataDir)}, in-process queue; nothing is written to Zendesk or Intercom)...\n`);
  const service = await startService({ config, logger: createLogger(config.env.LOG_LEVEL) });
  process.stdout.write(`Listening on ${service.url}\n\n`);

  const nowSec = Math.floor(Date.now() / 1000);
  const zendesk = (label: string, body: object, at = new Date(), secret = zendeskSecret): Sample => {
    const raw = JSON.stringify(body);
    return { label, provider: 'zendesk', body: raw, headers: signZendesk(raw, secret, at) };
  };
  const intercom = (label: string, body: Record<string, unknown>): Sample => {
    const raw = JSON.stringify({ ...body, created_at: nowSec, first_sent_at: nowSec });
    return { label, provider: 'intercom', body: raw, headers: signIntercom(raw, intercomSecret) };
  };

  const created = fixture('zendesk/fixtures/ticket-created.json');
  const comment = fixture('zendesk/fixtures/comment-added.json');
  const trigger = fixture('zendesk/fixtures/trigger-comment.json');
  const selfNote = structuredClone(comment);
  selfNote.id = '01JQ8Y0000SELF0000000000000';
  selfNote.time = '2026-11-27T10:03:05.218734120Z';
  selfNote.event.comment.id = '29384756140';
  selfNote.event.comment.body = `Suggested reply for review ${markerFor('d_demo1')}`;
  selfNote.event.comment.is_public = false;
  // Only the author proves it is draftpilot's own (ZENDESK_BOT_USER_ID below), not the marker.
  selfNote.event.comment.author = { id: '9000000001', is_staff: true, name: 'draftpilot' };
  const commentSample = zendesk('Zendesk comment added (event webhook)', comment);
  const tampered = { ...commentSample, label: 'Zendesk comment, body changed after signing', body: commentSample.body.replace('77120', '99999') };

  const samples: Sample[] = [
    zendesk('Zendesk ticket created (event webhook)', created),
    commentSample,
    { ...commentSample, label: 'Zendesk comment added, delivered again' },
    zendesk('Zendesk comment (trigger webhook)', trigger),
    tampered,
    zendesk('Zendesk delivery signed 10 minutes ago', { ...comment, id: '01JQ8Z0000STALE000000000000' }, new Date(Date.now() - 600_000)),
    zendesk('Zendesk delivery signed with another secret', { ...comment, id: '01JQ8Z0000OTHER000000000000' }, new Date(), randomSecret()),
    zendesk("draftpilot's own note coming back as an event", selfNote),
    intercom('Intercom ping', fixture('intercom/fixtures/ping.json')),
    intercom('Intercom conversation started', fixture('intercom/fixtures/conversation-user-created.json')),
    intercom('Intercom customer replied', fixture('intercom/fixtures/conversation-user-replied.json')),
    intercom('Intercom teammate added a note', fixture('intercom/fixtures/conversation-admin-noted.json')),
  ];

  process.stdout.write('Deliveries:\n');
  for (const s of samples) {
    const extra: Record<string, string> = s.label.includes('trigger') ? { 'x-zendesk-webhook-invocation-id': '8812345001' } : {};
    const res = await fetch(`${service.url}/webhooks/${s.provider}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...s.headers, ...extra },
      body: s.body,
    });
    const answer = (await res.json()) as Record<string, string>;
    const what = answer.status ?? answer.error ?? '';
    const why = answer.reason ?? answer.message ?? answer.detail ?? (answer.thread_id ? `thread ${answer.thread_id}` : '');
    process.stdout.write(`  ${String(res.status).padEnd(4)}${what.padEnd(27)}${s.label}${why ? `\n${' '.repeat(33)}${why}` : ''}\n`);
  }

  // Wait for the in-process queue to finish the accepted deliveries.
  for (let i = 0; i < 100 && ((await service.inbox.countByStatus()).received ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 50));

  process.stdout.write('\nInbox:\n');
  for (const d of (await service.inbox.recent(50)).reverse()) {
    process.stdout.write(`  ${d.provider.padEnd(9)}${d.topic.padEnd(28)}${d.status.padEnd(9)}thread ${d.threadId}\n`);
  }
  for (let i = 0; i < 100 && (await service.store.db.selectFrom('drafts').select('id').where('delivered_at', 'is not', null).execute()).length < 3; i++) await new Promise((r) => setTimeout(r, 50));
  process.stdout.write('\nNormalized threads:\n');
  const keys = [
    { tenant: 'zendesk:demo-shop', provider: 'zendesk' as const, threadId: '4812' },
    { tenant: 'zendesk:demo-shop', provider: 'zendesk' as const, threadId: '4813' },
    { tenant: 'intercom:x7k2pq9a', provider: 'intercom' as const, threadId: '215469330102875' },
  ];
  for (const key of keys) {
    const stored = await loadThread(service.store.db, key);
    process.stdout.write(`${JSON.stringify(stored?.thread, null, 2)}\n`);
  }
  process.stdout.write('\nDrafts (shadow mode: decided and stored, nothing written to the helpdesk):\n');
  const drafts = await service.store.db.selectFrom('drafts').selectAll().orderBy('created_at').execute();
  for (const d of drafts) {
    process.stdout.write(`\n${d.provider} thread ${d.thread_id}: ${d.decision.toUpperCase()}${d.reasons.length ? ` (${d.reasons.join(', ')})` : ''}\n`);
    process.stdout.write(`${renderBriefText(briefSchema.parse(d.brief), d.draft, d.decision)}\n`);
    const delivery = d.delivery as { detail?: string } | null;
    if (delivery?.detail) process.stdout.write(`  Delivery: ${delivery.detail}\n`);
  }
  await service.shutdown();
  process.stdout.write('\nDone. `npm start` runs the server; docs/install-zendesk.md and docs/install-intercom.md explain connecting Zendesk and Intercom.\n');
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
