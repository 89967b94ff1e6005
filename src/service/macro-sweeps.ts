import type { Accounts } from '../accounts/tenant-account';
import type { Config } from '../config';
import { MacroJanitor, startMacroJanitor } from '../delivery/zendesk/macro-janitor';
import type { MacroStore } from '../delivery/zendesk/macro-store';
import { forTenantCalls } from '../helpdesk/call-context';
import type { Logger } from '../logger';

/**
 * The pending-macro janitor: only when macros can exist (not SHADOW_MODE, pending-macro mode on for
 * some tenant or category), sweeping every Zendesk account that is not a shadow tenant.
 */
export function startJanitor(config: Config, accounts: Accounts, store: MacroStore, logger: Logger): NodeJS.Timeout | undefined {
  const { env } = config;
  const pending = config.settings.delivery.zendesk.pending_macros;
  const inUse = pending.enabled || pending.tenants.length > 0 || pending.categories.length > 0;
  if (env.SHADOW_MODE || !inUse) return undefined;
  const janitors = async () =>
    (await accounts.list()).flatMap((a) =>
      a.provider === 'zendesk' && !env.SHADOW_TENANTS.includes(a.tenant) ? [{ tenant: a.tenant, janitor: new MacroJanitor({ access: a.auth, store, tenant: a.tenant, ...(a.botUserId ? { botUserId: a.botUserId } : {}) }) }] : [],
    );
  return startMacroJanitor(janitors, pending.sweep_interval_minutes, logger, forTenantCalls);
}
