import type { Kysely } from 'kysely';
import type { Config } from '../config';
import { describe } from '../domain/errors';
import { intercomTenant } from '../domain/tenant';
import { intercomAccess } from '../helpdesk/access';
import { HelpdeskError } from '../helpdesk/helpdesk-error';
import { ClientCredentialsTokenProvider, ZendeskAuth } from '../helpdesk/zendesk/oauth';
import { TokenCipher } from '../helpdesk/zendesk/token-cipher';
import type { StoredTokens, TokenStore } from '../helpdesk/zendesk/token-store';
import { intercomWorkspaceId } from '../knowledge/knowledge-base';
import type { Logger } from '../logger';
import type { Database } from '../store/schema';
import { InstalledAccount, loadInstalls } from './account-rows';
import type { Accounts, IntercomTenantAccount, TenantAccount, ZendeskTenantAccount } from './tenant-account';

/** The AAD a Zendesk webhook's signing secret is sealed under (its tokens use the tenant itself). */
export const webhookSecretAad = (tenant: string) => `${tenant}:webhook-secret`;

export interface AccountDirectoryOptions {
  config: Config;
  db: Kysely<Database>;
  tokens: TokenStore;
  /** the environment's Zendesk credentials (zendeskAuthFor), shared with what was built before */
  envZendeskAuth: ZendeskAuth | undefined;
  /** how long the list of installs is kept before the store is read again (accounts.refresh_ms) */
  refreshMs: number;
  logger: Logger;
  now?: () => number;
}

/**
 * Every account this deployment serves: the one the environment names (ZENDESK_* and INTERCOM_*
 * variables, the simplest case) and every account installed through OAuth, read from the store.
 * The installs are read again at most every `refreshMs`, so an install or an uninstall made through
 * any process reaches every process within that time, without a restart. What an account needs
 * (its token provider) is built once per version of the account, so a process keeps its tokens in
 * memory across reads.
 */
export class AccountDirectory implements Accounts {
  private installs: TenantAccount[] = [];
  private readAt = Number.NEGATIVE_INFINITY;
  private reading?: Promise<void>;
  private readonly built = new Map<string, TenantAccount>();
  private envIntercom?: Promise<IntercomTenantAccount | undefined>;
  /** after a failed question to Intercom, not asked again before this time */
  private envIntercomRetryAt = 0;
  private envIntercomTenant?: string;
  private readonly envZendesk: ZendeskTenantAccount | undefined;
  private readonly now: () => number;
  private readonly cipher: TokenCipher | undefined;

  constructor(private readonly options: AccountDirectoryOptions) {
    this.now = options.now ?? Date.now;
    const { zendesk } = options.config;
    this.envZendesk =
      options.envZendeskAuth && zendesk.tenant && zendesk.subdomain
        ? {
            tenant: zendesk.tenant,
            provider: 'zendesk',
            source: 'environment',
            version: 'environment',
            subdomain: zendesk.subdomain,
            auth: options.envZendeskAuth,
            ...(zendesk.botUserId ? { botUserId: zendesk.botUserId } : {}),
            ...(zendesk.escalationGroupId ? { escalationGroupId: zendesk.escalationGroupId } : {}),
          }
        : undefined;
    const key = options.config.env.APP_ENCRYPTION_KEY;
    this.cipher = key ? TokenCipher.fromBase64Key(key) : undefined;
  }

  async get(tenant: string): Promise<TenantAccount | undefined> {
    await this.fresh();
    if (this.envZendesk?.tenant === tenant) return this.envZendesk;
    // only an Intercom tenant waits for the question to Intercom about the environment's token
    const installed = this.installs.find((a) => a.tenant === tenant);
    if (tenant.startsWith('intercom:')) {
      const intercom = await this.environmentIntercom();
      if (intercom?.tenant === tenant) return intercom;
      // the token's workspace is not known yet: this may be it, so the work waits rather than going to shadow
      if (!installed && !intercom && intercomAccess(this.options.config.intercom)) {
        throw new HelpdeskError('intercom', 0, 'intercom_unreachable', `intercom: could not ask Intercom which workspace INTERCOM_ACCESS_TOKEN belongs to, so ${tenant} cannot be served yet; the job is tried again`, false);
      }
    }
    return installed;
  }

  async list(): Promise<TenantAccount[]> {
    await this.fresh();
    const intercom = await this.environmentIntercom();
    const env: TenantAccount[] = [...(this.envZendesk ? [this.envZendesk] : []), ...(intercom ? [intercom] : [])];
    const envTenants = new Set(env.map((a) => a.tenant));
    return [...env, ...this.installs.filter((a) => !envTenants.has(a.tenant))];
  }

  /** The tenants served as last read (no store call); the environment's Intercom workspace once known. */
  knownTenants(): Set<string> {
    return new Set([...(this.envZendesk ? [this.envZendesk.tenant] : []), ...this.installs.map((a) => a.tenant), ...(this.envIntercomTenant ? [this.envIntercomTenant] : [])]);
  }

  /** The installs as last read (no store call): what the webhook edge checks signatures with. */
  zendeskWebhookSecrets(): { tenant: string; secret: string }[] {
    return this.installs.flatMap((a) => (a.provider === 'zendesk' && a.webhookSecret ? [{ tenant: a.tenant, secret: a.webhookSecret }] : []));
  }

  /** Read the installs now (after an install or uninstall in this process). */
  invalidate(): void {
    this.readAt = Number.NEGATIVE_INFINITY;
    void this.reread();
  }

  /** Reads the installs every `refreshMs` in the background, so the synchronous view stays fresh; returns the timer. */
  startRefresh(): NodeJS.Timeout {
    const timer = setInterval(() => void this.reread(), this.options.refreshMs);
    timer.unref();
    void this.reread();
    return timer;
  }

  private async fresh(): Promise<void> {
    if (this.now() - this.readAt >= this.options.refreshMs) await this.reread();
  }

  private reread(): Promise<void> {
    this.reading ??= (async () => {
      try {
        const rows = await loadInstalls(this.options.db, { activeOnly: true });
        const built = await Promise.all(rows.map((row) => this.build(row)));
        this.installs = built.filter((a): a is TenantAccount => a !== undefined);
        this.readAt = this.now();
      } catch (err) {
        // keep serving the accounts known so far; read again after refreshMs
        this.readAt = this.now();
        this.options.logger.warn({ err: describe(err) }, 'installed accounts could not be read; the last known ones are served');
      }
    })().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async build(row: InstalledAccount): Promise<TenantAccount | undefined> {
    const version = row.updatedAt.toISOString();
    const known = this.built.get(row.tenant);
    if (known && known.version === version) return known;
    try {
      const account = row.provider === 'zendesk' ? this.zendeskInstall(row, version) : await this.intercomInstall(row, version);
      this.built.set(row.tenant, account);
      return account;
    } catch (err) {
      this.options.logger.warn({ tenant: row.tenant, err: describe(err) }, 'an installed account cannot be served; install it again');
      return undefined;
    }
  }

  private requireCipher(tenant: string): TokenCipher {
    if (!this.cipher) throw new Error(`APP_ENCRYPTION_KEY is not set, and the tokens of ${tenant} are sealed with it`);
    return this.cipher;
  }

  private zendeskInstall(row: InstalledAccount, version: string): ZendeskTenantAccount {
    const { env } = this.options.config;
    if (!env.ZENDESK_OAUTH_CLIENT_ID || !env.ZENDESK_OAUTH_CLIENT_SECRET) throw new Error('ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET renew installed accounts\' tokens and are not set');
    const cipher = this.requireCipher(row.tenant);
    const tokens = new ClientCredentialsTokenProvider({
      baseUrl: row.apiBaseUrl,
      clientId: env.ZENDESK_OAUTH_CLIENT_ID,
      clientSecret: env.ZENDESK_OAUTH_CLIENT_SECRET,
      account: row.tenant,
      store: this.options.tokens,
      cipher,
      refreshOnly: true,
      onWarning: (m) => this.options.logger.warn({ tenant: row.tenant }, m),
    });
    return {
      tenant: row.tenant,
      provider: 'zendesk',
      source: 'install',
      version,
      subdomain: row.tenant.slice('zendesk:'.length),
      auth: { baseUrl: row.apiBaseUrl, tokens },
      ...(row.ownUserId ? { botUserId: row.ownUserId } : {}),
      ...(row.sealedWebhookSecret ? { webhookSecret: cipher.open(row.sealedWebhookSecret, webhookSecretAad(row.tenant)) } : {}),
    };
  }

  private async intercomInstall(row: InstalledAccount, version: string): Promise<IntercomTenantAccount> {
    const cipher = this.requireCipher(row.tenant);
    // Intercom's OAuth tokens do not expire: the sealed record is opened once per version of the account.
    const sealed = await this.options.tokens.get(row.tenant);
    if (!sealed) throw new Error(`no token is stored for ${row.tenant}`);
    const token = (JSON.parse(cipher.open(sealed.sealed, row.tenant)) as StoredTokens).accessToken;
    const access = intercomAccess({ baseUrl: row.apiBaseUrl, accessToken: token })!;
    return { tenant: row.tenant, provider: 'intercom', source: 'install', version, workspaceId: row.tenant.slice('intercom:'.length), access, ...(row.ownUserId ? { adminId: row.ownUserId } : {}) };
  }

  /** The workspace INTERCOM_ACCESS_TOKEN belongs to, asked once (again after a failure). */
  private environmentIntercom(): Promise<IntercomTenantAccount | undefined> {
    const { intercom } = this.options.config;
    const access = intercomAccess(intercom);
    if (!access || (!this.envIntercom && this.now() < this.envIntercomRetryAt)) return Promise.resolve(undefined);
    this.envIntercom ??= intercomWorkspaceId(access).then(
      (workspace): IntercomTenantAccount => ({
        tenant: (this.envIntercomTenant = intercomTenant(workspace)),
        provider: 'intercom',
        source: 'environment',
        version: 'environment',
        workspaceId: workspace,
        access,
        ...(intercom.adminId ? { adminId: intercom.adminId } : {}),
        ...(intercom.escalationTeamId ? { escalationTeamId: intercom.escalationTeamId } : {}),
      }),
      (err) => {
        this.options.logger.warn({ err: describe(err) }, 'could not ask Intercom which workspace INTERCOM_ACCESS_TOKEN belongs to; will ask again');
        this.envIntercom = undefined;
        this.envIntercomRetryAt = this.now() + this.options.refreshMs;
        return undefined;
      },
    );
    return this.envIntercom;
  }
}
