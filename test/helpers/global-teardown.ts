import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  (globalThis as { __redis?: { kill: () => void } }).__redis?.kill();
  if (process.env.DRAFTPILOT_TEST_TEMPLATE) rmSync(process.env.DRAFTPILOT_TEST_TEMPLATE, { recursive: true, force: true });
}
