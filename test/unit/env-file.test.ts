import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envFileEntries, envFileValue, EnvFileError, EnvValueError, loadEnvFile, storeEnvValue, upsertEnvLine } from '../../src/config/env-file';

const KEY = 'ZENDESK_WEBHOOK_SECRETS';

describe('upsertEnvLine', () => {
  test('replaces the line in place and keeps every other line, comment and blank line as it is', () => {
    const text = '# draftpilot\nPORT=3000\n\n# secrets, newest first\nZENDESK_WEBHOOK_SECRETS=old1,old2\nLOG_LEVEL=debug # not a comment here\n';
    expect(upsertEnvLine(text, KEY, 'new,old1,old2')).toBe('# draftpilot\nPORT=3000\n\n# secrets, newest first\nZENDESK_WEBHOOK_SECRETS=new,old1,old2\nLOG_LEVEL=debug # not a comment here\n');
  });

  test('keeps indentation, export and a CRLF line ending of the replaced line', () => {
    expect(upsertEnvLine('A=1\r\n  export ZENDESK_WEBHOOK_SECRETS = "x"\r\nB=2\r\n', KEY, 'y')).toBe('A=1\r\n  export ZENDESK_WEBHOOK_SECRETS=y\r\nB=2\r\n');
  });

  test('rewrites every line of the key, so first-wins and last-wins readers agree', () => {
    expect(upsertEnvLine('ZENDESK_WEBHOOK_SECRETS=a\nX=1\nZENDESK_WEBHOOK_SECRETS=b\n', KEY, 'c')).toBe('ZENDESK_WEBHOOK_SECRETS=c\nX=1\nZENDESK_WEBHOOK_SECRETS=c\n');
  });

  test('leaves comments, other keys with the same prefix and look-alikes alone, and appends', () => {
    const text = '# ZENDESK_WEBHOOK_SECRETS=commented\nZENDESK_WEBHOOK_SECRETS_OLD=a\nMY_ZENDESK_WEBHOOK_SECRETS=b\n';
    expect(upsertEnvLine(text, KEY, 'new')).toBe(`${text}ZENDESK_WEBHOOK_SECRETS=new\n`);
  });

  test('appends on a line of its own: after a missing final newline, with the file\'s line ending, to an empty file', () => {
    expect(upsertEnvLine('PORT=3000', KEY, 's')).toBe('PORT=3000\nZENDESK_WEBHOOK_SECRETS=s\n');
    expect(upsertEnvLine('PORT=3000\n', KEY, 's')).toBe('PORT=3000\nZENDESK_WEBHOOK_SECRETS=s\n');
    expect(upsertEnvLine('A=1\r\nB=2', KEY, 's')).toBe('A=1\r\nB=2\r\nZENDESK_WEBHOOK_SECRETS=s\r\n');
    expect(upsertEnvLine('', KEY, 's')).toBe('ZENDESK_WEBHOOK_SECRETS=s\n');
  });

  test('base64 secrets (+ / =) are written as they are and read back the same', () => {
    const value = 'c2lnbmluZy1zZWNyZXQ+/w==,dHJpZ2dlcg==';
    const text = upsertEnvLine('A=1\n', KEY, value);
    expect(envFileValue(text, KEY)).toBe(value);
  });

  test.each([
    ['', 'empty'],
    ['abc def', 'whitespace'],
    ['abc\ndef', 'newline'],
    ['abc\r', 'whitespace'],
    ['abc\tdef', 'whitespace'],
    ['ab"c', 'quote'],
    ["ab'c", 'quote'],
    ['ab#c', 'quote or #'],
    ['abcé', 'printable ASCII'],
    ['ab\u0001c', 'control character'],
  ])('refuses the value %j (%s), without repeating it', (value, reason) => {
    let error: unknown;
    try {
      upsertEnvLine('A=1\n', KEY, value);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvValueError);
    expect((error as Error).message).toContain(reason);
    if (value.length > 1) expect((error as Error).message).not.toContain(value);
  });

  test('refuses a key that is not a variable name', () => {
    expect(() => upsertEnvLine('', 'A.*', 'x')).toThrow(EnvValueError);
  });
});

describe('envFileEntries', () => {
  test('reads what draftpilot reads: export, spaces, one pair of quotes, no comments, the first line wins', () => {
    const text = '# A=no\n export A = "1" \nB=\'2\'\nC=x=y\r\nA=later\nnot a line\n';
    expect(envFileEntries(text)).toEqual([
      ['A', '1'],
      ['B', '2'],
      ['C', 'x=y'],
      ['A', 'later'],
    ]);
    expect(envFileValue(text, 'A')).toBe('1');
    expect(envFileValue(text, 'D')).toBeUndefined();
  });
});

describe('storeEnvValue and loadEnvFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'draftpilot-env-file-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const leftovers = () => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

  test('creates a missing file with mode 0600', () => {
    const file = path.join(dir, '.env');
    const stored = storeEnvValue(file, KEY, 'abc');
    expect(stored).toEqual({ path: file, value: 'abc', created: true, changed: true });
    expect(readFileSync(file, 'utf8')).toBe('ZENDESK_WEBHOOK_SECRETS=abc\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(leftovers()).toEqual([]);
  });

  test('replaces the line of an existing file, keeps its mode and its other bytes, computes from the previous value', () => {
    const file = path.join(dir, 'draftpilot.env');
    // not UTF-8 on purpose: the other lines must come back byte for byte
    const before = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9, 0xff]), Buffer.from('\nZENDESK_WEBHOOK_SECRETS="old"\nPORT=3000\n')]);
    writeFileSync(file, before);
    chmodSync(file, 0o640);
    const stored = storeEnvValue(file, KEY, (previous) => `new,${previous}`);
    expect(stored).toMatchObject({ value: 'new,old', previous: 'old', created: false, changed: true });
    expect(readFileSync(file)).toEqual(Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9, 0xff]), Buffer.from('\nZENDESK_WEBHOOK_SECRETS=new,old\nPORT=3000\n')]));
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(leftovers()).toEqual([]);
  });

  test('writes nothing when the file holds the line already', () => {
    const file = path.join(dir, '.env');
    writeFileSync(file, 'ZENDESK_WEBHOOK_SECRETS=abc\n');
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(file, past, past);
    expect(storeEnvValue(file, KEY, 'abc').changed).toBe(false);
    expect(statSync(file).mtime).toEqual(past);
  });

  test('writes through a symbolic link: the link stays, its target changes', () => {
    const real = path.join(dir, 'real.env');
    const link = path.join(dir, '.env');
    writeFileSync(real, 'A=1\n');
    symlinkSync(real, link);
    storeEnvValue(link, KEY, 'abc');
    expect(readFileSync(real, 'utf8')).toBe('A=1\nZENDESK_WEBHOOK_SECRETS=abc\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['.env', 'real.env']);
  });

  test.each([
    ['a directory', (d: string) => (mkdirSync(path.join(d, 'conf')), path.join(d, 'conf')), 'it is a directory'],
    ['a missing directory', (d: string) => path.join(d, 'missing', '.env'), 'its directory does not exist (ENOENT)'],
    ['below a file', (d: string) => (writeFileSync(path.join(d, 'plain'), ''), path.join(d, 'plain', '.env')), 'ENOTDIR'],
  ])('a path that cannot be written (%s) throws EnvFileError naming the path and the reason', (_name, make, reason) => {
    const file = make(dir);
    let error: unknown;
    try {
      storeEnvValue(file, KEY, 'secret-value-1');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvFileError);
    expect((error as EnvFileError).path).toBe(file);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).not.toContain('secret-value-1');
  });

  test('a value it refuses is an EnvFileError too, and the file is left alone', () => {
    const file = path.join(dir, '.env');
    writeFileSync(file, 'A=1\n');
    expect(() => storeEnvValue(file, KEY, 'two words')).toThrow(/cannot write .*: ZENDESK_WEBHOOK_SECRETS: the value contains whitespace/);
    expect(readFileSync(file, 'utf8')).toBe('A=1\n');
    expect(leftovers()).toEqual([]);
  });

  test('loadEnvFile sets what is not set yet and reports those keys; a missing file is nothing', () => {
    const file = path.join(dir, '.env');
    writeFileSync(file, 'A=from-file\nB=from-file\n');
    const env: NodeJS.ProcessEnv = { A: 'from-env' };
    expect(loadEnvFile(file, env)).toEqual(['B']);
    expect(env).toEqual({ A: 'from-env', B: 'from-file' });
    expect(loadEnvFile(path.join(dir, 'none.env'), env)).toEqual([]);
    expect(() => loadEnvFile(dir, env)).toThrow(EnvFileError);
  });
});
