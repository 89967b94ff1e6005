import { exportSPKI, generateKeyPair, SignJWT, type KeyLike } from 'jose';

/**
 * The Zendesk side of a signed app load, for tests: an RS256 key pair made here (the stand-in serves
 * its public key at /api/v2/apps/{app id}/public_key.pem: ZendeskStandIn.appKey) and tokens signed the
 * way Zendesk signs a sidebar's first load.
 */
export interface LoadClaims {
  iss?: string;
  aud?: string;
  sub?: string | number;
  /** seconds since the epoch */
  iat?: number;
  nbf?: number;
  exp?: number;
}

export class ZendeskAppKeys {
  private constructor(
    readonly appId: string,
    readonly privateKey: KeyLike,
    readonly publicPem: string,
  ) {}

  /** what ZendeskStandIn.appKey serves */
  get appKey(): { appId: string; pem: string } {
    return { appId: this.appId, pem: this.publicPem };
  }

  static async create(appId = '1001'): Promise<ZendeskAppKeys> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    return new ZendeskAppKeys(appId, privateKey, await exportSPKI(publicKey));
  }

  /** A token as Zendesk signs it for acme's installation 42 at `now`, valid 5 minutes; `claims` override. */
  sign(now: Date, claims: LoadClaims = {}, key: KeyLike = this.privateKey): Promise<string> {
    const iat = Math.floor(now.getTime() / 1000);
    const c = {
      iss: 'acme.zendesk.com',
      aud: 'https://acme.zendesk.com/api/v2/apps/installations/42.json',
      sub: '9000000123',
      iat,
      nbf: iat,
      exp: iat + 300,
      ...claims,
    };
    const jwt = new SignJWT({ qsh: 'x', context: { product: 'support', location: 'ticket_sidebar' } })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuedAt(c.iat)
      .setNotBefore(c.nbf)
      .setExpirationTime(c.exp);
    if (c.iss) jwt.setIssuer(c.iss);
    if (c.aud) jwt.setAudience(c.aud);
    if (c.sub !== undefined) jwt.setSubject(String(c.sub));
    return jwt.sign(key);
  }
}
