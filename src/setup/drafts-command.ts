import type { z } from 'zod';
import { briefSchema } from '../brief/brief';
import { renderBriefText } from '../brief/render-brief';
import { zodMessage } from '../domain/zod-message';
import { DraftDetail, draftDetailSchema, draftIdSchema, DraftList, draftListSchema, HelpdeskWrite } from '../drafting/draft-view';
import { CliIo, EXIT, UsageError } from './commands';
import { callService, errorOf, ServiceAnswer, serviceTarget, ServiceUnreachable } from './service-client';
import { serviceArgs } from './service-args';

export const DRAFTS_USAGE = `usage: draftpilot drafts list [--limit N] [--json] [--url http://127.0.0.1:3000] [--dotenv <path>]
       draftpilot drafts show <draft id> [--json] [--url http://127.0.0.1:3000] [--dotenv <path>]

  drafts list      the most recent drafts, newest first, one line each: id, time, ticket or
                   conversation, decision, escalation reasons, delivery status (GET /api/drafts;
                   --limit 1 to 500, default 50)
  drafts show ID   one draft in full: decision, reasons, confidence, category, sources, the draft, the
                   brief, the agents' reviews and brief feedback, the requests written to the
                   helpdesk (in shadow mode: the ones that would have been) and the delivery
                   (GET /api/drafts/ID)
  --json           print the service's JSON answer instead
  Both read the running service's admin API with ADMIN_TOKEN; --url defaults to http://127.0.0.1:<PORT>.`;

export type DraftsCommand =
  | { command: 'list'; limit?: number; json: boolean; url?: string; envFile?: string }
  | { command: 'show'; id: string; json: boolean; url?: string; envFile?: string };

export function parseDraftsArgs(argv: readonly string[]): DraftsCommand {
  const { positional, values, json } = serviceArgs(argv, { '--limit': 'limit', '--url': 'url', '--dotenv': 'envFile' }, 'drafts');
  const [command, ...rest] = positional;
  const common = { json, ...(values.url !== undefined ? { url: values.url } : {}), ...(values.envFile !== undefined ? { envFile: values.envFile } : {}) };
  if (command === 'list') {
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}": drafts list takes options only`);
    if (values.limit !== undefined && !/^\d+$/.test(values.limit)) throw new UsageError(`--limit ${values.limit}: a whole number from 1 to 500`);
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (limit < 1 || limit > 500)) throw new UsageError(`--limit ${values.limit}: a whole number from 1 to 500`);
    return { command: 'list', ...common, ...(limit !== undefined ? { limit } : {}) };
  }
  if (command === 'show') {
    if (values.limit !== undefined) throw new UsageError('unexpected option --limit: it belongs to drafts list');
    const [id, ...extra] = rest;
    if (!id) throw new UsageError('drafts show needs a draft id, e.g. drafts show d_Xk3v9QpLm2Wd (drafts list shows them)');
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}": drafts show takes one draft id`);
    const parsed = draftIdSchema.safeParse(id);
    if (!parsed.success) throw new UsageError(`"${id}" is not a draft id: ${parsed.error.issues[0]?.message ?? 'malformed'}; \`npx draftpilot drafts list\` shows the recent ones`);
    return { command: 'show', id: parsed.data, ...common };
  }
  throw new UsageError(command ? `unknown command "drafts ${command}": drafts list or drafts show <draft id>` : 'drafts what? drafts list or drafts show <draft id>');
}

/** `npx draftpilot drafts list|show`: exit 0 with the answer, 1 when the service is away or refused, 2 on usage errors. */
export async function runDrafts(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(`${DRAFTS_USAGE}\n`);
    return EXIT.ok;
  }
  const args = parseDraftsArgs(argv);
  const name = `drafts ${args.command}`;
  const target = serviceTarget(name, args, io);
  const apiPath = args.command === 'list' ? `/api/drafts${args.limit !== undefined ? `?limit=${args.limit}` : ''}` : `/api/drafts/${encodeURIComponent(args.id)}`;
  let answer: ServiceAnswer;
  try {
    answer = await callService(target, apiPath);
  } catch (err) {
    if (!(err instanceof ServiceUnreachable)) throw err;
    io.stderr(`draftpilot ${name}: ${err.message}\n`);
    return EXIT.failed;
  }
  if (!answer.ok) {
    io.stderr(`draftpilot ${name}: ${refusal(target.base, apiPath, answer, args.command === 'show' ? args.id : undefined)}\n`);
    return EXIT.failed;
  }
  const schema: z.ZodType<DraftList | DraftDetail> = args.command === 'list' ? draftListSchema : draftDetailSchema;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    io.stderr(`draftpilot ${name}: ${target.base}${apiPath} answered ${answer.status} with something that is not JSON: ${answer.text.slice(0, 200)}\n`);
    return EXIT.failed;
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    io.stderr(`draftpilot ${name}: unexpected answer from ${target.base}${apiPath} (${zodMessage(parsed.error)}); is the service the same draftpilot version as this command?\n`);
    return EXIT.failed;
  }
  if (args.json) io.stdout(`${JSON.stringify(body, null, 2)}\n`);
  else io.stdout(args.command === 'list' ? formatDraftList(parsed.data as DraftList) : formatDraftDetail(parsed.data as DraftDetail));
  return EXIT.ok;
}

function refusal(base: string, apiPath: string, answer: ServiceAnswer, id: string | undefined): string {
  const { code, message } = errorOf(answer);
  if (answer.status === 404 && code === 'draft_not_found') return `no draft ${id} at ${base} (${message}); \`npx draftpilot drafts list\` shows the recent ones`;
  if (answer.status === 401) return `${base} refused the admin token (${code ?? 401}: ${message}); use the ADMIN_TOKEN the service runs with`;
  if (answer.status === 404) return `${base}${apiPath} answered 404 (${message}); is this draftpilot's web process (ROLE=web or all), in a version with the drafts API?`;
  return `${base}${apiPath} answered ${answer.status}${code ? ` ${code}` : ''}: ${message}`;
}

/** The ticket or conversation a draft belongs to, as one word. */
function threadOf(d: { tenant: string; thread_id: string }): string {
  return `${d.tenant}#${d.thread_id}`;
}

function seconds(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

/** One line per draft, in columns: id, time, ticket, decision, reasons, status. */
export function formatDraftList(list: DraftList): string {
  if (list.drafts.length === 0) return 'no drafts yet\n';
  const rows = [
    ['ID', 'CREATED', 'TICKET', 'DECISION', 'REASONS', 'STATUS'],
    ...list.drafts.map((d) => [d.id, seconds(d.created_at), threadOf(d), d.decision, d.reasons.join(',') || '-', d.status]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}

const indent = (text: string, by: string) => text.split('\n').map((l) => (l ? `${by}${l}` : l)).join('\n');

function formatWrites(writes: readonly HelpdeskWrite[]): string[] {
  return writes.map((w, i) => `  ${i + 1}. ${w.method} ${w.path}${w.body === null || w.body === undefined ? '' : `\n${indent(JSON.stringify(w.body, null, 2), '     ')}`}`);
}

const agentLabel = (a: { id: string; name: string | null }) => (a.name ? `${a.name} (${a.id})` : a.id);

/** What agents did with the draft, and what they said of its brief. */
function formatReviews(d: DraftDetail): string[] {
  const out = [d.reviews.length ? 'Reviews (oldest first):' : 'Reviews: none yet'];
  for (const r of d.reviews) {
    const what = r.reason ? `${r.action} (${r.reason})` : r.action;
    const distance = r.edit_distance === null ? '' : `, edit distance ${r.edit_distance}`;
    out.push(`  ${seconds(r.created_at)}  ${what} by ${agentLabel(r.agent)} via ${r.source}, ${r.seconds_to_review} s after the draft${distance}`);
    if (r.draft_version) out.push(`    draft version: ${r.draft_version.slice(0, 12)}`);
    if (r.text) out.push(`    text: ${r.text}`);
    if (r.sent_text !== null) out.push('    sent:', indent(r.sent_text, '      '));
  }
  if (d.brief_feedback.length) {
    out.push('', 'Brief feedback:');
    for (const f of d.brief_feedback) {
      out.push(`  ${seconds(f.created_at)}  ${f.useful ? 'useful' : 'not useful'}${f.missing ? ` (missing: ${f.missing})` : ''} by ${agentLabel(f.agent)} via ${f.source}`);
    }
  }
  return out;
}

/** `drafts show`: the whole draft, for a person. */
export function formatDraftDetail(d: DraftDetail): string {
  const out: string[] = [];
  const field = (label: string, value: string) => out.push(`  ${`${label}:`.padEnd(12)} ${value}`);
  const where = d.provider === 'intercom' ? 'conversation' : 'ticket';
  out.push(`Draft ${d.id}`);
  field('helpdesk', `${d.tenant}, ${where} ${d.thread_id}, customer message ${d.message_id}`);
  field('created', `${d.created_at} (model ${d.model})`);
  field('decision', d.decision);
  field('reasons', d.reasons.length ? d.reasons.join(', ') : 'none');
  field('confidence', d.confidence.toFixed(2));
  field('category', `${d.category || 'none'} (intent ${d.intent || 'none'}, sentiment ${d.sentiment.label} ${d.sentiment.score.toFixed(2)})`);
  field('sources', d.sources.length ? d.sources.map((s) => `${s.title} <${s.url}>`).join('\n               ') : 'none');
  if (d.guard.length) field('guard', d.guard.join('; '));
  if (d.publication) field('publication', d.publication.ok ? 'approved by the publication guard' : `held back: ${d.publication.findings.join('; ')}`);
  if (d.superseded_by) field('superseded', `by ${d.superseded_by} (the customer wrote again)`);

  out.push('', d.draft === null ? 'Draft reply: none' : 'Draft reply:');
  if (d.draft !== null) out.push(indent(d.draft, '  '));

  const brief = briefSchema.safeParse(d.brief);
  out.push('', 'Brief:', brief.success ? renderBriefText(brief.data, null, d.decision) : indent(JSON.stringify(d.brief, null, 2), '  '));

  out.push('', ...formatReviews(d));

  out.push('');
  const delivery = d.delivery;
  if (!delivery) {
    out.push('Writes: none yet (the draft waits for its delivery)');
  } else if (delivery.shadow) {
    out.push(`Would-be writes (shadow mode: nothing was sent to ${d.provider}):`, ...(delivery.would_be_writes.length ? formatWrites(delivery.would_be_writes) : ['  none']));
  } else {
    out.push(`Writes sent to ${d.provider}:`, ...(delivery.writes.length ? formatWrites(delivery.writes) : ['  none']));
  }

  out.push('', 'Delivery:');
  field('status', d.status);
  field('recorded', d.delivered_at ?? 'not yet');
  if (delivery) {
    field('written', delivery.written === null ? 'unknown' : delivery.written ? 'yes' : 'no');
    field('api calls', delivery.api_calls === null ? 'unknown' : String(delivery.api_calls));
    if (d.error) field('error', d.error);
    else if (delivery.detail) field('detail', delivery.detail);
  }
  if (d.thread_deliveries.length) {
    out.push('', `Webhook deliveries of the ${where} (newest first):`);
    for (const t of d.thread_deliveries) {
      const processed = t.processed_at ? `, processed ${seconds(t.processed_at)}` : '';
      out.push(`  ${seconds(t.received_at)}  ${t.topic}  ${t.status}  (attempts ${t.attempts}${processed})  ${t.delivery_id}`);
      if (t.last_error) out.push(`    last error: ${t.last_error}`);
    }
  }
  return `${out.join('\n')}\n`;
}
