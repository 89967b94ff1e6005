import { escapeHtml as esc } from '../brief/html';
import { ChartSpec, renderChart } from './charts';

/**
 * The dashboard's HTML: one page shell (headings, a skip link, a navigation list, no script) and the
 * building block every page is made of, a chart with the table of its numbers.
 */
export interface NavItem {
  href: string;
  label: string;
}

export const NAV: NavItem[] = [
  { href: '/dashboard', label: 'Overview' },
  { href: '/dashboard/reports/unanswered', label: 'Unanswered' },
  { href: '/dashboard/reports/content', label: 'Content' },
  { href: '/dashboard/reports/low-confidence', label: 'Low confidence' },
  { href: '/dashboard/reports/handoff', label: 'Handoff' },
];

const STYLE = `
:root { color-scheme: light; font-family: system-ui, sans-serif; color: #1f2328; }
body { margin: 0; background: #f6f8fa; }
a { color: #0969da; }
a:focus, summary:focus, button:focus, input:focus, select:focus { outline: 3px solid #0969da; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; }
header { background: #24292f; color: #fff; padding: 12px 24px; display: flex; gap: 24px; align-items: center; flex-wrap: wrap; }
header a { color: #fff; } header nav ul { list-style: none; display: flex; gap: 16px; margin: 0; padding: 0; }
header nav a[aria-current="page"] { font-weight: 700; text-decoration: none; border-bottom: 2px solid #fff; }
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

export function page(input: { title: string; current: string; body: string; signedIn?: boolean }): string {
  const nav = NAV.map((n) => `<li><a href="${n.href}"${n.href === input.current ? ' aria-current="page"' : ''}>${esc(n.label)}</a></li>`).join('');
  const signOut = input.signedIn ? '<form method="post" action="/dashboard/logout"><button type="submit">Sign out</button></form>' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)} · draftpilot</title><style>${STYLE}</style></head>
<body><a class="skip" href="#main">Skip to content</a>
<header><strong>draftpilot</strong>${input.signedIn ? `<nav aria-label="Dashboard"><ul>${nav}</ul></nav>` : ''}${signOut}</header>
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
    current: '/dashboard/login',
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
