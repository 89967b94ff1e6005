import { escapeHtml as esc } from '../brief/html';
import { ChartSpec, renderChart } from './charts';

/**
 * The dashboard's HTML: one page shell (headings, a skip link, a navigation list, no script) and the
 * building block every page is made of, a chart with the table of its numbers.
 */
export interface NavItem {
  /** the page's path under the dashboard's root */
  path: string;
  label: string;
}

export const NAV: NavItem[] = [
  { path: '', label: 'Overview' },
  { path: '/reports/unanswered', label: 'Unanswered' },
  { path: '/reports/content', label: 'Content' },
  { path: '/reports/low-confidence', label: 'Low confidence' },
  { path: '/reports/handoff', label: 'Handoff' },
  { path: '/reports/readiness', label: 'Readiness' },
];

/** Pages of the operator's dashboard only (not inside Zendesk): the BullMQ queue board. */
const OPERATOR_NAV: NavItem[] = [{ path: '/queues', label: 'Queues' }];

/**
 * Where the pages are served and how one goes from page to page. An operator signed in with the admin
 * token browses /dashboard with links (a cookie or a bearer token authenticates). Inside Zendesk's
 * navigation bar the pages live in Zendesk's frame, where a cookie of draftpilot's own is a
 * third-party cookie browsers drop: every navigation is a form POST carrying the app session, and the
 * pages show the admin's own account only.
 */
export interface Frame {
  /** the pages' root: /dashboard, or /apps/zendesk/dashboard inside Zendesk */
  base: string;
  /** inside Zendesk: the app session each navigation posts */
  session?: string;
  /** the one tenant shown (the Zendesk admin's account): no tenant picker */
  tenant?: string;
}

export const OPERATOR_FRAME: Frame = { base: '/dashboard' };

const sessionField = (frame: Frame) => (frame.session ? `<input type="hidden" name="session" value="${esc(frame.session)}">` : '');

/** A link to a dashboard page: an anchor, or inside Zendesk a one-button form posting the session. */
export function pageLink(frame: Frame, path: string, label: string, current = false): string {
  const aria = current ? ' aria-current="page"' : '';
  if (!frame.session) return `<a href="${esc(frame.base + path)}"${aria}>${esc(label)}</a>`;
  return `<form class="nav" method="post" action="${esc(frame.base + path)}">${sessionField(frame)}<button type="submit" class="link"${aria}>${esc(label)}</button></form>`;
}

/** The filters of a page (week, tenant, weeks): GET for an operator, POST with the session inside Zendesk. */
export function filterForm(frame: Frame, path: string, fields: string): string {
  return `<form class="filters" method="${frame.session ? 'post' : 'get'}" action="${esc(frame.base + path)}">${sessionField(frame)}
${fields}
<button type="submit">Show</button></form>`;
}

/** The tenant picker, or nothing when the frame shows one tenant. */
export function tenantPicker(frame: Frame, tenants: string[], selected: string | null | undefined): string {
  if (frame.tenant) return '';
  const options = ['', ...tenants].map((t) => `<option value="${esc(t)}"${t === (selected ?? '') ? ' selected' : ''}>${t ? esc(t) : 'All tenants'}</option>`).join('');
  return `<label for="tenant">Tenant<select id="tenant" name="tenant">${options}</select></label>`;
}

/**
 * The headers of every dashboard page: no script, styles inline, forms to this origin only, framed
 * by this origin or Zendesk's agent pages (the navigation-bar location), never cached, and no
 * Referer to other sites (ticket and article links).
 */
export function pageHeaders(_req: unknown, res: { setHeader(name: string, value: string): unknown }, next: () => void): void {
  res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'self' https://*.zendesk.com; base-uri 'none'");
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('referrer-policy', 'same-origin');
  next();
}

const STYLE = `
:root { color-scheme: light; font-family: system-ui, sans-serif; color: #1f2328; }
body { margin: 0; background: #f6f8fa; }
a { color: #0969da; }
a:focus, summary:focus, button:focus, input:focus, select:focus { outline: 3px solid #0969da; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; }
header { background: #24292f; color: #fff; padding: 12px 24px; display: flex; gap: 24px; align-items: center; flex-wrap: wrap; }
header a { color: #fff; } header nav ul { list-style: none; display: flex; gap: 16px; margin: 0; padding: 0; }
header nav a[aria-current="page"], header nav button[aria-current="page"] { font-weight: 700; text-decoration: none; border-bottom: 2px solid #fff; }
form.nav { display: inline; margin: 0; } button.link { background: none; border: 0; padding: 0; font: inherit; color: inherit; text-decoration: underline; cursor: pointer; }
main { padding: 16px 24px; max-width: 1100px; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 0; }
figure { margin: 0; overflow-x: auto; } figcaption { color: #57606a; font-size: .9rem; }
table { border-collapse: collapse; margin: 8px 0; font-size: .9rem; } th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; } caption { text-align: left; font-weight: 600; padding: 4px 0; }
.empty { color: #57606a; font-style: italic; }
form.filters { display: flex; gap: 12px; align-items: end; flex-wrap: wrap; }
label { display: flex; flex-direction: column; font-size: .9rem; gap: 2px; }
.error { color: #cf222e; }
`;

export function page(input: { title: string; current: string; body: string; signedIn?: boolean; frame?: Frame }): string {
  const frame = input.frame ?? OPERATOR_FRAME;
  const nav = [...NAV, ...(frame.session ? [] : OPERATOR_NAV)].map((n) => `<li>${pageLink(frame, n.path, n.label, n.path === input.current)}</li>`).join('');
  // inside Zendesk there is nothing to sign out of: the session ends with the app's frame
  const signOut = input.signedIn && !frame.session ? '<form method="post" action="/dashboard/logout"><button type="submit">Sign out</button></form>' : '';
  const scope = frame.tenant ? `<span>${esc(frame.tenant)}</span>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)} · draftpilot</title><style>${STYLE}</style></head>
<body><a class="skip" href="#main">Skip to content</a>
<header><strong>draftpilot</strong>${scope}${input.signedIn ? `<nav aria-label="Dashboard"><ul>${nav}</ul></nav>` : ''}${signOut}</header>
<main id="main" tabindex="-1"><h1>${esc(input.title)}</h1>
${input.body}
</main></body></html>`;
}

export interface Table {
  caption: string;
  head: string[];
  rows: (string | number)[][];
}

/** A chart and the table of its numbers, under a heading; a note instead when there is nothing yet. */
export function chartSection(input: { id: string; heading: string; chart?: ChartSpec; table: Table; note?: string }): string {
  const empty = input.table.rows.length === 0;
  const figure = empty || !input.chart ? '' : `<figure aria-labelledby="${input.id}-caption">${renderChart(input.chart)}<figcaption id="${input.id}-caption">${esc(input.chart.label)}</figcaption></figure>`;
  return `<section aria-labelledby="${input.id}"><h2 id="${input.id}">${esc(input.heading)}</h2>
${input.note ? `<p>${esc(input.note)}</p>` : ''}
${empty ? '<p class="empty">Nothing recorded in this period yet.</p>' : `${figure}${table(input.table)}`}
</section>`;
}

export function table(t: Table): string {
  const head = t.head.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${esc(String(c))}</th>` : `<td>${esc(String(c))}</td>`)).join('')}</tr>`).join('');
  return `<table><caption>${esc(t.caption)}</caption><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

export function loginPage(input: { error?: string; next: string }): string {
  return page({
    title: 'Sign in',
    current: '/login',
    body: `${input.error ? `<p class="error" role="alert">${esc(input.error)}</p>` : ''}
<form method="post" action="/dashboard/login">
<input type="hidden" name="next" value="${esc(input.next)}">
<label for="token">Admin token<input id="token" name="token" type="password" autocomplete="current-password" required autofocus></label>
<p><button type="submit">Sign in</button></p>
</form>
<p>The admin token is the service's <code>ADMIN_TOKEN</code>.</p>`,
  });
}

export const percent = (share: number | null): string => (share === null ? '–' : `${Math.round(share * 100)}%`);
