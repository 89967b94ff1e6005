import path from 'node:path';
import { ConfigError, parseEnv, ZENDESK_EXAMPLE_SECRET } from '../../src/config/env';
import { loadSettings, parseSettings } from '../../src/config/settings';

describe('parseEnv', () => {
  it('applies the documented defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      ROLE: 'all',
      DATA_DIR: './data',
      ZENDESK_SIGNATURE_TOLERANCE_SECONDS: 300,
      WEBHOOK_MAX_BODY_BYTES: 1048576,
      ZENDESK_WEBHOOK_SECRETS: [],
      INTERCOM_CLIENT_SECRETS: [],
      LOG_LEVEL: 'info',
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
  });

  it('splits secret lists, current first', () => {
    expect(parseEnv({ ZENDESK_WEBHOOK_SECRETS: 'new,old' }).ZENDESK_WEBHOOK_SECRETS).toEqual(['new', 'old']);
  });

  it.each([
    [{ ZENDESK_WEBHOOK_SECRETS: 'abc\n' }, 'ZENDESK_WEBHOOK_SECRETS: ZENDESK_WEBHOOK_SECRETS entry 1 contains whitespace'],
    [{ ZENDESK_WEBHOOK_SECRETS: `ok,${ZENDESK_EXAMPLE_SECRET}` }, "entry 2 is Zendesk's documentation example secret"],
    [{ INTERCOM_CLIENT_SECRETS: 'a,,b' }, 'INTERCOM_CLIENT_SECRETS entry 2 is empty'],
    [{ PORT: '70000' }, 'PORT'],
    [{ WEBHOOK_MAX_BODY_BYTES: '10' }, 'WEBHOOK_MAX_BODY_BYTES: must be at least 1024'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN: must be at least 16 characters'],
    [{ ROLE: 'worker', DATABASE_URL: 'postgres://x/y' }, 'set DATABASE_URL and REDIS_URL'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL: must start with redis://'],
  ])('refuses %j', (env, message) => {
    expect(() => parseEnv(env)).toThrow(ConfigError);
    expect(() => parseEnv(env)).toThrow(message);
  });

  it('accepts the split roles with both services', () => {
    expect(parseEnv({ ROLE: 'web', DATABASE_URL: 'postgres://u:p@h/db', REDIS_URL: 'redis://h:6379' }).ROLE).toBe('web');
  });
});

describe('settings', () => {
  it('loads and validates config/default.yaml', () => {
    const s = loadSettings(path.resolve(__dirname, '../../config/default.yaml'));
    expect(s.queue.attempts).toBeGreaterThan(1);
  });
  it('names the bad key', () => {
    expect(() => parseSettings({ webhooks: { intercom_max_event_age_seconds: -1 } }, 'x.yaml')).toThrow(/x.yaml:[\s\S]*webhooks.intercom_max_event_age_seconds/);
  });
});
