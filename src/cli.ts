#!/usr/bin/env node
import { CliIo, EXIT, runIntercomSetup, runZendeskSetup, SetupCommand, UsageError } from './setup/commands';
import { DRAFTS_USAGE, runDrafts } from './setup/drafts-command';
import { REDRIVE_USAGE, runRedrive } from './setup/redrive';
import { REPORT_USAGE, runReport } from './setup/report-command';

/**
 * `npx draftpilot setup zendesk|intercom [--dry-run] [--triggers] [--url https://host] [--dotenv path] [--no-store]`
 * (package.json "bin"; from a checkout: `npm run setup -- zendesk --dry-run --url https://host`), and
 * `redrive`, `drafts list`, `drafts show ID` and `report NAME`, which talk to the running service's admin API.
 * Exit codes: 0 done, 1 a helpdesk call failed or a check found a problem, 2 wrong arguments or
 * configuration missing (the message names what to set; nothing was sent).
 */

export const USAGE = `usage: draftpilot setup zendesk|intercom [--dry-run] [--triggers] [--url https://<draftpilot's public host>]
                                         [--dotenv <path>] [--no-store]

  setup zendesk    create or update the "draftpilot" webhook (events: ticket created, comment added),
                   store its signing secret in ZENDESK_WEBHOOK_SECRETS of the .env file, check the
                   escalation group.
                   Needs --url, ZENDESK_SUBDOMAIN (or ZENDESK_BASE_URL) and ZENDESK_ACCESS_TOKEN
                   (or ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET)
  setup intercom   check INTERCOM_ACCESS_TOKEN, create the tags draftpilot uses, check the escalation
                   team, print the webhook URL and topics to enter in the Developer Hub

  --dry-run        print the plan; GET requests only, nothing is changed
  --triggers       setup zendesk only, optional: also the trigger-connected webhook "draftpilot-triggers"
                   and the triggers that call it (ticket created; public comment by the requester)
  --url URL        draftpilot's public base URL; webhooks go to <URL>/webhooks/<helpdesk>
  --dotenv PATH    the .env file read at start (variables already set win) and, for setup zendesk, the
                   file the ZENDESK_WEBHOOK_SECRETS line is written to (replaced in place or appended;
                   a new file gets mode 0600). Default: .env in the working directory
  --no-store       setup zendesk only: print the ZENDESK_WEBHOOK_SECRETS line instead of writing it

${REDRIVE_USAGE}

${DRAFTS_USAGE}

${REPORT_USAGE}`;

export type ParsedArgs = { help: true } | ({ help: false } & SetupCommand);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  let dryRun = false;
  let triggers = false;
  let noStore = false;
  let url: string | undefined;
  let envFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--triggers') triggers = true;
    else if (arg === '--no-store') noStore = true;
    else if (arg === '--url') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError('--url needs a value, e.g. --url https://draftpilot.example.com');
      url = value;
    } else if (arg.startsWith('--url=')) url = arg.slice('--url='.length);
    else if (arg === '--dotenv' || arg.startsWith('--dotenv=')) {
      const value = arg === '--dotenv' ? argv[++i] : arg.slice('--dotenv='.length);
      if (!value || value.startsWith('--')) throw new UsageError('--dotenv needs a value, e.g. --dotenv /srv/draftpilot/.env');
      envFile = value;
    } else if (arg.startsWith('--env-file')) {
      // Node.js takes --env-file for itself even after the script name (nodejs/node#54232): with a file
      // that does not exist it exits before this code runs. Hence --dotenv.
      throw new UsageError(`unknown option ${arg}: Node.js reads --env-file itself (and exits when the file is missing); use --dotenv <path>`);
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length === 0) {
    if (argv.length === 0) return { help: true };
    throw new UsageError('missing command: setup zendesk, setup intercom, redrive, drafts list, drafts show or report');
  }
  const [command, provider, ...rest] = positional;
  if (command !== 'setup') throw new UsageError(`unknown command "${command}"`);
  if (provider !== 'zendesk' && provider !== 'intercom') throw new UsageError(provider ? `unknown helpdesk "${provider}": zendesk or intercom` : 'setup what? zendesk or intercom');
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (triggers && provider !== 'zendesk') throw new UsageError('unexpected option --triggers: it belongs to setup zendesk');
  if (noStore && provider !== 'zendesk') throw new UsageError('unexpected option --no-store: it belongs to setup zendesk');
  return {
    help: false,
    provider,
    dryRun,
    ...(url !== undefined ? { url } : {}),
    ...(triggers ? { triggers } : {}),
    ...(envFile !== undefined ? { envFile } : {}),
    ...(noStore ? { store: false } : {}),
  };
}

/** The whole CLI as a function of its arguments and environment: what tests call. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    if (argv[0] === 'redrive') return await runRedrive(argv.slice(1), io);
    if (argv[0] === 'drafts') return await runDrafts(argv.slice(1), io);
    if (argv[0] === 'report') return await runReport(argv.slice(1), io);
    const args = parseArgs(argv);
    if (args.help) {
      // No arguments at all is a usage error (stderr, exit 2); --help is an answer (stdout, exit 0).
      if (argv.length === 0) {
        io.stderr(`${USAGE}\n`);
        return EXIT.usage;
      }
      io.stdout(`${USAGE}\n`);
      return EXIT.ok;
    }
    return args.provider === 'zendesk' ? await runZendeskSetup(args, io) : await runIntercomSetup(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`draftpilot: ${err.message}\n`);
      if (/^(unknown|setup what|drafts what|report what|unexpected|missing command|--(url|dotenv|tenant|since|limit|week) needs)/.test(err.message)) io.stderr(`\n${argv[0] === 'drafts' ? DRAFTS_USAGE : argv[0] === 'report' ? REPORT_USAGE : USAGE}\n`);
      return EXIT.usage;
    }
    io.stderr(`draftpilot: ${argv[0] === 'drafts' || argv[0] === 'redrive' || argv[0] === 'report' ? argv[0] : 'setup'} failed unexpectedly: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  // The .env file (--dotenv, default ./.env) is read by the setup commands (src/config/env-file.ts).
  runCli(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then(
    (code) => exitAfterFlush(code),
    (err: unknown) => {
      process.stderr.write(`draftpilot: ${err instanceof Error ? err.message : String(err)}\n`);
      exitAfterFlush(EXIT.failed);
    },
  );
}

/** Exit once stdout is written out: idle keep-alive sockets to the helpdesk must not hold the process open. */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
