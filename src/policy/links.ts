/** Links in a draft, and whether each may be there: a cited source's own page or an allowed domain. */
export const URL_PATTERN = /\bhttps?:\/\/[^\s<>"')\]]+/gi;

export function normalizeUrl(url: string): string {
  return url.replace(/[#?].*$/, '').replace(/\/+$/, '').toLowerCase();
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * The links of `text` that are neither a cited source's page (compared without query, fragment,
 * trailing slash and case) nor on an allowed domain or its subdomains; sentence punctuation trimmed.
 */
export function foreignLinks(text: string, citedUrls: readonly string[], allowedDomains: readonly string[]): string[] {
  const cited = new Set(citedUrls.map(normalizeUrl));
  const out: string[] = [];
  for (const raw of text.match(URL_PATTERN) ?? []) {
    const url = raw.replace(/[.,;:!?]+$/, '');
    if (cited.has(normalizeUrl(url))) continue;
    const host = hostOf(url);
    if (host && allowedDomains.some((d) => host === d || host.endsWith(`.${d}`))) continue;
    out.push(url);
  }
  return out;
}
