import { cookieOf, mintDashboardSession, sessionCookie, validDashboardSession } from '../../src/dashboard/dashboard-session';
import { weekStart } from '../../src/domain/iso-week';

const SECRET = 'a-dashboard-test-secret-of-32-characters!';
const NOW = new Date('2026-12-02T12:00:00Z');

describe('dashboard session', () => {
  it('accepts its own session until it expires, and nothing signed otherwise', async () => {
    const token = await mintDashboardSession(SECRET, 600, NOW);
    expect(await validDashboardSession(token, SECRET, NOW)).toBe(true);
    expect(await validDashboardSession(token, SECRET, new Date(NOW.getTime() + 601_000))).toBe(false);
    expect(await validDashboardSession(token, 'another-secret-of-at-least-32-characters', NOW)).toBe(false);
    expect(await validDashboardSession(undefined, SECRET, NOW)).toBe(false);
    expect(await validDashboardSession('not.a.jwt', SECRET, NOW)).toBe(false);
  });

  it('writes a Secure, HttpOnly, SameSite=Strict cookie for /dashboard and reads it back', () => {
    const header = sessionCookie('abc.def', 60);
    expect(header).toBe('draftpilot_dashboard=abc.def; Path=/dashboard; Max-Age=60; HttpOnly; Secure; SameSite=Strict');
    expect(cookieOf('other=1; draftpilot_dashboard=abc.def; x=y')).toBe('abc.def');
    expect(cookieOf('other=1')).toBeUndefined();
  });
});

describe('weeks shown', () => {
  it('starts on the Monday (UTC) of the earliest week', () => {
    expect(weekStart(NOW, 0).toISOString()).toBe('2026-11-30T00:00:00.000Z'); // Wednesday → that Monday
    expect(weekStart(NOW, 2).toISOString()).toBe('2026-11-16T00:00:00.000Z');
    expect(weekStart(new Date('2026-12-06T23:59:00Z'), 0).toISOString()).toBe('2026-11-30T00:00:00.000Z'); // Sunday
  });
});
