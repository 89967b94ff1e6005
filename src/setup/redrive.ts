import path from 'node:path';
import { z } from 'zod';
import { EnvFileError, loadEnvFile } from '../config/env-file';
import { CliIo, EXIT, UsageError } from './commands';

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
  try {
    loadEnvFile(path.resolve(io.cwd ?? process.cwd(), args.envFile ?? '.env'), io.env);
  } catch (err) {
    if (err instanceof EnvFileError) throw new UsageError(err.message);
    throw err;
  }
  const token = io.env.ADMIN_TOKEN?.trim();
  if (!token) throw new UsageError('redrive needs ADMIN_TOKEN (the running service\'s admin token) in the environment or the .env file');
  const base = (args.url ?? `http://127.0.0.1:${io.env.PORT?.trim() || '3000'}`).replace(/\/+$/, '');
  const body = { ...(args.tenant ? { tenant: args.tenant } : {}), ...(args.since ? { since: new Date(args.since).toISOString() } : {}) };
  let res: Response;
  try {
    res = await fetch(`${base}/api/redrive`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    io.stderr(`draftpilot redrive: ${base} did not answer (${err instanceof Error ? err.message : String(err)}); is draftpilot running there? (--url)\n`);
    return EXIT.failed;
  }
  const text = await res.text();
  if (!res.ok) {
    io.stderr(`draftpilot redrive: ${base}/api/redrive answered ${res.status}: ${text.slice(0, 300)}\n`);
    return EXIT.failed;
  }
  const answer = answerSchema.parse(JSON.parse(text));
  const later = answer.enqueued < answer.threads ? `; the queue did not answer for ${answer.threads - answer.enqueued} of the threads, which the relay enqueues later` : '';
  io.stdout(`redrive: ${answer.deliveries} failed deliveries on ${answer.threads} threads and ${answer.drafts} failed drafts queued again${args.tenant ? ` (${args.tenant})` : ''}${later}\n`);
  return EXIT.ok;
}
