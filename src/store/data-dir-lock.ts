import { closeSync, existsSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/**
 * One process per embedded data directory. PGlite gives two processes on the same files no warning,
 * and the second one's writes are lost: so the first process to open DATA_DIR writes
 * `draftpilot.lock` there, and the next one refuses to start, naming the directory and the process
 * that holds it. A lock left by a process that is gone (SIGKILL, a crash, a reboot) is taken over at
 * once: liveness is told by the process id on this host, not by the age of the file, so a restart
 * right after a crash is not made to wait.
 */
export const LOCK_FILE = 'draftpilot.lock';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by draftpilot process ${holder.pid} (${holder.command}, started ${holder.startedAt}): ` +
        'the embedded store belongs to one process at a time. Stop that process first, use another DATA_DIR, ' +
        'or run several processes on PostgreSQL (DATABASE_URL).',
    );
    this.name = 'DataDirInUseError';
  }
}

/** Whether a process id is alive on this machine (EPERM: alive, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, host: String(parsed.host ?? ''), startedAt: String(parsed.startedAt ?? ''), command: String(parsed.command ?? '') } : undefined;
  } catch {
    return undefined; // unreadable or half written: not a valid holder
  }
}

export interface DataDirLock {
  release(): void;
}

/**
 * Takes the lock of `dataDir` (which must exist) for this process, or throws DataDirInUseError.
 * `alive` is injectable for tests.
 */
export function lockDataDir(dataDir: string, alive: (pid: number) => boolean = isAlive): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: path.basename(process.argv[1] ?? process.argv0) };
  const text = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, text);
      closeSync(fd);
      return release(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(file);
    if (holder && holder.pid !== process.pid && holder.host === me.host && alive(holder.pid)) throw new DataDirInUseError(dataDir, holder);
    if (holder && holder.host !== me.host) throw new DataDirInUseError(dataDir, holder);
    // The holder is gone: replace its file atomically, then check that ours is the one that stayed
    // (two processes taking over at once: one of them sees the other's pid and refuses).
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    writeSync(fd, text);
    closeSync(fd);
    renameSync(tmp, file);
    if (readHolder(file)?.pid === process.pid) return release(file);
  }
  throw new DataDirInUseError(dataDir, readHolder(file) ?? { pid: 0, host: '', startedAt: '', command: 'unknown' });
}

function release(file: string): DataDirLock {
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        if (readHolder(file)?.pid === process.pid && existsSync(file)) unlinkSync(file);
      } catch {
        // already gone
      }
    },
  };
}
