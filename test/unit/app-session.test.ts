import { InvalidAppSessionError, mintAppSession, verifyAppSession } from '../../src/apps/app-session';

const SECRET = 'a-test-secret-of-at-least-32-characters';
const claims = { tenant: 'zendesk:acme', provider: 'zendesk' as const, installationId: '360001', agentId: '7001', agentName: 'Ann' };
const at = new Date('2026-12-01T10:00:00Z');
const later = (s: number) => new Date(at.getTime() + s * 1000);

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidAppSessionError);
    return (err as Error).message;
  }
  throw new Error('the session was accepted');
}

describe('app sessions', () => {
  it('gives back the claims it was minted with, until it expires', async () => {
    const token = await mintAppSession(claims, SECRET, 600, at);
    expect(token.split('.')).toHaveLength(3);
    await expect(verifyAppSession(token, SECRET, later(599))).resolves.toEqual(claims);
    expect(await refusal(verifyAppSession(token, SECRET, later(601)))).toContain('(expired)');
    const minimal = await mintAppSession({ tenant: 'intercom:x7k2', provider: 'intercom', agentId: '9' }, SECRET, 60, at);
    await expect(verifyAppSession(minimal, SECRET, at)).resolves.toEqual({ tenant: 'intercom:x7k2', provider: 'intercom', agentId: '9' });
  });

  it('refuses another secret, a changed payload, an unsigned token and garbage', async () => {
    const token = await mintAppSession(claims, SECRET, 600, at);
    expect(await refusal(verifyAppSession(token, 'another-secret-of-at-least-32-chars!', at))).toContain('bad signature');
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), tenant: 'zendesk:other' })).toString('base64url');
    expect(await refusal(verifyAppSession(`${h}.${forged}.${s}`, SECRET, at))).toContain('bad signature');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    await refusal(verifyAppSession(none, SECRET, at));
    await refusal(verifyAppSession('not-a-token', SECRET, at));
  });

  it('refuses a tenant of the other helpdesk and minting bad claims', async () => {
    const mixed = mintAppSession({ ...claims, tenant: 'intercom:x7k2' }, SECRET, 600, at).then((t) => verifyAppSession(t, SECRET, at));
    expect(await refusal(mixed)).toContain('unexpected claims');
    await expect(mintAppSession({ ...claims, tenant: 'acme' }, SECRET, 600, at)).rejects.toThrow(/tenant/);
  });
});
