import { z } from 'zod';

/**
 * The Canvas Kit components draftpilot's inbox app answers with, as Intercom documents them
 * (https://developers.intercom.com/docs/references/canvas-kit/responseobjects/canvas,
 * .../interactivecomponents/{button,text-area,input,dropdown,single-select},
 * .../presentationcomponents/{text,divider,spacer}). intercom-client no longer ships these types, so
 * every answer is checked against this schema before it leaves: a canvas Intercom would refuse is a
 * bug here, not a blank app in a teammate's inbox. Only the components and fields draftpilot uses.
 */

const id = z.string().min(1).max(100);
const submitAction = z.object({ type: z.literal('submit') }).strict();

export const textComponent = z
  .object({
    type: z.literal('text'),
    id: id.optional(),
    /** Markdown links and bold only */
    text: z.string().min(1),
    align: z.enum(['left', 'center', 'right']).optional(),
    style: z.enum(['header', 'paragraph', 'muted', 'error']).optional(),
    bottom_margin: z.literal('none').optional(),
  })
  .strict();

export const buttonComponent = z
  .object({
    type: z.literal('button'),
    id,
    label: z.string().min(1),
    action: submitAction,
    style: z.enum(['primary', 'secondary', 'link']).optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

export const textareaComponent = z
  .object({
    type: z.literal('textarea'),
    id,
    label: z.string().optional(),
    placeholder: z.string().optional(),
    value: z.string().optional(),
    error: z.boolean().optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

export const inputComponent = z
  .object({
    type: z.literal('input'),
    id,
    label: z.string().optional(),
    placeholder: z.string().optional(),
    value: z.string().optional(),
    save_state: z.enum(['unsaved', 'saved', 'failed']).optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

const option = z.object({ type: z.literal('option'), id, text: z.string().min(1), disabled: z.boolean().optional() }).strict();

/** A dropdown holds 2 to 10 options; its value is the id of one of them. */
export const dropdownComponent = z
  .object({
    type: z.literal('dropdown'),
    id,
    options: z.array(option).min(2).max(10),
    label: z.string().optional(),
    value: z.string().optional(),
    save_state: z.enum(['unsaved', 'saved', 'failed']).optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

export const singleSelectComponent = z
  .object({
    type: z.literal('single-select'),
    id,
    options: z.array(option).min(1).max(10),
    label: z.string().optional(),
    value: z.string().optional(),
    save_state: z.enum(['unsaved', 'saved', 'failed']).optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

export const dividerComponent = z.object({ type: z.literal('divider'), id: id.optional(), bottom_margin: z.literal('none').optional() }).strict();

export const spacerComponent = z.object({ type: z.literal('spacer'), id: id.optional(), size: z.enum(['xs', 's', 'm', 'l', 'xl']).optional() }).strict();

const optionValue = (c: { options: { id: string }[]; value?: string | undefined }) => c.value === undefined || c.options.some((o) => o.id === c.value);

export const componentSchema = z.discriminatedUnion('type', [
  textComponent,
  buttonComponent,
  textareaComponent,
  inputComponent,
  dropdownComponent.refine(optionValue, 'a dropdown value must be the id of one of its options'),
  singleSelectComponent.refine(optionValue, 'a single-select value must be the id of one of its options'),
  dividerComponent,
  spacerComponent,
]);

export type Component = z.infer<typeof componentSchema>;

/** Interactive component ids are the keys of input_values: they must be unique within a canvas. */
const contentSchema = z
  .object({ components: z.array(componentSchema).min(1) })
  .strict()
  .refine((c) => {
    const ids = c.components.flatMap((x) => ('id' in x && x.id ? [x.id] : []));
    return new Set(ids).size === ids.length;
  }, 'component ids must be unique within a canvas');

export const canvasResponseSchema = z.object({ canvas: z.object({ content: contentSchema }).strict() }).strict();

export type CanvasResponse = z.infer<typeof canvasResponseSchema>;

/** Intercom's limit on a canvas's content (64 KB). */
export const MAX_CONTENT_BYTES = 64 * 1024;

export class CanvasInvalid extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanvasInvalid';
  }
}

/** The answer for a list of components, checked against the schema and the size limit. */
export function canvasOf(components: Component[]): CanvasResponse {
  const answer = { canvas: { content: { components } } };
  const parsed = canvasResponseSchema.safeParse(answer);
  if (!parsed.success) throw new CanvasInvalid(`canvas refused by its schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const bytes = Buffer.byteLength(JSON.stringify(answer.canvas.content));
  if (bytes > MAX_CONTENT_BYTES) throw new CanvasInvalid(`canvas content is ${bytes} bytes, over Intercom's ${MAX_CONTENT_BYTES}-byte limit`);
  return parsed.data;
}
