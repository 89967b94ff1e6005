import { ConfigError } from '../config/env';
import { describe } from '../domain/errors';

/** Something named by a setting that cannot be read or built is a configuration error naming that setting. */
export function readConfig<T>(setting: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${setting}: ${describe(err)}`);
  }
}
