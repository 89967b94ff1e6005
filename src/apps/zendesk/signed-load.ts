import { decodeJwt, errors as joseErrors, jwtVerify, type KeyLike } from 'jose';

/**
 * Zendesk's signed first load of the sidebar (`signedUrls: true`): the form field `token`, an RS256
 * JWT signed with the app's key. Accepted only when the signature holds, `exp`/`nbf`/`iat` are within
 * the clock skew, `iss` is `<subdomain>.zendesk.com` of an account this deployment serves, and `aud`
 * is that account's installation URL, `https://<subdomain>.zendesk.com/api/v2/apps/installations/<id>.json`,
 * which names the installation. Pure apart from the key lookup it is given.
 */
export interface SignedLoad {
  subdomain: string;
  installationId: string;
  /** `sub`: the Zendesk user who opened the app, when the token says */
  userId?: string;
}

export type SignedLoadResult = { ok: true; load: SignedLoad } | { ok: false; message: string };

export interface SignedLoadOptions {
  /** whether draftpilot serves this Zendesk account */
  knownSubdomain: (subdomain: string) => boolean;
  /** the app's public key for this account */
  keyFor: (subdomain: string) => Promise<KeyLike>;
  now: Date;
  /** seconds of clock difference tolerated on exp, nbf and iat */
  skewSeconds: number;
}

const ISSUER = /^([a-z0-9][a-z0-9-]*)\.zendesk\.com$/i;

export async function verifySignedLoad(token: string | undefined, options: SignedLoadOptions): Promise<SignedLoadResult> {
  if (!token) return { ok: false, message: 'no signed token: open draftpilot from the Zendesk ticket sidebar (the app needs signedUrls: true)' };
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(token);
  } catch {
    return { ok: false, message: 'the token is not a JWT' };
  }
  const subdomain = typeof claims.iss === 'string' ? ISSUER.exec(claims.iss)?.[1]?.toLowerCase() : undefined;
  if (!subdomain || !options.knownSubdomain(subdomain)) return { ok: false, message: `the token's issuer ${JSON.stringify(claims.iss ?? null)} is not a Zendesk account draftpilot serves` };
  let key: KeyLike;
  try {
    key = await options.keyFor(subdomain);
  } catch (err) {
    return { ok: false, message: `the app's public key could not be read (${(err as Error).message}); check ZENDESK_APP_ID` };
  }
  let verified: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload: verified } = await jwtVerify(token, key, {
      algorithms: ['RS256'],
      issuer: `${subdomain}.zendesk.com`,
      clockTolerance: options.skewSeconds,
      currentDate: options.now,
      requiredClaims: ['exp', 'iat', 'aud'],
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) return { ok: false, message: 'the token has expired: reload the app' };
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) return { ok: false, message: "the token's signature does not match the app's public key" };
    if (err instanceof joseErrors.JOSEError) return { ok: false, message: `the token was refused (${err.message})` };
    throw err;
  }
  const iat = verified.iat!;
  if (iat > options.now.getTime() / 1000 + options.skewSeconds) return { ok: false, message: 'the token was issued in the future' };
  const audiences = Array.isArray(verified.aud) ? verified.aud : [verified.aud];
  const audience = new RegExp(`^https://${subdomain}\\.zendesk\\.com/api/v2/apps/installations/(\\d+)\\.json$`, 'i');
  const installationId = audiences.map((a) => (a ? audience.exec(a)?.[1] : undefined)).find(Boolean);
  if (!installationId) return { ok: false, message: `the token's audience is not an installation of ${subdomain}.zendesk.com` };
  const sub = verified.sub === undefined ? undefined : String(verified.sub);
  return { ok: true, load: { subdomain, installationId, ...(sub ? { userId: sub } : {}) } };
}
