import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from '../../src/store/data-dir-lock';

const dir = () => mkdtempSync(path.join(tmpdir(), 'dp-lock-'));
const holder = (pid: number, host = hostname()) => JSON.stringify({ pid, host, startedAt: '2026-12-01T08:00:00.000Z', command: 'main.js' });

describe('one process per DATA_DIR', () => {
  it('takes the lock, writes this process into it and removes it on release', () => {
    const d = dir();
    const lock = lockDataDir(d);
    expect(JSON.parse(readFileSync(path.join(d, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    lock.release();
    expect(existsSync(path.join(d, LOCK_FILE))).toBe(false);
  });

  it('refuses while another live process holds it, naming the directory and that process', () => {
    const d = dir();
    writeFileSync(path.join(d, LOCK_FILE), holder(424242));
    let err: unknown;
    try {
      lockDataDir(d, (pid) => pid === 424242);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataDirInUseError);
    expect((err as Error).message).toContain(`DATA_DIR ${d} is in use by draftpilot process 424242`);
    expect((err as Error).message).toContain('started 2026-12-01T08:00:00.000Z');
    // the holder's file is left as it was
    expect(JSON.parse(readFileSync(path.join(d, LOCK_FILE), 'utf8')).pid).toBe(424242);
  });

  it('takes over a lock whose process is gone', () => {
    const d = dir();
    writeFileSync(path.join(d, LOCK_FILE), holder(424243));
    const lock = lockDataDir(d, () => false);
    expect(JSON.parse(readFileSync(path.join(d, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over an unreadable lock file, and refuses one held on another host', () => {
    const d = dir();
    writeFileSync(path.join(d, LOCK_FILE), '{"pid": ');
    lockDataDir(d, () => false).release();
    writeFileSync(path.join(d, LOCK_FILE), holder(1, 'other-host'));
    expect(() => lockDataDir(d, () => false)).toThrow(DataDirInUseError);
  });
});
