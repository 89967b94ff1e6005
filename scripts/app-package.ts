/**
 * `npm run app:package [-- --out <file>]`: validates apps/zendesk and writes the Zendesk app zip
 * (dist/draftpilot-zendesk-app.zip by default). Exits 1 with every problem when the app is not valid.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { appFiles, InvalidAppError, packageApp, readPackage } from './zendesk-app/package-app';

function main(argv: string[]): number {
  const at = argv.indexOf('--out');
  const out = path.resolve(at >= 0 && argv[at + 1] ? argv[at + 1]! : 'dist/draftpilot-zendesk-app.zip');
  try {
    const zip = packageApp(appFiles(path.resolve('apps/zendesk')));
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, zip);
    const names = [...readPackage(zip).keys()];
    process.stdout.write(`app:package: wrote ${path.relative(process.cwd(), out)} (${zip.length} bytes): ${names.join(', ')}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof InvalidAppError)) throw err;
    process.stderr.write(`app:package: ${err.message}\n`);
    return 1;
  }
}

process.exit(main(process.argv.slice(2)));
