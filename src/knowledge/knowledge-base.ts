import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { IntercomAccount, ZendeskAccount } from '../config/accounts';
import { ConfigError } from '../config/env';
import { intercomTenant } from '../domain/tenant';
import { BearerTokens } from '../helpdesk/renew-on-401';
import { getJson } from '../helpdesk/fetch-json';
import { HelpdeskAccess, intercomAccess, ZENDESK_CREDENTIALS_HINT, zendeskAccess } from '../helpdesk/access';
import type { Database } from '../store/schema';
import { loadArticles, loadSyncCursor, upsertArticles, UpsertCounts } from './article-store';
import { fetchIntercomArticles } from './intercom-articles';
import { KnowledgeIndex } from './knowledge-index';
import { loadMarkdownArticles } from './markdown-source';
import { FetchedArticles, syncZendeskArticles } from './zendesk-help-center';

/** Where one tenant's articles come from. */
export interface ArticleSource {
  /** stable name stored with the sync cursor */
  name: 'zendesk_help_center' | 'intercom_articles' | (string & {});
  fetch(previousCursor: string | null): Promise<FetchedArticles>;
}

export type SourceResolver = (tenant: string) => ArticleSource | undefined | Promise<ArticleSource | undefined>;

export interface SyncReport extends UpsertCounts {
  tenant: string;
  source: string;
  /** articles the provider listed that can be sources (published, with text and a link) */
  fetched: number;
  /** articles the tenant's index (re)built passages for: unchanged ones are skipped */
  reindexed: number;
  /** false when the listing may have missed articles: nothing was removed this time */
  complete: boolean;
  cursor: string | null;
}

export interface KnowledgeBaseOptions {
  db: Kysely<Database>;
  sources: SourceResolver;
  /** markdown articles every tenant without articles of its own drafts from (the demo help center) */
  knowledgeDir?: string;
  /**
   * Whether a tenant without articles of its own may draft from the markdown folder. A tenant with
   * live credentials never drafts from the demo shop's articles: it drafts from nothing until its own
   * help center is synced (and escalates as missing_source meanwhile).
   */
  fallbackAllowed?: (tenant: string) => boolean;
  now?: () => Date;
}

/**
 * One search index per tenant, built from the articles stored for it (Zendesk Help Center or
 * Intercom Articles); a tenant with none of its own gets the markdown folder's articles. Indexes live
 * in this process: in a deployment of several processes on one PostgreSQL, call `invalidate(tenant)`
 * where another process synced (or let each worker run the periodic sync itself).
 */
export class KnowledgeBase {
  private readonly own = new Map<string, Promise<KnowledgeIndex | null>>();
  private readonly running = new Map<string, Promise<SyncReport>>();
  private readonly fallbackIndex = new KnowledgeIndex();
  private readonly emptyIndex = new KnowledgeIndex();

  constructor(private readonly options: KnowledgeBaseOptions) {
    // Read at construction so a wrong KNOWLEDGE_DIR fails at start, not at the first draft.
    if (options.knowledgeDir) this.fallbackIndex.upsert(loadMarkdownArticles(options.knowledgeDir));
  }

  /** The index drafts for this tenant search. */
  async forTenant(tenant: string): Promise<KnowledgeIndex> {
    let own = await this.ownIndex(tenant);
    // The first sync of a tenant is still running (right after start): wait for it rather than
    // drafting from nothing, or from the markdown folder.
    const syncing = this.running.get(tenant);
    if (!own && syncing) {
      await syncing.catch(() => undefined);
      own = await this.ownIndex(tenant);
    }
    if (own) return own;
    return this.options.fallbackAllowed?.(tenant) === false ? this.emptyIndex : this.fallbackIndex;
  }

  /** Whether the tenant drafts from its own help center (false: the markdown fallback). */
  async hasOwnArticles(tenant: string): Promise<boolean> {
    return (await this.ownIndex(tenant)) !== null;
  }

  get fallback(): KnowledgeIndex {
    return this.fallbackIndex;
  }

  /** Drops the tenant's index; the next `forTenant` rebuilds it from the store. */
  invalidate(tenant: string): void {
    this.own.delete(tenant);
  }

  /**
   * Fetches the tenant's articles from its provider, writes the store (one transaction) and brings
   * the index up to date: changed articles re-indexed, unchanged skipped, removed ones dropped.
   * Concurrent calls for one tenant share one run. Provider failures surface as HelpdeskError.
   */
  sync(tenant: string): Promise<SyncReport> {
    const current = this.running.get(tenant);
    if (current) return current;
    const run = this.runSync(tenant).finally(() => this.running.delete(tenant));
    this.running.set(tenant, run);
    return run;
  }

  private async runSync(tenant: string): Promise<SyncReport> {
    const { db } = this.options;
    const source = await this.options.sources(tenant);
    if (!source) throw new ConfigError(`no help-center source is configured for ${tenant} (set ZENDESK_ACCESS_TOKEN or INTERCOM_ACCESS_TOKEN for its account)`);
    // The index as the store had it before this run: the baseline the upsert below compares with.
    const before = await this.ownIndex(tenant);
    const previous = await loadSyncCursor(db, tenant, source.name);
    const fetched = await source.fetch(previous?.cursor ?? null);
    const cursor = fetched.cursor ?? previous?.cursor ?? null;
    const counts = await upsertArticles(db, tenant, fetched.articles, {
      complete: fetched.complete,
      cursor: { source: source.name, value: cursor },
      now: this.options.now?.() ?? new Date(),
    });
    const index = before ?? new KnowledgeIndex();
    for (const id of counts.removedIds) index.remove(id);
    const reindexed = index.upsert(fetched.articles);
    this.own.set(tenant, Promise.resolve(index.size > 0 ? index : null));
    return {
      tenant,
      source: source.name,
      fetched: fetched.articles.length,
      added: counts.added,
      updated: counts.updated,
      unchanged: counts.unchanged,
      removed: counts.removed,
      reindexed,
      complete: fetched.complete,
      cursor,
    };
  }

  private ownIndex(tenant: string): Promise<KnowledgeIndex | null> {
    let loading = this.own.get(tenant);
    if (!loading) {
      loading = loadArticles(this.options.db, tenant).then((articles) => {
        if (articles.length === 0) return null;
        const index = new KnowledgeIndex();
        index.upsert(articles);
        return index;
      });
      this.own.set(tenant, loading);
      // A store hiccup must not stick: the next call tries again.
      loading.catch(() => this.own.get(tenant) === loading && this.own.delete(tenant));
    }
    return loading;
  }
}

/** A tenant this process can sync, with its source. */
export interface ConfiguredSource {
  tenant: string;
  source: ArticleSource;
}

/** GET /me: the admin behind the token and its workspace. https://developers.intercom.com/docs/references/rest-api/api.intercom.io/admins/identifyadmin */
const meSchema = z.looseObject({ app: z.looseObject({ id_code: z.string().min(1) }) });

/** The Intercom workspace id (the tenant is intercom:<workspace id>, as in webhook deliveries' app_id). */
export async function intercomWorkspaceId(access: HelpdeskAccess): Promise<string> {
  return (await getJson(access, '/me', meSchema)).app.id_code;
}

/**
 * The tenants the environment's credentials reach: zendesk:<ZENDESK_SUBDOMAIN> with
 * ZENDESK_ACCESS_TOKEN or the OAuth client (given as `zendeskAuth`, the writer's credentials from
 * zendeskAuthOf, so the sync shares the writer's token provider), intercom:<workspace id> with
 * INTERCOM_ACCESS_TOKEN (asks Intercom who the token belongs to). An empty list means nothing is
 * configured.
 */
export async function configuredSources(
  accounts: { zendesk: ZendeskAccount; intercom: IntercomAccount },
  deps: { zendeskAuth?: { baseUrl: string; tokens: BearerTokens<unknown> } | undefined } = {},
): Promise<ConfiguredSource[]> {
  const out: ConfiguredSource[] = [];
  const zendesk = zendeskAccess(deps.zendeskAuth);
  if (zendesk) {
    const tenant = accounts.zendesk.tenant;
    if (!tenant) throw new ConfigError(`Zendesk credentials are set (${ZENDESK_CREDENTIALS_HINT}) but ZENDESK_SUBDOMAIN is not: the tenant is zendesk:<subdomain>`);
    out.push({ tenant, source: { name: 'zendesk_help_center', fetch: (cursor) => syncZendeskArticles(zendesk, cursor) } });
  }
  const intercom = intercomAccess(accounts.intercom);
  if (intercom) {
    const workspace = await intercomWorkspaceId(intercom);
    out.push({ tenant: intercomTenant(workspace), source: { name: 'intercom_articles', fetch: () => fetchIntercomArticles(intercom) } });
  }
  return out;
}

export function resolverOf(configured: ConfiguredSource[]): SourceResolver {
  const byTenant = new Map(configured.map((c) => [c.tenant, c.source]));
  return (tenant) => byTenant.get(tenant);
}
