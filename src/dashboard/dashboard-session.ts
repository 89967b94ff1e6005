import { jwtVerify, SignJWT } from 'jose';

/**
 * The dashboard's login session: an HS256 JWT (jose) in a Secure, HttpOnly, SameSite=Strict cookie
 * scoped to /dashboard. It is signed with the app session secret under its own audience, so neither
 * token passes for the other. Signing in takes the ADMIN_TOKEN; the session says only "an admin".
 */
export const COOKIE = 'draftpilot_dashboard';
const ISSUER = 'draftpilot';
const AUDIENCE = 'draftpilot-dashboard';
const key = (secret: string) => new TextEncoder().encode(secret);

export async function mintDashboardSession(secret: string, ttlSeconds: number, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('admin').setIssuedAt(iat).setExpirationTime(iat + ttlSeconds).sign(key(secret));
}

/** Whether a cookie value is a valid, unexpired dashboard session. */
export async function validDashboardSession(token: string | undefined, secret: string, now: Date): Promise<boolean> {
  if (!token) return false;
  try {
    await jwtVerify(token, key(secret), { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, currentDate: now, requiredClaims: ['exp', 'iat', 'sub'] });
    return true;
  } catch {
    return false;
  }
}

/** The Set-Cookie value of a session (an empty value and Max-Age=0 signs out). */
export function sessionCookie(value: string, maxAgeSeconds: number): string {
  return `${COOKIE}=${value}; Path=/dashboard; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`;
}

/** The value of the session cookie in a Cookie header. */
export function cookieOf(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=');
  }
  return undefined;
}
