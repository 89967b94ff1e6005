/**
 * The Zendesk Apps validation rules that `zcli apps:validate` applies to a package, checked offline
 * (the official validator uploads to a live account). Covered: the required manifest keys and their
 * types, the framework version, the location and its URL, the parameters (names, types, flags), the
 * default locale's translation file with the app name and a label for every parameter, and the logos.
 * Pure: the package is given as its files (path -> bytes), the same for a folder and for a zip.
 */

/** Parameter types the framework accepts (zendesk_apps_support, Manifest::Parameter::TYPES; `mtls` is gated). */
export const PARAMETER_TYPES = ['text', 'checkbox', 'url', 'number', 'multiline', 'hidden', 'oauth'] as const;
/** The framework versions Zendesk serves for new apps. */
export const FRAMEWORK_VERSIONS = ['2.0'] as const;
/** Support locations a sidebar-style app may use (the subset draftpilot's checks know). */
const SUPPORT_LOCATIONS = ['ticket_sidebar', 'new_ticket_sidebar', 'user_sidebar', 'organization_sidebar', 'top_bar', 'nav_bar', 'background', 'modal', 'ticket_editor'];
const PRODUCTS = ['support', 'chat', 'sell'];
const VALID_LOCALE = /^[a-z]{2,3}(-[a-z0-9]{2,3})?$/i;
const SECURE_ONLY_KEYS = ['scopes'];
const PARAMETER_KEYS = ['name', 'type', 'required', 'secure', 'default', 'scopes', 'domainWhitelist'];

/** The logos a listing needs, with their pixel sizes. */
export const LOGOS: Record<string, { width: number; height: number }> = {
  'assets/logo.png': { width: 320, height: 320 },
  'assets/logo-small.png': { width: 128, height: 128 },
};

/** Locations shown as an icon in Zendesk's bars need an SVG icon of their own (zendesk_apps_support, LOCATIONS_WITH_ICONS). */
export const LOCATION_ICONS: Record<string, string> = {
  nav_bar: 'assets/icon_nav_bar.svg',
  top_bar: 'assets/icon_top_bar.svg',
  ticket_editor: 'assets/icon_ticket_editor.svg',
};

export type PackageFiles = ReadonlyMap<string, Uint8Array>;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(files: PackageFiles, path: string, errors: string[]): unknown {
  const bytes = files.get(path);
  if (!bytes) {
    errors.push(`${path} is missing`);
    return undefined;
  }
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch (err) {
    errors.push(`${path} is not valid JSON (${(err as Error).message})`);
    return undefined;
  }
}

/** Width and height from a PNG's IHDR chunk, or undefined when the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) return undefined;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}

function checkUrl(url: unknown, label: string, errors: string[]): void {
  if (url === undefined) return;
  if (typeof url !== 'string') {
    errors.push(`${label} must be a string`);
    return;
  }
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') errors.push(`${label} must be an http(s) URL, got "${url}"`);
  } catch {
    errors.push(`${label} must be an absolute URL, got "${url}"`);
  }
}

/** A location URL: with {{setting.x}} (x a declared url/text parameter), an https URL, or a file under assets/. */
function checkLocationUrl(url: unknown, where: string, parameters: Map<string, Json>, files: PackageFiles, errors: string[]): void {
  if (typeof url !== 'string' || url === '') {
    errors.push(`${where}.url must be a non-empty string`);
    return;
  }
  if (url.includes('{{setting.')) {
    for (const [, name] of url.matchAll(/\{\{setting\.([A-Za-z0-9_]+)\}\}/g)) {
      const p = parameters.get(name!);
      if (!p) errors.push(`${where}.url uses {{setting.${name}}} but no parameter is called ${name}`);
      else if (p.secure === true) errors.push(`${where}.url uses the secure parameter ${name}; secure values are never put into URLs`);
    }
    if (!/^\{\{setting\.[A-Za-z0-9_]+\}\}\//.test(url) && !url.startsWith('https://')) errors.push(`${where}.url must start with https:// or a {{setting.…}} that holds one, got "${url}"`);
    return;
  }
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.hostname !== 'localhost') errors.push(`${where}.url must be https (or localhost), got "${url}"`);
  } catch {
    if (!url.startsWith('assets/') || !files.has(url.split(/[?#]/)[0]!)) errors.push(`${where}.url "${url}" is neither an https URL nor a file under assets/ in the package`);
  }
}

function checkParameters(raw: unknown, errors: string[]): Map<string, Json> {
  const byName = new Map<string, Json>();
  if (raw === undefined) return byName;
  if (!Array.isArray(raw)) {
    errors.push('parameters must be an array');
    return byName;
  }
  let oauth = 0;
  raw.forEach((p, i) => {
    const where = `parameters[${i}]`;
    if (!isObject(p)) {
      errors.push(`${where} must be an object`);
      return;
    }
    const name = p.name;
    if (typeof name !== 'string' || !/^[A-Za-z0-9_]+$/.test(name)) {
      errors.push(`${where}.name must be letters, digits and _ (got ${JSON.stringify(name)})`);
      return;
    }
    const label = `parameters.${name}`;
    if (name === 'name') errors.push(`${label}: a parameter may not be called "name"`);
    if (byName.has(name)) errors.push(`${label} is declared twice`);
    byName.set(name, p);
    for (const key of Object.keys(p)) if (!PARAMETER_KEYS.includes(key)) errors.push(`${label}.${key} is not a parameter key (${PARAMETER_KEYS.join(', ')})`);
    const type = p.type ?? 'text';
    if (!(PARAMETER_TYPES as readonly unknown[]).includes(type)) errors.push(`${label}.type "${String(type)}" is not one of ${PARAMETER_TYPES.join(', ')}`);
    for (const flag of ['required', 'secure'] as const) {
      if (p[flag] !== undefined && typeof p[flag] !== 'boolean') errors.push(`${label}.${flag} must be true or false`);
    }
    if (type === 'hidden' && p.required === true) errors.push(`${label}: a hidden parameter cannot be required`);
    if (type === 'oauth') {
      oauth++;
      if (p.secure === true) errors.push(`${label}: an oauth parameter cannot be secure`);
    }
    for (const key of SECURE_ONLY_KEYS) if (p[key] !== undefined && p.secure !== true) errors.push(`${label}.${key} is allowed on secure parameters only`);
    if (p.default !== undefined) {
      const d = p.default;
      const ok = type === 'checkbox' ? typeof d === 'boolean' : type === 'number' ? typeof d === 'number' || (typeof d === 'string' && d.trim() !== '' && Number.isFinite(Number(d))) : typeof d === 'string';
      if (!ok) errors.push(`${label}.default ${JSON.stringify(d)} does not fit the type ${String(type)}`);
    }
  });
  if (oauth > 1) errors.push('parameters: at most one oauth parameter');
  return byName;
}

function checkLocation(location: unknown, parameters: Map<string, Json>, files: PackageFiles, errors: string[]): void {
  if (!isObject(location) || Object.keys(location).length === 0) {
    errors.push('location is missing (e.g. {"support": {"ticket_sidebar": {"url": "..."}}})');
    return;
  }
  for (const [product, places] of Object.entries(location)) {
    if (!PRODUCTS.includes(product)) {
      errors.push(`location.${product} is not a Zendesk product (${PRODUCTS.join(', ')})`);
      continue;
    }
    if (!isObject(places)) {
      errors.push(`location.${product} must be an object of locations`);
      continue;
    }
    for (const [place, options] of Object.entries(places)) {
      const where = `location.${product}.${place}`;
      if (product === 'support' && !SUPPORT_LOCATIONS.includes(place)) errors.push(`${where} is not a Support location`);
      const icon = product === 'support' ? LOCATION_ICONS[place] : undefined;
      if (icon) checkIcon(files, icon, where, errors);
      if (typeof options === 'string') checkLocationUrl(options, where, parameters, files, errors);
      else if (isObject(options)) {
        checkLocationUrl(options.url, where, parameters, files, errors);
        if (options.flexible !== undefined && typeof options.flexible !== 'boolean') errors.push(`${where}.flexible must be true or false`);
        if (options.signed !== undefined && typeof options.signed !== 'boolean') errors.push(`${where}.signed must be true or false`);
      } else errors.push(`${where} must be a URL or an object with a url`);
    }
  }
}

/** An SVG icon: present, and an <svg> document. */
function checkIcon(files: PackageFiles, icon: string, where: string, errors: string[]): void {
  const bytes = files.get(icon);
  if (!bytes) {
    errors.push(`${icon} is missing (${where} is shown as an icon)`);
    return;
  }
  const text = Buffer.from(bytes).toString('utf8');
  if (!/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(text) || !/<\/svg>\s*$/.test(text)) errors.push(`${icon} must be an SVG document (<svg ...>...</svg>)`);
}

function checkTranslations(files: PackageFiles, locale: string, parameters: Map<string, Json>, errors: string[]): void {
  const path = `translations/${locale}.json`;
  if (!files.has(path)) {
    errors.push(`${path} is missing (the defaultLocale's translation file)`);
    return;
  }
  const doc = parseJson(files, path, errors);
  if (doc === undefined) return;
  const app = isObject(doc) && isObject(doc.app) ? doc.app : undefined;
  if (!app) {
    errors.push(`${path} must hold an "app" object`);
    return;
  }
  if (typeof app.name !== 'string' || app.name.trim() === '') errors.push(`${path}: app.name is missing (the app's display name)`);
  const labels = isObject(app.parameters) ? app.parameters : {};
  for (const name of parameters.keys()) {
    const entry = labels[name];
    if (!isObject(entry) || typeof entry.label !== 'string' || entry.label.trim() === '') errors.push(`${path}: app.parameters.${name}.label is missing`);
  }
  for (const name of Object.keys(labels)) if (!parameters.has(name)) errors.push(`${path}: app.parameters.${name} has no parameter in manifest.json`);
}

/** Every rule the package breaks, as messages naming the key or file to fix; empty when it is valid. */
export function validateZendeskApp(files: PackageFiles): string[] {
  const errors: string[] = [];
  const manifest = parseJson(files, 'manifest.json', errors);
  if (manifest === undefined) return errors;
  if (!isObject(manifest)) return ['manifest.json must be a JSON object'];

  const author = manifest.author;
  if (!isObject(author)) errors.push('author is missing (an object with name and email)');
  else {
    for (const key of ['name', 'email'] as const) if (typeof author[key] !== 'string' || author[key] === '') errors.push(`author.${key} is missing`);
    checkUrl(author.url, 'author.url', errors);
  }
  const locale = manifest.defaultLocale;
  if (typeof locale !== 'string') errors.push('defaultLocale is missing (e.g. "en")');
  else if (!VALID_LOCALE.test(locale)) errors.push(`defaultLocale "${locale}" is not a locale such as en or pt-br`);
  if (manifest.frameworkVersion === undefined) errors.push('frameworkVersion is missing ("2.0")');
  else if (!(FRAMEWORK_VERSIONS as readonly unknown[]).includes(manifest.frameworkVersion)) errors.push(`frameworkVersion must be one of ${FRAMEWORK_VERSIONS.join(', ')}, got ${JSON.stringify(manifest.frameworkVersion)}`);
  for (const key of ['requirementsOnly', 'marketingOnly', 'singleInstall', 'signedUrls', 'private']) {
    if (manifest[key] !== undefined && typeof manifest[key] !== 'boolean') errors.push(`${key} must be true or false`);
  }
  for (const key of ['version', 'remoteInstallationURL', 'termsConditionsURL']) {
    if (manifest[key] !== undefined && typeof manifest[key] !== 'string') errors.push(`${key} must be a string`);
  }
  const parameters = checkParameters(manifest.parameters, errors);
  checkLocation(manifest.location, parameters, files, errors);
  if (typeof locale === 'string' && VALID_LOCALE.test(locale)) checkTranslations(files, locale, parameters, errors);

  for (const [path, size] of Object.entries(LOGOS)) {
    const bytes = files.get(path);
    if (!bytes) {
      errors.push(`${path} is missing (${size.width}x${size.height} PNG)`);
      continue;
    }
    const actual = pngSize(bytes);
    if (!actual) errors.push(`${path} is not a PNG`);
    else if (actual.width !== size.width || actual.height !== size.height) errors.push(`${path} is ${actual.width}x${actual.height}; it must be ${size.width}x${size.height}`);
  }
  return errors;
}
