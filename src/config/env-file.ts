import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fchownSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * One `KEY=value` line of a .env file, read and written the way draftpilot's own loaders read it
 * (src/main.ts, src/cli.ts): `KEY=value` or `export KEY=value`, surrounding whitespace ignored, one pair of
 * matching quotes stripped, `#` lines are comments, the first line of a key wins.
 *
 * `upsertEnvLine` and `envFileEntries` are pure; `storeEnvValue` and `loadEnvFile` do the I/O. The file is
 * handled as bytes (latin1 round-trips every byte), so every line but the one written stays byte for byte.
 */

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENTRY = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;

/** A value this module refuses to write; its message never contains the value. */
export class EnvValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvValueError';
  }
}

/** The file could not be read or written: `path` is the file as given (absolute), `reason` why. */
export class EnvFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly action: 'read' | 'write',
  ) {
    super(`cannot ${action} ${path}: ${reason}`);
    this.name = 'EnvFileError';
  }
}

/**
 * Values are written unquoted, so only what every .env reader takes literally is accepted: printable
 * ASCII without whitespace, quotes or `#` (a comment for some readers). Signing secrets are base64-like.
 */
export function checkEnvValue(value: string): void {
  if (value === '') throw new EnvValueError('the value is empty');
  if (/\s/.test(value)) throw new EnvValueError('the value contains whitespace or a newline');
  if (/[^\x21-\x7e]/.test(value)) throw new EnvValueError('the value contains a control character or a character outside printable ASCII');
  if (/["'`#]/.test(value)) throw new EnvValueError('the value contains a quote or #, which .env readers do not take literally');
}

function checkKey(key: string): void {
  if (!KEY.test(key)) throw new EnvValueError(`"${key}" is not a variable name`);
}

/** Every `KEY=value` entry of a .env text, in file order (duplicates included), quotes stripped. */
export function envFileEntries(text: string): [key: string, value: string][] {
  const entries: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = ENTRY.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    entries.push([m[1]!, m[2]!.replace(/^(['"])(.*)\1$/, '$2')]);
  }
  return entries;
}

/** The value draftpilot reads for `key` from this text (the first entry), or undefined. */
export function envFileValue(text: string, key: string): string | undefined {
  return envFileEntries(text).find(([k]) => k === key)?.[1];
}

/**
 * `text` with `key` set to `value`: every line of that key is rewritten in place (its indentation,
 * `export ` and line ending kept, so readers that take the first or the last line agree), or, when there
 * is none, `KEY=value` is appended on a line of its own, with the file's line ending. Other lines are
 * untouched.
 */
export function upsertEnvLine(text: string, key: string, value: string): string {
  checkKey(key);
  checkEnvValue(value);
  const line = new RegExp(`^(\\s*(?:export\\s+)?)${key}\\s*=.*?(\\r?)$`);
  let found = false;
  const lines = text.split('\n').map((l) => {
    const m = line.exec(l);
    if (!m) return l;
    found = true;
    return `${m[1]}${key}=${value}${m[2]}`;
  });
  if (found) return lines.join('\n');
  if (text === '') return `${key}=${value}\n`;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return `${text}${text.endsWith('\n') ? '' : eol}${key}=${value}${eol}`;
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOENT: 'its directory does not exist',
  ENOTDIR: 'a component of the path is not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ELOOP: 'too many symbolic links',
};

function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code) return `${REASONS[e.code] ?? e.message} (${e.code})`;
  return e instanceof Error ? e.message : String(err);
}

const absent = (err: unknown) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException)?.code ?? '');

/** The file's text (latin1: bytes as they are) and metadata, or undefined when it does not exist. */
function readExisting(file: string): { text: string; mode: number; uid: number; gid: number } | undefined {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    if (absent(err)) return undefined;
    throw new EnvFileError(file, reasonOf(err), 'read');
  }
  if (st.isDirectory()) throw new EnvFileError(file, REASONS.EISDIR!, 'read');
  if (!st.isFile()) throw new EnvFileError(file, 'not a regular file', 'read');
  try {
    return { text: readFileSync(file).toString('latin1'), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  } catch (err) {
    throw new EnvFileError(file, reasonOf(err), 'read');
  }
}

/**
 * Applies the file's entries to `env` where a variable is not set yet (the environment wins), as
 * draftpilot does at start. A missing file is no error. Returns the keys it set.
 */
export function loadEnvFile(file: string, env: NodeJS.ProcessEnv): string[] {
  const existing = readExisting(path.resolve(file));
  if (!existing) return [];
  const set: string[] = [];
  // utf8 here, as draftpilot's loader reads it
  for (const [key, value] of envFileEntries(Buffer.from(existing.text, 'latin1').toString('utf8'))) {
    if (env[key] !== undefined) continue;
    env[key] = value;
    set.push(key);
  }
  return set;
}

export interface StoredEnvValue {
  /** the file, absolute, as given (a symbolic link is written through, not replaced) */
  path: string;
  /** the value written */
  value: string;
  /** the key's value in the file before, when it had one */
  previous?: string;
  created: boolean;
  /** false when the file already held exactly this line: nothing was written */
  changed: boolean;
}

/**
 * Sets `key` in the .env file at `file` (see upsertEnvLine); `value` may be computed from the value the
 * file holds now. Atomic: the new text goes to a temporary file in the same directory, is flushed,
 * then renamed over the file, which keeps its mode (and owner, where permitted); a new file gets 0600.
 * Throws EnvFileError (with the reason; never the value) when it cannot read or write.
 */
export function storeEnvValue(file: string, key: string, value: string | ((previous: string | undefined) => string)): StoredEnvValue {
  const shown = path.resolve(file);
  let target = shown;
  try {
    target = realpathSync(shown);
  } catch (err) {
    if (!absent(err)) throw new EnvFileError(shown, reasonOf(err), 'read');
  }
  const existing = readExisting(target);
  const text = existing?.text ?? '';
  const previous = existing ? envFileValue(text, key) : undefined;
  const next = typeof value === 'function' ? value(previous) : value;
  let updated: string;
  try {
    updated = upsertEnvLine(text, key, next);
  } catch (err) {
    if (err instanceof EnvValueError) throw new EnvFileError(shown, `${key}: ${err.message}`, 'write');
    throw err;
  }
  const result: StoredEnvValue = { path: shown, value: next, ...(previous !== undefined ? { previous } : {}), created: !existing, changed: updated !== text };
  if (!result.changed) return result;

  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const mode = existing ? existing.mode : 0o600;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o600);
    writeSync(fd, Buffer.from(updated, 'latin1'));
    fchmodSync(fd, mode); // the umask does not apply to fchmod
    if (existing) {
      try {
        fchownSync(fd, existing.uid, existing.gid);
      } catch {
        // only root may give a file away; otherwise it is ours already
      }
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw new EnvFileError(shown, reasonOf(err), 'write');
  }
  try {
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // the rename is done; a directory fsync is best effort (not supported everywhere)
  }
  return result;
}
