import { UsageError } from './commands';

/**
 * The arguments of a command that reads the running service (`drafts`, `report`): its positional
 * words, `--json`, and the options it names, each as `--name value` or `--name=value`.
 */
export function serviceArgs<K extends string>(argv: readonly string[], options: Record<string, K>, command: string): { positional: string[]; values: Partial<Record<K, string>>; json: boolean } {
  const positional: string[] = [];
  const values: Partial<Record<K, string>> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--json') json = true;
    else if (!arg.startsWith('-')) positional.push(arg);
    else {
      const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
      const key = options[flag];
      if (!key) throw new UsageError(`unknown option ${flag} for ${command}`);
      const value = inline ?? argv[++i];
      if (!value || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      values[key] = value;
    }
  }
  return { positional, values, json };
}
