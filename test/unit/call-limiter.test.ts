import nock from 'nock';
import { z } from 'zod';
import { beforeHelpdeskCall, callTenant, forTenantCalls, setCallGate } from '../../src/helpdesk/call-context';
import { fetchJson } from '../../src/helpdesk/fetch-json';
import { HelpdeskError } from '../../src/helpdesk/helpdesk-error';
import { callsPerWindow, TenantCallLimiter } from '../../src/limits/call-limiter';
import { tenantCallLimits } from '../../src/limits/tenant-limits';

describe('the per-tenant call limiter (in memory)', () => {
  it('spreads a limit a minute over six windows of ten seconds', () => {
    expect(callsPerWindow(200)).toBe(33);
    expect(callsPerWindow(60)).toBe(10);
    expect(callsPerWindow(1)).toBe(1);
  });

  it("lets a tenant's calls through up to its window, then waits; other tenants are not held back", async () => {
    const waits: { tenant: string; ms: number }[] = [];
    const limiter = new TenantCallLimiter({
      limitOf: async (tenant) => (tenant === 'zendesk:small' ? 12 : 600), // 2 and 100 a window
      maxWaitMs: 60_000,
      onWait: (tenant, _p, ms) => waits.push({ tenant, ms }),
      // a wait is recorded, not slept: the next consume would still be refused, so stop after one
      sleep: async () => {
        throw new Error('would sleep');
      },
    });
    await limiter.take('zendesk:small', 'zendesk');
    await limiter.take('zendesk:small', 'zendesk');
    await expect(limiter.take('zendesk:small', 'zendesk')).rejects.toThrow('would sleep');
    expect(waits).toHaveLength(1);
    expect(waits[0]!.tenant).toBe('zendesk:small');
    expect(waits[0]!.ms).toBeGreaterThan(9_000);
    expect(waits[0]!.ms).toBeLessThanOrEqual(10_000);
    for (let i = 0; i < 50; i++) await limiter.take('zendesk:big', 'zendesk');
    expect(waits).toHaveLength(1);
  });

  it('a wait longer than maxWaitMs becomes a 429 of its own, so the queue delays the job without an attempt', async () => {
    const limiter = new TenantCallLimiter({ limitOf: async () => 6, maxWaitMs: 500 });
    await limiter.take('intercom:w1', 'intercom');
    const err = await limiter.take('intercom:w1', 'intercom').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HelpdeskError);
    expect((err as HelpdeskError).status).toBe(429);
    expect((err as HelpdeskError).permanent).toBe(false);
    expect((err as HelpdeskError).retryAfterMs).toBeGreaterThan(9_000);
    expect((err as HelpdeskError).message).toContain('intercom:w1 used the 6 calls a minute');
  });

  it("a provider's limit over every tenant (Intercom's per app) holds back tenants that are each under their own", async () => {
    const limiter = new TenantCallLimiter({ limitOf: async () => 6000, providerLimits: { intercom: 18 }, maxWaitMs: 100 });
    for (const w of ['intercom:a', 'intercom:b', 'intercom:c']) await limiter.take(w, 'intercom');
    await expect(limiter.take('intercom:d', 'intercom')).rejects.toThrow('every intercom tenant together used the 18 calls a minute');
    // Zendesk has no such limit
    await limiter.take('zendesk:a', 'zendesk');
  });
});

describe("a tenant's limit", () => {
  it("is the tenant's setting, else the provider's default, read once per cache period", async () => {
    let reads = 0;
    let clock = 0;
    const limitOf = tenantCallLimits(
      async (tenant) => {
        reads++;
        return tenant === 'zendesk:big' ? { limits: { helpdesk_calls_per_minute: 2500 } } : undefined;
      },
      { zendesk_calls_per_minute: 200, intercom_calls_per_minute: 1000, cache_ms: 1000 },
      () => clock,
    );
    expect(await limitOf('zendesk:big', 'zendesk')).toBe(2500);
    expect(await limitOf('zendesk:big', 'zendesk')).toBe(2500);
    expect(await limitOf('zendesk:small', 'zendesk')).toBe(200);
    expect(await limitOf('intercom:w', 'intercom')).toBe(1000);
    expect(reads).toBe(3);
    clock = 1001;
    expect(await limitOf('zendesk:big', 'zendesk')).toBe(2500);
    expect(reads).toBe(4);
  });
});

describe('helpdesk calls made for a tenant', () => {
  afterEach(() => nock.cleanAll());

  it("wait at the process's gate; calls outside any tenant's work do not", async () => {
    const taken: string[] = [];
    const remove = setCallGate({ take: async (tenant, provider) => void taken.push(`${provider} ${tenant}`) });
    try {
      nock('https://acme.zendesk.com').get('/api/v2/x.json').times(2).reply(200, { ok: true });
      await fetchJson('https://acme.zendesk.com/api/v2/x.json', { method: 'GET' }, 'zendesk', z.looseObject({}));
      expect(taken).toEqual([]);
      await forTenantCalls('zendesk:acme', async () => {
        expect(callTenant()).toBe('zendesk:acme');
        await fetchJson('https://acme.zendesk.com/api/v2/x.json', { method: 'GET' }, 'zendesk', z.looseObject({}));
      });
      expect(taken).toEqual(['zendesk zendesk:acme']);
      expect(callTenant()).toBeUndefined();
    } finally {
      remove();
    }
    // no gate installed: nothing waits
    await forTenantCalls('zendesk:acme', () => beforeHelpdeskCall('zendesk'));
  });
});
