import { Env, parseEnv } from './env';
import { loadSettings, Settings } from './settings';

export interface Config {
  env: Env;
  settings: Settings;
}

/** One pure-ish function of the environment: tests pass their own env. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = parseEnv(env);
  return { env: parsed, settings: loadSettings(parsed.CONFIG_FILE) };
}

export type { Env, Settings };
