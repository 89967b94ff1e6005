import { HelpdeskError } from '../../src/helpdesk/helpdesk-error';

/** The HelpdeskError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(p: Promise<unknown>): Promise<HelpdeskError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HelpdeskError);
  return err as HelpdeskError;
}
