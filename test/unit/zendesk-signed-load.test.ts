import { generateKeyPair } from 'jose';
import { PublicKeys } from '../../src/apps/zendesk/public-keys';
import { verifySignedLoad, SignedLoadOptions } from '../../src/apps/zendesk/signed-load';
import { ZendeskAppKeys } from '../helpers/zendesk-app-keys';
import { ZendeskStandIn } from '../helpers/zendesk-stand-in';

/**
 * The signed first load of the Zendesk sidebar: an RS256 token checked against the app's public key,
 * served by the Zendesk stand-in at GET /api/v2/apps/{app id}/public_key.pem.
 */
const NOW = new Date('2026-12-01T10:00:00Z');
const zendesk = new ZendeskStandIn({ botUserId: 9000000001, token: 'unused' });
let app: ZendeskAppKeys;
let cache: PublicKeys;
const keyRequests = () => zendesk.requests.filter((r) => r.kind === 'app.public_key').length;

beforeAll(async () => {
  app = await ZendeskAppKeys.create();
  zendesk.appKey = app.appKey;
  await zendesk.start();
});
afterAll(() => zendesk.stop());
beforeEach(() => {
  cache = new PublicKeys();
  zendesk.reset();
});

const options = (over: Partial<SignedLoadOptions> = {}): SignedLoadOptions => ({
  knownSubdomain: (s) => s === 'acme',
  keyFor: () => cache.get(PublicKeys.urlFor(zendesk.baseUrl, app.appId)),
  now: NOW,
  skewSeconds: 30,
  ...over,
});

describe('verifySignedLoad', () => {
  it('accepts a token Zendesk signed: the account, the installation (from aud) and the user (sub)', async () => {
    const result = await verifySignedLoad(await app.sign(NOW), options());
    expect(result).toEqual({ ok: true, load: { subdomain: 'acme', installationId: '42', userId: '9000000123' } });
  });

  it('reads the public key once and caches it', async () => {
    await verifySignedLoad(await app.sign(NOW), options());
    await verifySignedLoad(await app.sign(NOW), options());
    expect(keyRequests()).toBe(1);
  });

  it('tolerates the configured clock skew, and no more', async () => {
    const ahead = new Date(NOW.getTime() + 20_000);
    expect((await verifySignedLoad(await app.sign(ahead), options())).ok).toBe(true);
    const farAhead = new Date(NOW.getTime() + 120_000);
    const refused = await verifySignedLoad(await app.sign(farAhead), options());
    expect(refused.ok).toBe(false);
  });

  it.each<[string, () => Promise<string | undefined>, RegExp]>([
    ['missing', async () => undefined, /no signed token/],
    ['not a JWT', async () => 'not-a-jwt', /not a JWT/],
    ['expired', async () => app.sign(new Date(NOW.getTime() - 10 * 60_000)), /expired/],
    ['signed with another key', async () => app.sign(NOW, {}, (await generateKeyPair('RS256')).privateKey), /signature/],
    ['from another account (iss)', async () => app.sign(NOW, { iss: 'evil.zendesk.com', aud: 'https://evil.zendesk.com/api/v2/apps/installations/42.json' }), /issuer "evil.zendesk.com"/],
    ['with an issuer that is no Zendesk host', async () => app.sign(NOW, { iss: 'acme.zendesk.com.evil.example' }), /issuer/],
    ['for another account (aud)', async () => app.sign(NOW, { aud: 'https://evil.zendesk.com/api/v2/apps/installations/42.json' }), /audience/],
    ['with an audience that is no installation', async () => app.sign(NOW, { aud: 'https://acme.zendesk.com/api/v2/tickets/1.json' }), /audience/],
    ['not valid yet (nbf)', async () => app.sign(NOW, { nbf: Math.floor(NOW.getTime() / 1000) + 600 }), /refused/],
  ])('refuses a token %s', async (_what, token, message) => {
    const result = await verifySignedLoad(await token(), options());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('refuses when the public key cannot be read (a wrong ZENDESK_APP_ID)', async () => {
    const result = await verifySignedLoad(await app.sign(NOW), options({ keyFor: () => cache.get(PublicKeys.urlFor(zendesk.baseUrl, '999')) }));
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/public key could not be read .*404.*ZENDESK_APP_ID/) });
  });
});
