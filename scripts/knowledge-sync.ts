/**
 * `npm run knowledge:sync`: fetches the help-center articles of every configured tenant
 * (zendesk:<ZENDESK_SUBDOMAIN> with ZENDESK_ACCESS_TOKEN or the OAuth client ZENDESK_OAUTH_CLIENT_ID /
 * ZENDESK_OAUTH_CLIENT_SECRET, whose sealed tokens live in the store like the server's, intercom:<workspace>
 * with INTERCOM_ACCESS_TOKEN), stores them and prints what changed. Exit codes: 0 all synced,
 * 1 a sync failed, 2 nothing is configured or the configuration is invalid.
 *
 * With the embedded store (no DATABASE_URL) the data directory belongs to one process at a time:
 * stop the server before running this.
 */
import { loadConfig } from '../src/config';
import { hasZendeskCredentials } from '../src/config/accounts';
import { loadEnvFile } from '../src/config/env-file';
import { ConfigError } from '../src/config/env';
import { DbTokenStore } from '../src/helpdesk/zendesk/db-token-store';
import { ZendeskAuth, zendeskAuthOf } from '../src/helpdesk/zendesk/oauth';
import { HelpdeskError } from '../src/helpdesk/helpdesk-error';
import { configuredSources, KnowledgeBase, resolverOf, SyncReport } from '../src/knowledge/knowledge-base';
import { DataDirInUseError } from '../src/store/data-dir-lock';
import { openStore } from '../src/store/open-store';

function line(r: SyncReport): string {
  const removal = r.complete ? `${r.removed} removed` : 'nothing removed (the listing changed while it was read; the next sync completes it)';
  return `${r.tenant} (${r.source}): ${r.fetched} article${r.fetched === 1 ? "" : "s"} listed; ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged, ${removal}; ${r.reindexed} re-indexed`;
}

async function main(): Promise<number> {
  // Like `npm start`: a .env in the working directory is read; variables already set win.
  loadEnvFile('.env', process.env);
  const config = loadConfig(process.env);
  const { env } = config;
  const nothing = () => {
    process.stderr.write(
      'knowledge:sync: no help center is configured. Set ZENDESK_SUBDOMAIN and ZENDESK_ACCESS_TOKEN (an OAuth access token), ' +
        'or ZENDESK_SUBDOMAIN with ZENDESK_OAUTH_CLIENT_ID, ZENDESK_OAUTH_CLIENT_SECRET and APP_ENCRYPTION_KEY (the OAuth client), ' +
        'for Zendesk Help Center, and/or INTERCOM_ACCESS_TOKEN for Intercom Articles. Without them drafts use the markdown ' +
        `articles in KNOWLEDGE_DIR (${env.KNOWLEDGE_DIR}).\n`,
    );
    return 2;
  };
  // Told before the store is opened: nothing to do needs no data directory.
  if (!hasZendeskCredentials(config.zendesk) && !config.intercom.accessToken) return nothing();
  const store = await openStore({ dataDir: env.DATA_DIR, ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}) });
  let failed = 0;
  try {
    // The server's credentials: an OAuth client's tokens are read from (and a new grant sealed into) the store.
    let zendeskAuth: ZendeskAuth | undefined;
    try {
      zendeskAuth = zendeskAuthOf(config.zendesk, {
        store: new DbTokenStore(store.db),
        onWarning: (m) => process.stderr.write(`knowledge:sync: ${m}\n`),
      });
    } catch (err) {
      throw new ConfigError(err instanceof Error ? err.message : String(err));
    }
    const configured = await configuredSources(config, { zendeskAuth });
    if (configured.length === 0) return nothing();
    const kb = new KnowledgeBase({ db: store.db, sources: resolverOf(configured) });
    for (const { tenant } of configured) {
      try {
        process.stdout.write(`${line(await kb.sync(tenant))}\n`);
      } catch (err) {
        failed++;
        const what = err instanceof HelpdeskError ? `${err.message}${err.permanent ? '' : ' (temporary: run again later)'}` : err instanceof Error ? err.message : String(err);
        process.stderr.write(`${tenant}: sync failed: ${what}\n`);
      }
    }
  } finally {
    await store.close();
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    if (err instanceof DataDirInUseError) {
      // The embedded store belongs to the running server: sync through it (it syncs every tenant at
      // start and every knowledge.sync_interval_minutes), or stop it first.
      process.stderr.write(`knowledge:sync: ${err.message} The running server syncs the help centers itself at start and every knowledge.sync_interval_minutes.\n`);
      process.exitCode = 2;
      return;
    }
    if (err instanceof ConfigError || err instanceof HelpdeskError) {
      // a configuration to fix (2), or Intercom's /me failing before any sync started (1)
      process.stderr.write(`knowledge:sync: ${err.message}\n`);
      process.exitCode = err instanceof ConfigError ? 2 : 1;
      return;
    }
    process.stderr.write(`knowledge:sync: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
