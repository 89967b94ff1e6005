import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { DraftpilotError } from '../domain/errors';

/**
 * The short-lived session a helpdesk app works with after its signed first load: an HS256 JWT
 * (jose) naming the tenant, the helpdesk, the installation and the agent. The secret is
 * APP_SESSION_SECRET, or a random one per process (appSessionSecret in src/config): sessions then
 * end on a restart and the app reloads to get a new one.
 */

const ISSUER = 'draftpilot';
const AUDIENCE = 'draftpilot-app';

export const appSessionClaimsSchema = z.object({
  tenant: z.string().regex(/^(zendesk|intercom):\S+$/, 'a tenant such as zendesk:acme or intercom:<workspace id>'),
  provider: z.enum(['zendesk', 'intercom']),
  installationId: z.string().min(1).optional(),
  agentId: z.string().min(1),
  agentName: z.string().optional(),
  /** set when the helpdesk itself said the agent is an admin (Zendesk's user role; Intercom's admin list) */
  admin: z.boolean().optional(),
});
export type AppSessionClaims = z.infer<typeof appSessionClaimsSchema>;

/** A session that is missing, expired, forged or malformed: answered 401. */
export class InvalidAppSessionError extends DraftpilotError {
  constructor(reason: string) {
    super('invalid_session', `the app session is not valid (${reason}); reload the app to get a new one`, 401);
    this.name = 'InvalidAppSessionError';
  }
}

const key = (secret: string) => new TextEncoder().encode(secret);

export async function mintAppSession(claims: AppSessionClaims, secret: string, ttlSeconds: number, now: Date = new Date()): Promise<string> {
  const c = appSessionClaimsSchema.parse(claims);
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ tenant: c.tenant, provider: c.provider, ...(c.installationId ? { installation_id: c.installationId } : {}), ...(c.agentName ? { agent_name: c.agentName } : {}), ...(c.admin ? { admin: true } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(c.agentId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(key(secret));
}

const payloadSchema = z.object({
  tenant: z.string(),
  provider: z.enum(['zendesk', 'intercom']),
  installation_id: z.string().optional(),
  agent_name: z.string().optional(),
  admin: z.boolean().optional(),
  sub: z.string().min(1),
});

/** The claims of a valid session; throws InvalidAppSessionError otherwise. */
export async function verifyAppSession(token: string, secret: string, now: Date = new Date()): Promise<AppSessionClaims> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, currentDate: now, requiredClaims: ['exp', 'iat', 'sub'] }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new InvalidAppSessionError('expired');
    if (err instanceof errors.JWSSignatureVerificationFailed) throw new InvalidAppSessionError('bad signature');
    if (err instanceof errors.JOSEError) throw new InvalidAppSessionError(err.code);
    throw new InvalidAppSessionError('malformed');
  }
  const p = payloadSchema.safeParse(payload);
  if (!p.success) throw new InvalidAppSessionError('unexpected claims');
  const claims = appSessionClaimsSchema.safeParse({
    tenant: p.data.tenant,
    provider: p.data.provider,
    agentId: p.data.sub,
    ...(p.data.installation_id ? { installationId: p.data.installation_id } : {}),
    ...(p.data.agent_name ? { agentName: p.data.agent_name } : {}),
    ...(p.data.admin ? { admin: true } : {}),
  });
  if (!claims.success || !claims.data.tenant.startsWith(`${claims.data.provider}:`)) throw new InvalidAppSessionError('unexpected claims');
  return claims.data;
}
