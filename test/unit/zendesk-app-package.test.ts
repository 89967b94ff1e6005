import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { appFiles, InvalidAppError, packageApp, readPackage } from '../../scripts/zendesk-app/package-app';
import { drawLogo } from '../../scripts/zendesk-app/logo';
import { pngSize, validateZendeskApp } from '../../scripts/zendesk-app/manifest-rules';

/**
 * The Zendesk app in apps/zendesk against the Zendesk Apps validation rules (checked offline: the
 * official validator needs a live account), and `npm run app:package`'s zip.
 */
const ROOT = path.resolve(__dirname, '../..');
const APP = path.join(ROOT, 'apps/zendesk');

const json = (files: Map<string, Uint8Array>, name: string) => JSON.parse(Buffer.from(files.get(name)!).toString('utf8'));
const withJson = (files: Map<string, Uint8Array>, name: string, change: (doc: any) => void) => {
  const copy = new Map(files);
  const doc = json(files, name);
  change(doc);
  copy.set(name, Buffer.from(JSON.stringify(doc)));
  return copy;
};
const withManifest = (files: Map<string, Uint8Array>, change: (m: any) => void) => withJson(files, 'manifest.json', change);

describe('the Zendesk app package', () => {
  const files = appFiles(APP);

  it('passes every rule: required keys, framework 2.0, signed ticket_sidebar and nav_bar locations on a {{setting}} URL, the nav_bar icon, parameters, labels, logos', () => {
    expect(validateZendeskApp(files)).toEqual([]);
    const manifest = json(files, 'manifest.json');
    expect(manifest).toMatchObject({ frameworkVersion: '2.0', defaultLocale: 'en', signedUrls: true, author: { name: expect.any(String), email: expect.stringContaining('@') } });
    expect(manifest.location.support.ticket_sidebar.url).toBe('{{setting.draftpilot_url}}/apps/zendesk/sidebar');
    expect(manifest.location.support.nav_bar.url).toBe('{{setting.draftpilot_url}}/apps/zendesk/dashboard');
    expect(Buffer.from(files.get('assets/icon_nav_bar.svg')!).toString('utf8')).toMatch(/^<svg [^>]*viewBox="0 0 18 18"/);
    expect(manifest.parameters.map((p: { name: string }) => p.name)).toEqual([
      'draftpilot_url',
      'categories',
      'low_confidence_threshold',
      'negative_sentiment_threshold',
      'autopilot_threshold',
      'autopilot_sampling_rate',
      'solved_sampling_rate',
      'delivery_mode',
      'escalation_group_id',
    ]);
    const labels = json(files, 'translations/en.json').app.parameters;
    for (const p of manifest.parameters) expect([p.name, typeof labels[p.name]?.label]).toEqual([p.name, 'string']);
  });

  it('draws the logos at 320x320 and 128x128 as real PNGs', () => {
    expect(pngSize(files.get('assets/logo.png')!)).toEqual({ width: 320, height: 320 });
    expect(pngSize(files.get('assets/logo-small.png')!)).toEqual({ width: 128, height: 128 });
    expect(pngSize(Buffer.from('not a png at all, just some text'))).toBeUndefined();
  });

  it.each<[string, (f: Map<string, Uint8Array>) => Map<string, Uint8Array>, string]>([
    ['no author', (f) => withManifest(f, (m) => delete m.author), 'author is missing'],
    ['an author without email', (f) => withManifest(f, (m) => delete m.author.email), 'author.email is missing'],
    ['no defaultLocale', (f) => withManifest(f, (m) => delete m.defaultLocale), 'defaultLocale is missing'],
    ['framework 1.0', (f) => withManifest(f, (m) => (m.frameworkVersion = '1.0')), 'frameworkVersion must be one of 2.0'],
    ['no frameworkVersion', (f) => withManifest(f, (m) => delete m.frameworkVersion), 'frameworkVersion is missing'],
    ['signedUrls as a string', (f) => withManifest(f, (m) => (m.signedUrls = 'true')), 'signedUrls must be true or false'],
    ['no location', (f) => withManifest(f, (m) => delete m.location), 'location is missing'],
    ['an unknown location', (f) => withManifest(f, (m) => (m.location.support.ticket_side = m.location.support.ticket_sidebar)), 'location.support.ticket_side is not a Support location'],
    ['an http location', (f) => withManifest(f, (m) => (m.location.support.ticket_sidebar.url = 'http://draftpilot.example.com/apps/zendesk/sidebar')), 'must be https'],
    ['an undeclared setting in the URL', (f) => withManifest(f, (m) => (m.location.support.ticket_sidebar.url = '{{setting.server}}/apps/zendesk/sidebar')), 'no parameter is called server'],
    ['an unknown parameter type', (f) => withManifest(f, (m) => (m.parameters[1].type = 'yaml')), 'parameters.categories.type "yaml" is not one of'],
    ['required as a string', (f) => withManifest(f, (m) => (m.parameters[0].required = 'yes')), 'parameters.draftpilot_url.required must be true or false'],
    ['a required hidden parameter', (f) => withManifest(f, (m) => m.parameters.push({ name: 'h', type: 'hidden', required: true })), 'a hidden parameter cannot be required'],
    ['a parameter called name', (f) => withManifest(f, (m) => m.parameters.push({ name: 'name', type: 'text' })), 'may not be called "name"'],
    ['a duplicate parameter', (f) => withManifest(f, (m) => m.parameters.push({ name: 'categories', type: 'text' })), 'parameters.categories is declared twice'],
    ['scopes on a parameter that is not secure', (f) => withManifest(f, (m) => (m.parameters[1].scopes = ['header'])), 'allowed on secure parameters only'],
    ['a number default that is no number', (f) => withManifest(f, (m) => (m.parameters[2].default = 'high')), 'does not fit the type number'],
    ['a missing label', (f) => withJson(f, 'translations/en.json', (t) => delete t.app.parameters.delivery_mode.label), 'app.parameters.delivery_mode.label is missing'],
    ['no app name', (f) => withJson(f, 'translations/en.json', (t) => delete t.app.name), 'app.name is missing'],
    ['no translation file for the default locale', (f) => withManifest(f, (m) => (m.defaultLocale = 'fr')), 'translations/fr.json is missing'],
    ['a logo of the wrong size', (f) => new Map(f).set('assets/logo.png', drawLogo(300)), 'assets/logo.png is 300x300; it must be 320x320'],
    ['a nav_bar location without its icon', (f) => { const c = new Map(f); c.delete('assets/icon_nav_bar.svg'); return c; }, 'assets/icon_nav_bar.svg is missing (location.support.nav_bar is shown as an icon)'],
    ['an icon that is not SVG', (f) => new Map(f).set('assets/icon_nav_bar.svg', drawLogo(18)), 'assets/icon_nav_bar.svg must be an SVG document'],
    ['no small logo', (f) => { const c = new Map(f); c.delete('assets/logo-small.png'); return c; }, 'assets/logo-small.png is missing'],
  ])('refuses %s', (_what, breakIt, message) => {
    const problems = validateZendeskApp(breakIt(files));
    expect(problems.join('\n')).toContain(message);
    expect(() => packageApp(breakIt(files))).toThrow(InvalidAppError);
  });

  it('`npm run app:package` writes a zip with the manifest, the translations, the nav_bar icon and both logos', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-app-'));
    try {
      const out = path.join(dir, 'app.zip');
      const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'app:package', '--', '--out', out], { cwd: ROOT });
      expect(stdout).toContain('app.zip');
      const zipped = readPackage(readFileSync(out));
      expect([...zipped.keys()].sort()).toEqual(['assets/icon_nav_bar.svg', 'assets/logo-small.png', 'assets/logo.png', 'manifest.json', 'translations/en.json']);
      expect(validateZendeskApp(zipped)).toEqual([]);
      expect(Buffer.from(zipped.get('manifest.json')!)).toEqual(readFileSync(path.join(APP, 'manifest.json')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
