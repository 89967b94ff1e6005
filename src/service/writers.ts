import type { Config } from '../config';
import type { HelpdeskWriter } from '../delivery/delivery-port';
import { intercomWriterFor } from '../delivery/intercom/intercom-writer';
import { MacroJanitor, startMacroJanitor } from '../delivery/zendesk/macro-janitor';
import type { MacroStore } from '../delivery/zendesk/macro-store';
import { ZendeskWriter } from '../delivery/zendesk/zendesk-writer';
import { describe } from '../domain/errors';
import type { Provider } from '../domain/thread';
import { ZendeskAuth, zendeskAuthOf } from '../helpdesk/zendesk/oauth';
import type { TokenStore } from '../helpdesk/zendesk/token-store';
import type { ConfiguredSource } from '../knowledge/knowledge-base';
import type { Logger } from '../logger';
import { readConfig } from './read-config';
import type { SampleWriter } from '../delivery/sample-port';
import { ZendeskSampleWriter } from '../delivery/zendesk/sample-writer';
import { IntercomSampleWriter } from '../delivery/intercom/sample-writer';
import { intercomAccess } from '../helpdesk/access';

export type Writers = Partial<Record<Provider, HelpdeskWriter>>;

/** The Zendesk credentials (static token or OAuth client credentials), or undefined when none are set. */
export function zendeskAuthFor(config: Config, tokens: TokenStore, logger: Logger): ZendeskAuth | undefined {
  return readConfig('ZENDESK_ACCESS_TOKEN', () => zendeskAuthOf(config.zendesk, { store: tokens, onWarning: (m) => logger.warn(m) }));
}

/**
 * The helpdesk writers. Shadow mode (decide and record, write nothing) when SHADOW_MODE=true or when a
 * helpdesk's credentials are not set; the would-be writes are stored with each draft.
 */
export function buildWriters(config: Config, configured: ConfiguredSource[], zendeskAuth: ZendeskAuth | undefined, logger: Logger, macroStore: MacroStore): { live: Writers; shadow: Writers } {
  const { env, zendesk, intercom } = config;
  const pending = config.settings.delivery.zendesk.pending_macros;
  const zendeskWriter = (shadow: boolean) =>
    new ZendeskWriter({
      shadow: shadow || !zendeskAuth,
      ...(zendeskAuth ? { access: zendeskAuth } : {}),
      ...(zendesk.escalationGroupId ? { escalationGroupId: zendesk.escalationGroupId } : {}),
      ...(zendesk.tenant ? { tenant: zendesk.tenant } : {}),
      ...(zendesk.botUserId ? { botUserId: zendesk.botUserId } : {}),
      macros: { store: macroStore, policy: pending, ttlMs: pending.ttl_hours * 3_600_000, maxPerAccount: pending.max_per_account },
    });
  const intercomTenant = configured.find((c) => c.tenant.startsWith('intercom:'))?.tenant;
  const intercomWriter = (shadow: boolean) =>
    intercomWriterFor(intercom, {
      shadow,
      maxCallsPerMessage: config.settings.delivery.intercom.max_calls_per_message,
      ...(intercom.escalationTeamId ? { escalationTeamId: intercom.escalationTeamId } : {}),
      ...(intercomTenant ? { tenant: intercomTenant } : {}),
    });
  logger.info(
    {
      zendesk: env.SHADOW_MODE || !zendeskAuth ? 'shadow' : 'live',
      intercom: env.SHADOW_MODE || !intercom.accessToken || !intercom.adminId ? 'shadow' : 'live',
      shadowTenants: env.SHADOW_TENANTS,
    },
    'helpdesk delivery',
  );
  const liveIntercom = intercomWriter(env.SHADOW_MODE);
  // One GET /tags at start, so a delivery does not spend its call budget creating a tag that exists.
  liveIntercom.loadTags().then(
    (n) => n > 0 && logger.info({ tags: n }, 'intercom tag ids loaded'),
    (err) => logger.warn({ err: describe(err) }, 'intercom tags could not be listed; a missing tag id is asked for when first used'),
  );
  return {
    live: { zendesk: zendeskWriter(env.SHADOW_MODE), intercom: liveIntercom },
    shadow: { zendesk: zendeskWriter(true), intercom: intercomWriter(true) },
  };
}

/**
 * The pending-macro janitor of the configured Zendesk account: only when macros can exist there (live
 * credentials, the account named, pending-macro mode on for some tenant or category).
 */
export function startJanitor(config: Config, access: ZendeskAuth | undefined, store: MacroStore, logger: Logger): NodeJS.Timeout | undefined {
  const { env, zendesk } = config;
  const pending = config.settings.delivery.zendesk.pending_macros;
  const inUse = pending.enabled || pending.tenants.length > 0 || pending.categories.length > 0;
  if (!access || !zendesk.tenant || env.SHADOW_MODE || !inUse) return undefined;
  if (env.SHADOW_TENANTS.includes(zendesk.tenant)) return undefined;
  const janitor = new MacroJanitor({ access, store, tenant: zendesk.tenant, ...(zendesk.botUserId ? { botUserId: zendesk.botUserId } : {}) });
  return startMacroJanitor(janitor, pending.sweep_interval_minutes, logger);
}

export type SampleWriters = Partial<Record<Provider, SampleWriter>>;

/** The writers of the sample review requests, live and shadow, with the same credentials and rules as the draft writers. */
export function buildSampleWriters(config: Config, configured: ConfiguredSource[], zendeskAuth: ZendeskAuth | undefined): { live: SampleWriters; shadow: SampleWriters } {
  const { env, zendesk, intercom } = config;
  const access = intercomAccess(intercom);
  const intercomTenant = configured.find((c) => c.tenant.startsWith('intercom:'))?.tenant;
  const zendeskWriter = (shadow: boolean) =>
    new ZendeskSampleWriter({ shadow: shadow || !zendeskAuth, ...(zendeskAuth ? { access: zendeskAuth } : {}), ...(zendesk.tenant ? { tenant: zendesk.tenant } : {}), ...(zendesk.botUserId ? { botUserId: zendesk.botUserId } : {}) });
  const intercomWriter = (shadow: boolean) =>
    new IntercomSampleWriter({ shadow, ...(access ? { access } : {}), ...(intercom.adminId ? { adminId: intercom.adminId } : {}), ...(intercomTenant ? { tenant: intercomTenant } : {}) });
  return {
    live: { zendesk: zendeskWriter(env.SHADOW_MODE), intercom: intercomWriter(env.SHADOW_MODE) },
    shadow: { zendesk: zendeskWriter(true), intercom: intercomWriter(true) },
  };
}
