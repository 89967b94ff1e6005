import type { Request, Response } from 'express';
import { draftIdSchema } from '../drafting/draft-view';
import { sendError } from './send-error';

/**
 * The draft id of a `/drafts/:id` route, or undefined after answering 400 with what is wrong with it
 * (and, for the operator, where to find the ids).
 */
export function draftIdParam(req: Request, res: Response, hint?: string): string | undefined {
  const raw = String(req.params.id);
  const id = draftIdSchema.safeParse(raw);
  if (id.success) return id.data;
  sendError(res, 400, 'invalid_id', `"${raw.slice(0, 80)}" is not a draft id: ${id.error.issues[0]?.message ?? 'malformed'}${hint ? `; ${hint}` : ''}`);
  return undefined;
}
