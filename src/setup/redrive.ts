import { z } from 'zod';
import { CliIo, EXIT, UsageError } from './commands';
import { callService, ServiceAnswer, serviceTarget, ServiceUnreachable } from './service-client';

export const REDRIVE_USAGE = `usage: draftpilot redrive [--url http://127.0.0.1:3000] [--tenant zendesk:acme] [--since 2026-12-01T00:00:00Z] [--dotenv <path>]

  Gives failed deliveries and drafts another try after a fix (a renewed token, a bug fixed): they go
  back to waiting, their threads get a job, and the helpdesk writers check for their marker first, so
  nothing already written is written again. Talks to the running service's admin API (POST /api/redrive)
  with ADMIN_TOKEN; --url defaults to http://127.0.0.1:<PORT>.`;

const answerSchema = z.object({ deliveries: z.number(), threads: z.number(), drafts: z.number(), enqueued: z.number() });

interface RedriveArgs {
  url?: string;
  tenant?: string;
  since?: string;
  envFile?: string;
}

function parse(argv: readonly string[]): RedriveArgs {
  const out: RedriveArgs = {};
  const names: Record<string, keyof RedriveArgs> = { '--url': 'url', '--tenant': 'tenant', '--since': 'since', '--dotenv': 'envFile' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] as string).split(/=(.*)/s, 2) as [string, string | undefined];
    const key = names[flag];
    if (!key) throw new UsageError(`unknown option ${flag} for redrive`);
    const value = inline ?? argv[++i];
    if (!value || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    out[key] = value;
  }
  if (out.since && Number.isNaN(Date.parse(out.since))) throw new UsageError(`--since ${out.since}: not a time; use ISO 8601, e.g. 2026-12-01T00:00:00Z`);
  return out;
}

/** `npx draftpilot redrive`: exit 0 when the service took the request, 1 when it refused, 2 on usage errors. */
export async function runRedrive(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parse(argv);
  const target = serviceTarget('redrive', args, io);
  const body = { ...(args.tenant ? { tenant: args.tenant } : {}), ...(args.since ? { since: new Date(args.since).toISOString() } : {}) };
  let res: ServiceAnswer;
  try {
    res = await callService(target, '/api/redrive', { method: 'POST', body });
  } catch (err) {
    if (!(err instanceof ServiceUnreachable)) throw err;
    io.stderr(`draftpilot redrive: ${err.message}\n`);
    return EXIT.failed;
  }
  const text = res.text;
  if (!res.ok) {
    io.stderr(`draftpilot redrive: ${target.base}/api/redrive answered ${res.status}: ${text.slice(0, 300)}\n`);
    return EXIT.failed;
  }
  const answer = answerSchema.parse(JSON.parse(text));
  const later = answer.enqueued < answer.threads ? `; the queue did not answer for ${answer.threads - answer.enqueued} of the threads, which the relay enqueues later` : '';
  io.stdout(`redrive: ${answer.deliveries} failed deliveries on ${answer.threads} threads and ${answer.drafts} failed drafts queued again${args.tenant ? ` (${args.tenant})` : ''}${later}\n`);
  return EXIT.ok;
}
