import { zodMessage } from '../domain/zod-message';
import { reportQuerySchema } from '../reports/report-query';
import { formatReport } from '../reports/report-text';
import { isReportName, REPORT_NAMES, reportSchemas } from '../reports/report-view';
import { CliIo, EXIT, UsageError } from './commands';
import { callService, errorOf, serviceTarget, ServiceUnreachable } from './service-client';
import { serviceArgs } from './service-args';

export const REPORT_USAGE = `usage: draftpilot report ${REPORT_NAMES.join('|')} [--week YYYY-Www] [--tenant T] [--json]
                       [--url http://127.0.0.1:3000] [--dotenv <path>]

  report NAME      one weekly report, as text (GET /api/reports/NAME; docs/reports.md):
                   unanswered (escalations without an answer, clustered), content (articles behind
                   rejected and edited drafts, never cited, suggested new ones), low-confidence (a
                   sample of low-confidence drafts and the week's calibration), handoff (brief
                   usefulness, asking again, time to the first human reply), readiness (per
                   category the evidence, promote, hold, demote or stay sensitive, the suggested
                   threshold, the week's repeated rejection reasons)
  --week W         an ISO week such as 2026-W48 (default: the current week, UTC)
  --tenant T       one tenant, e.g. zendesk:acme or intercom:<workspace id> (default: all)
  --json           print the service's JSON answer instead
  Reads the running service's admin API with ADMIN_TOKEN; --url defaults to http://127.0.0.1:<PORT>.`;

export interface ReportCommand {
  name: string;
  week?: string;
  tenant?: string;
  json: boolean;
  url?: string;
  envFile?: string;
}

export function parseReportArgs(argv: readonly string[]): ReportCommand {
  const { positional, values, json } = serviceArgs(argv, { '--week': 'week', '--tenant': 'tenant', '--url': 'url', '--dotenv': 'envFile' }, 'report');
  const [name, ...rest] = positional;
  if (!name) throw new UsageError(`report what? one of ${REPORT_NAMES.join(', ')}`);
  if (!isReportName(name)) throw new UsageError(`unknown report "${name}": one of ${REPORT_NAMES.join(', ')}`);
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}": report takes one name`);
  const query = reportQuerySchema.safeParse({ week: values.week, tenant: values.tenant });
  if (!query.success) throw new UsageError(zodMessage(query.error).replace(/^week:/, '--week:').replace(/^tenant:/, '--tenant:'));
  return {
    name,
    json,
    ...(values.week !== undefined ? { week: values.week } : {}),
    ...(values.tenant !== undefined ? { tenant: values.tenant } : {}),
    ...(values.url !== undefined ? { url: values.url } : {}),
    ...(values.envFile !== undefined ? { envFile: values.envFile } : {}),
  };
}

/** `npx draftpilot report NAME`: exit 0 with the report, 1 when the service is away or refused, 2 on usage errors. */
export async function runReport(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(`${REPORT_USAGE}\n`);
    return EXIT.ok;
  }
  const args = parseReportArgs(argv);
  const target = serviceTarget('report', args, io);
  const search = new URLSearchParams({ ...(args.week ? { week: args.week } : {}), ...(args.tenant ? { tenant: args.tenant } : {}) }).toString();
  const apiPath = `/api/reports/${args.name}${search ? `?${search}` : ''}`;
  let answer;
  try {
    answer = await callService(target, apiPath);
  } catch (err) {
    if (!(err instanceof ServiceUnreachable)) throw err;
    io.stderr(`draftpilot report: ${err.message}\n`);
    return EXIT.failed;
  }
  if (!answer.ok) {
    const { code, message } = errorOf(answer);
    const hint = answer.status === 401 ? '; use the ADMIN_TOKEN the service runs with' : answer.status === 404 && code !== 'report_not_found' ? '; is this draftpilot\'s web process, in a version with the reports API?' : '';
    io.stderr(`draftpilot report: ${target.base}${apiPath} answered ${answer.status}${code ? ` ${code}` : ''}: ${message}${hint}\n`);
    return EXIT.failed;
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    io.stderr(`draftpilot report: ${target.base}${apiPath} answered ${answer.status} with something that is not JSON: ${answer.text.slice(0, 200)}\n`);
    return EXIT.failed;
  }
  if (args.json) {
    io.stdout(`${JSON.stringify(body, null, 2)}\n`);
    return EXIT.ok;
  }
  const schema = reportSchemas[args.name as keyof typeof reportSchemas];
  const parsed = schema?.safeParse(body);
  if (!parsed?.success) {
    io.stderr(`draftpilot report: unexpected answer from ${target.base}${apiPath}${parsed ? ` (${zodMessage(parsed.error)})` : ''}; is the service the same draftpilot version as this command?\n`);
    return EXIT.failed;
  }
  io.stdout(formatReport(parsed.data));
  return EXIT.ok;
}
