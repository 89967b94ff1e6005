import type { Kysely } from 'kysely';
import type { Config } from '../config';
import { loadEscalation } from '../config/rule-files';
import type { Accounts } from '../accounts/tenant-account';
import { forTenantCalls } from '../helpdesk/call-context';
import { intercomAppRoutes } from '../http/intercom-app-routes';
import type { IntercomAppDeps } from '../intercom-app/app-deps';
import { tenantSettingsPort } from '../intercom-app/tenant-settings-port';
import { IntercomTeammateWrites, type TeammateWrites } from '../intercom-app/teammate-writes';
import { loadMarkdownArticles } from '../knowledge/markdown-source';
import type { LifecycleDeps } from '../lifecycle/category-lifecycle';
import type { Logger } from '../logger';
import type { ServiceDefaults } from '../settings/effective-settings';
import type { Database } from '../store/schema';
import type { AfterRecord } from '../reviews/record-review';
import { readConfig } from './read-config';

/** The inbox app's routes, wired to the store, the Intercom token, the tenants' settings and the category lifecycle. */
export function intercomApp(config: Config, db: Kysely<Database>, logger: Logger, now: () => Date, defaults: () => ServiceDefaults, lifecycle: LifecycleDeps, accounts: Accounts, afterReview?: AfterRecord) {
  const { env, intercom } = config;
  const built = new Map<string, { version: string; writes: TeammateWrites }>();
  // the workspace's own token (the environment's or its install's); its calls count against its limit
  const writesFor = async (tenant: string): Promise<TeammateWrites | undefined> => {
    const account = await accounts.get(tenant);
    if (account?.provider !== 'intercom') return undefined;
    let known = built.get(tenant);
    if (known?.version !== account.version) {
      const writes = new IntercomTeammateWrites(account.access);
      known = { version: account.version, writes: { reply: (id, body) => forTenantCalls(tenant, () => writes.reply(id, body)), assign: (id, body) => forTenantCalls(tenant, () => writes.assign(id, body)) } };
      built.set(tenant, known);
    }
    return known.writes;
  };
  const rules = readConfig('ESCALATION_FILE', () => loadEscalation(env.ESCALATION_FILE));
  const deps: IntercomAppDeps = {
    db,
    writesFor,
    shadow: (tenant) => env.SHADOW_MODE || env.SHADOW_TENANTS.includes(tenant),
    guard: { fallbackArticles: readConfig('KNOWLEDGE_DIR', () => loadMarkdownArticles(env.KNOWLEDGE_DIR)), allowedLinkDomains: rules.allowedLinkDomains },
    settings: tenantSettingsPort(db, { defaults, now }),
    lifecycle,
    ...(afterReview ? { afterReview } : {}),
    now,
    logger,
  };
  return intercomAppRoutes({ secrets: env.INTERCOM_CLIENT_SECRETS, settingsAdminIds: intercom.settingsAdminIds, maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES, deps });
}

