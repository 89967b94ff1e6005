import type { Response } from 'express';

/** Every error answer has the same shape: a stable code and a message that says what to fix. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: code, message });
}
