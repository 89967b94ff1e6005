import pino, { Logger } from 'pino';

/** Secrets and message bodies never reach the logs. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-zendesk-webhook-signature"]',
  'req.headers["x-hub-signature"]',
  'headers.authorization',
  'headers["x-zendesk-webhook-signature"]',
  'headers["x-hub-signature"]',
  'payload',
  'body',
  'text',
  'messages',
  '*.payload',
  '*.body',
  '*.text',
  '*.messages',
  'secret',
  '*.secret',
  'token',
  '*.token',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, base: { service: 'draftpilot' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime },
    destination,
  );
}

export type { Logger };
