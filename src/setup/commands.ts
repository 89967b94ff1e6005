import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Config, loadConfig } from '../config';
import { ConfigError } from '../config/env';
import { zendeskAuthOf, ZendeskAuth } from '../helpdesk/zendesk/oauth';
import { MemoryTokenStore } from '../helpdesk/zendesk/token-store';
import { HelpdeskError } from '../helpdesk/helpdesk-error';
import { intercomAccess } from '../helpdesk/access';
import { applyIntercomSetup, planIntercomSetup } from './intercom-setup';
import { EnvFileError, loadEnvFile, storeEnvValue } from '../config/env-file';
import { formatIntercomPlan, formatIntercomResult, formatProblems, formatZendeskPlan, formatZendeskResult, header, SecretStorage } from './report';
import { DryRunWriteError, HttpSetupApi } from './setup-api';
import { applyZendeskSetup, planZendeskSetup } from './zendesk-setup';

/** Exit codes of `draftpilot setup`. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** the directory a relative --dotenv (and the default `.env`) is resolved against; process.cwd() when absent */
  cwd?: string;
}

export interface SetupCommand {
  provider: 'zendesk' | 'intercom';
  dryRun: boolean;
  /** draftpilot's public base URL, normalised (no trailing slash, no /webhooks/... suffix) */
  url?: string;
  /** `setup zendesk --triggers`: also the trigger-connected webhook and its two triggers */
  triggers?: boolean;
  /** `--dotenv`: the .env file read at start and, for setup zendesk, where the signing secret is stored (default `.env`) */
  envFile?: string;
  /** `setup zendesk --no-store` gives false: print the ZENDESK_WEBHOOK_SECRETS line, write no file */
  store?: boolean;
}

/** Wrong arguments or missing configuration: nothing was attempted (exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The public base URL draftpilot is reached at. A pasted webhook URL (…/webhooks/zendesk) is accepted
 * and cut back to its base; a query or fragment is refused (Zendesk would post to it verbatim).
 */
export function normalizePublicUrl(raw: string): { url: string; warnings: string[] } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`--url ${raw}: not a URL; pass draftpilot's public base URL, e.g. --url https://draftpilot.example.com`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UsageError(`--url ${raw}: must start with https://`);
  if (u.search || u.hash) throw new UsageError(`--url ${raw}: no query string or fragment, the base URL only`);
  if (u.username || u.password) throw new UsageError('--url: no credentials in the URL');
  const path = u.pathname.replace(/\/+$/, '').replace(/\/webhooks\/(zendesk|intercom)$/, '');
  const warnings: string[] = [];
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol === 'http:') warnings.push(`--url uses plain http: ${local ? 'a helpdesk cannot reach localhost; use a tunnel or the public host' : 'webhook bodies (customer messages) would travel unencrypted; use https'}`);
  else if (local) warnings.push('--url points at this machine: the helpdesk cannot reach it; use a tunnel or the public host');
  return { url: `${u.origin}${path}`, warnings };
}

/** The .env file of this run, absolute: --dotenv, or `.env` in the working directory. */
export function envFilePath(command: Pick<SetupCommand, 'envFile'>, io: Pick<CliIo, 'cwd'>): string {
  return path.resolve(io.cwd ?? process.cwd(), command.envFile ?? '.env');
}

/** Reads the .env file into io.env where a variable is not set yet (as draftpilot does at start); returns the keys it set. */
function readEnvFile(file: string, io: CliIo): string[] {
  try {
    return loadEnvFile(file, io.env);
  } catch (err) {
    if (err instanceof EnvFileError) throw new UsageError(err.message);
    throw err;
  }
}

const SECRETS_KEY = 'ZENDESK_WEBHOOK_SECRETS';

function loadSetupConfig(env: NodeJS.ProcessEnv): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

function zendeskAuth(config: Config): ZendeskAuth | undefined {
  // Client-credentials tokens are sealed before use; setup keeps them in memory for this one run, so
  // without APP_ENCRYPTION_KEY an ephemeral key does (nothing is stored beyond the process).
  const zendesk = { ...config.zendesk, encryptionKey: config.zendesk.encryptionKey ?? randomBytes(32).toString('base64') };
  try {
    return zendeskAuthOf(zendesk, { store: new MemoryTokenStore() });
  } catch (err) {
    // Missing subdomain, half an OAuth client, a malformed APP_ENCRYPTION_KEY: configuration, not a failure.
    throw new UsageError((err as Error).message.replace(/^zendesk: /, ''));
  }
}

const ZENDESK_CREDENTIALS = 'set ZENDESK_SUBDOMAIN (or ZENDESK_BASE_URL) and ZENDESK_ACCESS_TOKEN (an OAuth access token of a Zendesk admin), or ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET';

/** A HelpdeskError as the operator should read it: which setting to look at, then the provider's words. */
export function explainFailure(err: HelpdeskError, context: { baseUrl: string; oauth?: boolean }): string {
  const zendesk = err.provider === 'zendesk';
  let lead: string;
  if (err.code === 'zendesk_oauth_refused') {
    lead = 'Zendesk refused the OAuth client: check ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET (and that the client belongs to this account)';
  } else if (err.status === 401) {
    lead = zendesk
      ? context.oauth
        ? `Zendesk refused the OAuth access token (401): check ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET, and that ${context.baseUrl} is the account they belong to (ZENDESK_SUBDOMAIN / ZENDESK_BASE_URL)`
        : `Zendesk refused ZENDESK_ACCESS_TOKEN (401): set it to a valid OAuth access token of an admin of ${context.baseUrl} (ZENDESK_SUBDOMAIN / ZENDESK_BASE_URL)`
      : `Intercom refused INTERCOM_ACCESS_TOKEN (401): set it to the app's access token (Developer Hub > your app > Authentication); workspaces in Europe or Australia also need INTERCOM_BASE_URL=https://api.eu.intercom.io or https://api.au.intercom.io (now ${context.baseUrl})`;
  } else if (err.status === 403) {
    lead = zendesk
      ? `Zendesk answered 403: the user behind ${context.oauth ? 'the OAuth client' : 'ZENDESK_ACCESS_TOKEN'} must be an admin (webhooks), and the token needs the read and write scopes`
      : 'Intercom answered 403: the app behind INTERCOM_ACCESS_TOKEN lacks a permission (Developer Hub > Authentication: read admins, read and write tags, read teams)';
  } else if (err.status === 0 && (err.code.endsWith('_unreachable') || err.code.endsWith('_timeout'))) {
    lead = `cannot reach ${context.baseUrl}: check ${zendesk ? 'ZENDESK_SUBDOMAIN / ZENDESK_BASE_URL' : 'INTERCOM_BASE_URL'} and the network`;
  } else if (err.status === 429) {
    lead = `${zendesk ? 'Zendesk' : 'Intercom'} rate-limited setup (429): run it again in a minute`;
  } else {
    lead = `${zendesk ? 'Zendesk' : 'Intercom'} call failed`;
  }
  return `${lead}\n  ${err.message}`;
}

async function guarded(io: CliIo, provider: 'zendesk' | 'intercom', context: { baseUrl: string; oauth?: boolean }, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof HelpdeskError) {
      io.stderr(`draftpilot setup ${provider}: ${explainFailure(err, context)}\n`);
      return EXIT.failed;
    }
    if (err instanceof DryRunWriteError) {
      io.stderr(`draftpilot setup ${provider}: ${err.message}\n`);
      return EXIT.failed;
    }
    throw err;
  }
}

function print(io: CliIo, lines: string[]): void {
  io.stdout(`${lines.join('\n')}\n`);
}

export async function runZendeskSetup(command: SetupCommand, io: CliIo): Promise<number> {
  const missing: string[] = [];
  const envFile = envFilePath(command, io);
  const fromFile = readEnvFile(envFile, io);
  const storeIn = command.store === false ? undefined : envFile;
  const config = loadSetupConfig(io.env);
  const { env } = config;
  let auth: ZendeskAuth | undefined;
  try {
    auth = zendeskAuth(config);
    if (!auth) missing.push(`no Zendesk credentials: ${ZENDESK_CREDENTIALS}`);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    missing.push(err.message);
  }
  if (!command.url) missing.push("no --url: pass draftpilot's public base URL, e.g. --url https://draftpilot.example.com (the webhook posts to <url>/webhooks/zendesk)");
  if (missing.length || !auth || !command.url) throw new UsageError(`setup zendesk cannot start:\n${missing.map((m) => `  - ${m}`).join('\n')}`);
  const { url, warnings } = normalizePublicUrl(command.url);
  const api = new HttpSetupApi({ provider: 'zendesk', baseUrl: auth.baseUrl, headers: { accept: 'application/json' }, tokens: auth.tokens, readOnly: command.dryRun });
  const oauth = auth.tokens.kind === 'oauth';
  return guarded(io, 'zendesk', { baseUrl: auth.baseUrl, oauth }, async () => {
    const lines = header('zendesk', command.dryRun);
    for (const w of warnings) lines.push(`warning: ${w}`);
    if (oauth) lines.push('(OAuth client credentials: one token request, POST /oauth/tokens, authenticates this run)');
    const plan = await planZendeskSetup(api, {
      publicUrl: url,
      ...(config.zendesk.escalationGroupId ? { escalationGroupId: config.zendesk.escalationGroupId } : {}),
      ...(config.zendesk.botUserId ? { botUserId: config.zendesk.botUserId } : {}),
      ...(command.triggers ? { triggers: true } : {}),
    });
    lines.push(...formatZendeskPlan(plan, { dryRun: command.dryRun, ...(storeIn ? { storeIn } : {}) }));
    return finish(io, lines, 'Zendesk', command.dryRun, plan.problems, api.calls.length, async () => {
      const result = await applyZendeskSetup(api, plan, { configuredSecrets: env.ZENDESK_WEBHOOK_SECRETS });
      const problems = [...result.problems];
      const errors: string[] = [];
      let storage: SecretStorage = { kind: 'print' };
      const fresh = result.secretsToSet;
      if (fresh && storeIn) {
        try {
          // The secrets just read first (the current one), then every secret configured before, so
          // deliveries signed with an old secret keep verifying until the operator removes it.
          const stored = storeEnvValue(storeIn, SECRETS_KEY, (previous) => [...new Set([...fresh, ...env.ZENDESK_WEBHOOK_SECRETS, ...(previous ?? '').split(',').filter(Boolean)])].join(','));
          storage = {
            kind: 'stored',
            path: stored.path,
            changed: stored.changed,
            kept: stored.value.split(',').length - new Set(fresh).size,
            // set in the environment, not by this file: the environment wins over the file
            environmentWins: io.env[SECRETS_KEY] !== undefined && !fromFile.includes(SECRETS_KEY),
          };
        } catch (err) {
          if (!(err instanceof EnvFileError)) throw err;
          storage = { kind: 'failed', path: err.path };
          problems.push(`${SECRETS_KEY} was not stored: ${err.message}. Put the line above into draftpilot's environment by hand, or fix the file and run setup again.`);
          errors.push(`draftpilot setup zendesk: ${err.message}. The webhook is set up: put the ${SECRETS_KEY} line printed above into draftpilot's environment by hand.`);
        }
      }
      return { ok: problems.length === 0, problems, errors, lines: formatZendeskResult(result, storage) };
    });
  });
}

/** The end of both commands: a dry run reports the plan's problems; a run applies and reports. */
async function finish(
  io: CliIo,
  lines: string[],
  name: string,
  dryRun: boolean,
  planProblems: Parameters<typeof formatProblems>[0],
  calls: number,
  apply: () => Promise<{ ok: boolean; problems: Parameters<typeof formatProblems>[0]; lines: string[]; errors?: string[] }>,
): Promise<number> {
  if (dryRun) {
    lines.push(...formatProblems(planProblems));
    lines.push('', `Dry run: nothing was changed (${calls} GET requests). Run without --dry-run to apply.`);
    print(io, lines);
    return planProblems.length ? EXIT.failed : EXIT.ok;
  }
  const result = await apply();
  lines.push(...result.lines, ...formatProblems(result.problems));
  lines.push('', result.ok ? `${name} setup done.` : `${name} setup incomplete: fix the problems above and run it again.`);
  print(io, lines);
  for (const error of result.errors ?? []) io.stderr(`${error}\n`);
  return result.ok && !result.errors?.length ? EXIT.ok : EXIT.failed;
}

export async function runIntercomSetup(command: SetupCommand, io: CliIo): Promise<number> {
  readEnvFile(envFilePath(command, io), io);
  const config = loadSetupConfig(io.env);
  const { intercom } = config;
  const access = intercomAccess(intercom);
  if (!access) {
    throw new UsageError('setup intercom cannot start:\n  - no Intercom credentials: set INTERCOM_ACCESS_TOKEN (Developer Hub > your app > Authentication), and INTERCOM_BASE_URL for a workspace in Europe or Australia');
  }
  const normalized = command.url ? normalizePublicUrl(command.url) : undefined;
  const api = new HttpSetupApi({ provider: 'intercom', baseUrl: access.baseUrl, headers: access.headers, readOnly: command.dryRun });
  return guarded(io, 'intercom', { baseUrl: access.baseUrl }, async () => {
    const lines = header('intercom', command.dryRun);
    for (const w of normalized?.warnings ?? []) lines.push(`warning: ${w}`);
    const plan = await planIntercomSetup(api, {
      ...(normalized ? { publicUrl: normalized.url } : {}),
      ...(intercom.adminId ? { adminId: intercom.adminId } : {}),
      ...(intercom.escalationTeamId ? { escalationTeamId: intercom.escalationTeamId } : {}),
      clientSecretsConfigured: config.env.INTERCOM_CLIENT_SECRETS.length,
    });
    lines.push(...formatIntercomPlan(plan, { dryRun: command.dryRun }));
    return finish(io, lines, 'Intercom', command.dryRun, plan.problems, api.calls.length, async () => {
      const result = await applyIntercomSetup(api, plan);
      return { ...result, lines: formatIntercomResult(result) };
    });
  });
}
