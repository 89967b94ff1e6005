import type { Accounts, TenantAccount } from '../accounts/tenant-account';
import type { Config } from '../config';
import type { HelpdeskWriter } from '../delivery/delivery-port';
import { IntercomWriter } from '../delivery/intercom/intercom-writer';
import { IntercomSampleWriter } from '../delivery/intercom/sample-writer';
import type { SampleWriter } from '../delivery/sample-port';
import type { MacroStore } from '../delivery/zendesk/macro-store';
import { ZendeskSampleWriter } from '../delivery/zendesk/sample-writer';
import { ZendeskWriter } from '../delivery/zendesk/zendesk-writer';
import { describe } from '../domain/errors';
import type { Provider, Thread } from '../domain/thread';
import { zendeskAccess } from '../helpdesk/access';
import { forTenantCalls } from '../helpdesk/call-context';
import { ThreadLoader } from '../helpdesk/load-thread';
import { fetchIntercomArticles } from '../knowledge/intercom-articles';
import type { ArticleSource } from '../knowledge/knowledge-base';
import { syncZendeskArticles } from '../knowledge/zendesk-help-center';
import type { Logger } from '../logger';

/** What one account's deliveries are written, read and synced with, built once per version of the account. */
interface Built {
  version: string;
  live: HelpdeskWriter;
  shadow: HelpdeskWriter;
  sampleLive: SampleWriter;
  sampleShadow: SampleWriter;
  loader: ThreadLoader;
  source: ArticleSource;
}

/**
 * The helpdesk side of every tenant: its writers (live and shadow), its sample writers, its thread
 * reader and its help-center source, from the tenant's account (Accounts). A tenant with no account
 * gets writers without credentials, which record what they would have written (shadow mode), as
 * every tenant did before any credentials were set. A shadow tenant (SHADOW_MODE, SHADOW_TENANTS)
 * always gets the shadow writers.
 */
export class TenantHelpdesks {
  private readonly built = new Map<string, Built>();
  private readonly unconfigured: Record<Provider, { writer: HelpdeskWriter; sample: SampleWriter }>;
  private readonly shadowTenants: ReadonlySet<string>;

  constructor(
    private readonly accounts: Accounts,
    private readonly config: Config,
    private readonly macroStore: MacroStore,
    private readonly logger: Logger,
  ) {
    this.shadowTenants = new Set(config.env.SHADOW_TENANTS);
    // without an account, the environment's own ids still shape what would have been written
    const { zendesk, intercom } = config;
    this.unconfigured = {
      zendesk: { writer: this.zendeskWriter(undefined, true), sample: new ZendeskSampleWriter({ shadow: true, ...(zendesk.botUserId ? { botUserId: zendesk.botUserId } : {}) }) },
      intercom: { writer: this.intercomWriter(undefined, true), sample: new IntercomSampleWriter({ shadow: true, ...(intercom.adminId ? { adminId: intercom.adminId } : {}) }) },
    };
  }

  isShadow(tenant: string): boolean {
    return this.config.env.SHADOW_MODE || this.shadowTenants.has(tenant);
  }

  async writerFor(tenant: string, provider: Provider): Promise<HelpdeskWriter> {
    const built = await this.forTenant(tenant, provider);
    if (!built) return this.unconfigured[provider].writer;
    return this.isShadow(tenant) ? built.shadow : built.live;
  }

  async sampleWriterFor(tenant: string, provider: Provider): Promise<SampleWriter> {
    const built = await this.forTenant(tenant, provider);
    if (!built) return this.unconfigured[provider].sample;
    return this.isShadow(tenant) ? built.sampleShadow : built.sampleLive;
  }

  /** The thread reader of a tenant with credentials; undefined otherwise (the payload's text is all there is). */
  async loaderFor(tenant: string): Promise<ThreadLoader | undefined> {
    return (await this.forTenant(tenant))?.loader;
  }

  async sourceFor(tenant: string): Promise<ArticleSource | undefined> {
    return (await this.forTenant(tenant))?.source;
  }

  /** A loader shaped for the delivery folder: reads a thread with its tenant's credentials, within its call limit. */
  threadReader(): { canLoad(tenant: string): Promise<boolean>; load(tenant: string, threadId: string): Promise<Thread> } {
    return {
      canLoad: async (tenant) => (await this.loaderFor(tenant))?.canLoad(tenant) ?? false,
      load: async (tenant, threadId) => {
        const loader = await this.loaderFor(tenant);
        if (!loader) throw new Error(`no credentials to read ${tenant}`);
        return forTenantCalls(tenant, () => loader.load(tenant, threadId));
      },
    };
  }

  private async forTenant(tenant: string, provider?: Provider): Promise<Built | undefined> {
    const account = await this.accounts.get(tenant);
    if (!account || (provider && account.provider !== provider)) return undefined;
    const known = this.built.get(tenant);
    if (known && known.version === account.version) return known;
    const built = this.build(account);
    this.built.set(tenant, built);
    return built;
  }

  private build(account: TenantAccount): Built {
    if (account.provider === 'zendesk') {
      const sample = (shadow: boolean) => new ZendeskSampleWriter({ shadow, access: account.auth, tenant: account.tenant, ...(account.botUserId ? { botUserId: account.botUserId } : {}) });
      const access = zendeskAccess(account.auth)!;
      return {
        version: account.version,
        live: this.zendeskWriter(account, false),
        shadow: this.zendeskWriter(account, true),
        sampleLive: sample(false),
        sampleShadow: sample(true),
        loader: new ThreadLoader({ zendesk: access, zendeskTenant: account.tenant, ...(account.botUserId ? { zendeskBotUserId: account.botUserId } : {}) }),
        source: { name: 'zendesk_help_center', fetch: (cursor) => syncZendeskArticles(access, cursor) },
      };
    }
    const live = this.intercomWriter(account, false);
    // One GET /tags per account, so a delivery does not spend its call budget creating a tag that exists.
    live.loadTags().then(
      (n) => n > 0 && this.logger.info({ tenant: account.tenant, tags: n }, 'intercom tag ids loaded'),
      (err) => this.logger.warn({ tenant: account.tenant, err: describe(err) }, 'intercom tags could not be listed; a missing tag id is asked for when first used'),
    );
    const sample = (shadow: boolean) => new IntercomSampleWriter({ shadow, access: account.access, tenant: account.tenant, ...(account.adminId ? { adminId: account.adminId } : {}) });
    return {
      version: account.version,
      live,
      shadow: this.intercomWriter(account, true),
      sampleLive: sample(false),
      sampleShadow: sample(true),
      loader: new ThreadLoader({ intercom: account.access, intercomTenant: account.tenant, ...(account.adminId ? { intercomAdminId: account.adminId } : {}) }),
      source: { name: 'intercom_articles', fetch: () => fetchIntercomArticles(account.access) },
    };
  }

  /** An account's writer; without one (undefined), a shadow writer with the environment's own ids. */
  private zendeskWriter(account: Extract<TenantAccount, { provider: 'zendesk' }> | undefined, shadow: boolean): ZendeskWriter {
    const pending = this.config.settings.delivery.zendesk.pending_macros;
    const ids = account ?? this.config.zendesk;
    return new ZendeskWriter({
      shadow: shadow || !account,
      ...(account ? { access: account.auth, tenant: account.tenant } : {}),
      ...(ids.escalationGroupId ? { escalationGroupId: ids.escalationGroupId } : {}),
      ...(ids.botUserId ? { botUserId: ids.botUserId } : {}),
      macros: { store: this.macroStore, policy: pending, ttlMs: pending.ttl_hours * 3_600_000, maxPerAccount: pending.max_per_account },
    });
  }

  private intercomWriter(account: Extract<TenantAccount, { provider: 'intercom' }> | undefined, shadow: boolean): IntercomWriter {
    const ids = account ?? this.config.intercom;
    return new IntercomWriter({
      shadow,
      maxCallsPerMessage: this.config.settings.delivery.intercom.max_calls_per_message,
      ...(account ? { access: account.access, tenant: account.tenant } : {}),
      ...(ids.adminId ? { adminId: ids.adminId } : {}),
      ...(ids.escalationTeamId ? { escalationTeamId: ids.escalationTeamId } : {}),
    });
  }
}
