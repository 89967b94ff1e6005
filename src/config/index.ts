import { IntercomAccount, intercomAccountOf, ZendeskAccount, zendeskAccountOf } from './accounts';
import { AppSessionSettings, appSessionOf } from './app-session';
import { Env, parseEnv } from './env';
import { ModelSettings, modelSettingsOf } from './model-settings';
import { loadSettings, Settings } from './settings';

/** Everything the service is configured with: the environment parsed once, and what it implies. */
export interface Config {
  env: Env;
  settings: Settings;
  zendesk: ZendeskAccount;
  intercom: IntercomAccount;
  model: ModelSettings;
  /** how the helpdesk apps' sessions are signed and how long they last */
  appSession: AppSessionSettings;
}

/** Derived values from a parsed environment (no file is read). */
export function deriveConfig(env: Env, settings: Settings): Config {
  return { env, settings, zendesk: zendeskAccountOf(env), intercom: intercomAccountOf(env), model: modelSettingsOf(env), appSession: appSessionOf(env) };
}

/** One pure-ish function of the environment (it reads CONFIG_FILE): tests pass their own env. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = parseEnv(env);
  return deriveConfig(parsed, loadSettings(parsed.CONFIG_FILE));
}

export type { AppSessionSettings, Env, IntercomAccount, ModelSettings, Settings, ZendeskAccount };
