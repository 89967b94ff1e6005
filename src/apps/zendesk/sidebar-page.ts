/**
 * The sidebar's HTML: a shell that loads the ZAF SDK, the page's script and style, and the boot data
 * (the session for its API calls, the settings it needs, a settings error for admins). Pure. The boot
 * data is JSON inside a script element: `<` is written as \u003c so no value can close the element.
 * Draft and brief text never pass through here; the script writes them with textContent.
 */
export const ZAF_SDK_URL = 'https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js';
export const SIDEBAR_ASSETS = '/apps/zendesk/static';

export interface SidebarBoot {
  /** the session the page sends as `Authorization: Bearer` */
  session: string;
  tenant: string;
  /** the Zendesk user the signed load named (the session's agent); reviews are recorded as theirs */
  agentId: string | null;
  /** Zendesk says this user is an admin: the page shows admin views (category lifecycle, settings errors) */
  admin: boolean;
  /** where ticket groups go on Escalate (the installation's escalation_group_id, or the server's) */
  escalationGroupId: string | null;
  /** the last refused settings update, shown to admins; null when the settings are valid */
  settingsErrors: { path: string; message: string }[] | null;
  /** where the settings in use came from, e.g. "zendesk_app" or "defaults" */
  settingsNote: string | null;
  rejectReasons: readonly string[];
  briefFields: readonly string[];
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

export function sidebarPage(boot: SidebarBoot): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>draftpilot</title>
<link rel="stylesheet" href="${SIDEBAR_ASSETS}/sidebar.css">
</head>
<body>
<main id="app" aria-live="polite"><p class="muted">Loading the draft…</p></main>
<script id="dp-boot" type="application/json">${scriptJson(boot)}</script>
<script src="${ZAF_SDK_URL}"></script>
<script src="${SIDEBAR_ASSETS}/sidebar.js"></script>
</body>
</html>
`;
}

/** What a refused load shows in the sidebar (401): why, and what to do. */
export function refusedPage(message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>draftpilot</title><link rel="stylesheet" href="${SIDEBAR_ASSETS}/sidebar.css"></head>
<body><main><p class="error" role="alert">draftpilot could not verify this app load: ${escapeHtml(message)}</p></main></body></html>
`;
}
