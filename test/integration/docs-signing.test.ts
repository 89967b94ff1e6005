import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestService, TestService } from '../helpers/test-service';

/**
 * The copy-paste signing commands in docs/webhooks.md, run as written (only the secret and the URL
 * filled in) against a running service: if the docs' commands stop producing an accepted delivery,
 * this fails.
 */
const ROOT = path.resolve(__dirname, '../..');
const doc = readFileSync(path.join(ROOT, 'docs/webhooks.md'), 'utf8');
const section = doc.slice(doc.indexOf('## Sending a signed test delivery'));
const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);

function commandFor(provider: 'zendesk' | 'intercom'): string {
  const block = blocks.find((b) => b.includes(`/webhooks/${provider}'`));
  if (!block) throw new Error(`docs/webhooks.md has no signing command for ${provider}`);
  return block;
}

/**
 * Runs the block with bash, asynchronously: the service answering curl lives in this process. With
 * --norc: Node's stdio pipes are sockets, and a bash whose stdin is a socket may take itself for a
 * remote shell and read the system's bashrc (which, under -u, fails on an unset PS1).
 */
function run(script: string, secret: string, url: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const filled = script.replace(/^SECRET='[^']*'$/m, `SECRET='${secret}'`).replace(/^URL='[^']*'$/m, `URL='${url}'`);
  expect(filled).not.toBe(script);
  return new Promise((resolve) => {
    execFile('bash', ['--norc', '-euo', 'pipefail', '-c', filled], { encoding: 'utf8', timeout: 15_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe('docs/webhooks.md: signing a test delivery by hand', () => {
  let t: TestService;
  beforeAll(async () => {
    for (const tool of ['bash', 'curl', 'openssl']) {
      // A missing tool is a failure, not a skip: .ci/run installs them.
      expect([tool, spawnSync('sh', ['-c', `command -v ${tool}`]).status]).toEqual([tool, 0]);
    }
    t = await startTestService();
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(['zendesk', 'intercom'] as const)('the %s command as written is accepted, and a wrong secret is refused', async (provider) => {
    const secret = provider === 'zendesk' ? t.zendeskSecret : t.intercomSecret;
    const ok = await run(commandFor(provider), secret, `${t.url}/webhooks/${provider}`);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const answer = JSON.parse(ok.stdout) as { status: string; delivery_id: string };
    expect(answer.status).toBe('accepted');
    expect((await t.service.inbox.recent(10)).map((d) => d.deliveryId)).toContain(answer.delivery_id);

    const wrong = await run(commandFor(provider), 'not-the-configured-secret', `${t.url}/webhooks/${provider}`);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ error: 'signature_mismatch' });
  });
});
