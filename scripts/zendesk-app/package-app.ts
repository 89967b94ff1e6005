import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { drawLogo } from './logo';
import { LOGOS, PackageFiles, validateZendeskApp } from './manifest-rules';

/**
 * The Zendesk app package: apps/zendesk/ (manifest.json, translations/, assets/ other than the logos)
 * plus the logos drawn at their required sizes, validated with the framework's rules, as zip bytes
 * ready for Admin Center → Apps and integrations → Zendesk Support apps → Upload private app.
 */

/** The package's files from the app folder (the sidebar page is served by draftpilot, not packaged). */
export function appFiles(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  files.set('manifest.json', readFileSync(path.join(dir, 'manifest.json')));
  for (const sub of ['translations', 'assets']) {
    const folder = path.join(dir, sub);
    let names: string[] = [];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const full = path.join(folder, name);
      if (statSync(full).isFile() && !name.startsWith('.')) files.set(`${sub}/${name}`, readFileSync(full));
    }
  }
  for (const [file, size] of Object.entries(LOGOS)) files.set(file, drawLogo(size.width));
  return files;
}

export class InvalidAppError extends Error {
  constructor(readonly problems: string[]) {
    super(`the Zendesk app in apps/zendesk is not valid:\n  ${problems.join('\n  ')}`);
    this.name = 'InvalidAppError';
  }
}

/** Zip bytes of a valid package; InvalidAppError with every problem otherwise. */
export function packageApp(files: PackageFiles): Uint8Array {
  const problems = validateZendeskApp(files);
  if (problems.length > 0) throw new InvalidAppError(problems);
  // A fixed date keeps the zip byte-identical from one run to the next.
  const mtime = new Date('2026-01-01T00:00:00Z');
  return zipSync(Object.fromEntries([...files].map(([name, bytes]) => [name, [bytes, { mtime }]])), { level: 9 });
}

/** A zip's files (for checks of a built package). */
export function readPackage(zip: Uint8Array): Map<string, Uint8Array> {
  return new Map(Object.entries(unzipSync(zip)));
}
