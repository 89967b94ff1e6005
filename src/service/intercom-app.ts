import type { Kysely } from 'kysely';
import type { Config } from '../config';
import { loadEscalation } from '../config/rule-files';
import { intercomAccess } from '../helpdesk/access';
import { intercomAppRoutes } from '../http/intercom-app-routes';
import type { IntercomAppDeps } from '../intercom-app/app-deps';
import { tenantSettingsPort } from '../intercom-app/tenant-settings-port';
import { IntercomTeammateWrites } from '../intercom-app/teammate-writes';
import { loadMarkdownArticles } from '../knowledge/markdown-source';
import type { LifecycleDeps } from '../lifecycle/category-lifecycle';
import type { Logger } from '../logger';
import type { ServiceDefaults } from '../settings/effective-settings';
import type { Database } from '../store/schema';
import type { AfterRecord } from '../reviews/record-review';
import { readConfig } from './read-config';

/** The inbox app's routes, wired to the store, the Intercom token, the tenants' settings and the category lifecycle. */
export function intercomApp(config: Config, db: Kysely<Database>, logger: Logger, now: () => Date, defaults: () => ServiceDefaults, lifecycle: LifecycleDeps, afterReview?: AfterRecord) {
  const { env, intercom } = config;
  const access = intercomAccess(intercom);
  const rules = readConfig('ESCALATION_FILE', () => loadEscalation(env.ESCALATION_FILE));
  const deps: IntercomAppDeps = {
    db,
    ...(access ? { writes: new IntercomTeammateWrites(access) } : {}),
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

