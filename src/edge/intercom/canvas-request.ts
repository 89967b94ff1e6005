import { z } from 'zod';
import { intercomId } from './schema';

/**
 * What Intercom posts to an inbox app (Canvas Kit, conversation details): who is looking (the
 * teammate), where (the workspace and the conversation), and on submit, which component was clicked
 * and what the canvas's inputs held. Only the fields draftpilot reads are required; the rest
 * (contact, card_creation_options, current_canvas...) is passed through untouched.
 * https://developers.intercom.com/docs/canvas-kit#initialize-request-inbox (and #submit-request)
 */
const teammate = z.looseObject({ id: intercomId, name: z.string().nullish(), email: z.string().nullish() });

export const canvasInitializeSchema = z.looseObject({
  workspace_id: z.string().min(1).regex(/^\S+$/, 'a workspace id has no spaces'),
  workspace_region: z.string().nullish(),
  admin: teammate,
  conversation: z.looseObject({ id: intercomId }, { error: 'the app runs in a conversation’s details: no conversation was sent' }),
  context: z.looseObject({ location: z.string().nullish() }).nullish(),
});

/** Values of the canvas's inputs: text for inputs and text areas, an option id for dropdowns and selects. */
const inputValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);

export const canvasSubmitSchema = canvasInitializeSchema.extend({
  component_id: z.string().min(1).max(200),
  input_values: z.record(z.string(), inputValue).nullish().transform((v) => v ?? {}),
});

export type CanvasInitialize = z.infer<typeof canvasInitializeSchema>;
export type CanvasSubmit = z.infer<typeof canvasSubmitSchema>;
