import type { IntercomClient } from 'intercom-client';
import { z } from 'zod';
import type { HelpdeskAccess } from '../../helpdesk/access';
import { HelpdeskError } from '../../helpdesk/helpdesk-error';
import { intercomClient, IntercomCallOptions, IntercomResponsePromise, intercomSdkCall } from '../../helpdesk/intercom/intercom-client';
import type { DeliverContext, DeliveryOutcome } from '../delivery-port';
import { sampleNoteHtml } from '../sample-note';
import { SAMPLE_TAG, SampleRequest, SampleWriter } from '../sample-port';
import { conversationReadSchema, conversationState } from './conversation-state';
import { tagSchema } from './intercom-writer';
import { assertDraftBodiesAreNotes, createTagBody, noteBody, paths, tagConversationBody, Write } from './request-bodies';
import { TagCache } from './tag-cache';

export interface IntercomSampleWriterOptions {
  access?: HelpdeskAccess;
  adminId?: string;
  shadow: boolean;
  tenant?: string;
  timeoutMs?: number;
  clock?: () => number;
}

const SAFE_ID = /^[A-Za-z0-9_-]+$/;

/**
 * A sample's review request in a conversation: a note (never a reply to the customer: checked by
 * assertDraftBodiesAreNotes as a review note is) and the `draftpilot_sample` tag, created once per
 * process when it is not known. A retry reads the conversation first: a note carrying the sample's
 * marker is not written again, and a tag already there is not added again.
 */
export class IntercomSampleWriter implements SampleWriter {
  private readonly client: IntercomClient | undefined;
  private readonly tags = new TagCache();

  constructor(private readonly options: IntercomSampleWriterOptions) {
    this.client = options.access ? intercomClient(options.access, options.timeoutMs ?? 20_000) : undefined;
  }

  async deliverSample(request: SampleRequest, context: DeliverContext = {}): Promise<DeliveryOutcome> {
    const refuse = (message: string) => new HelpdeskError('intercom', 0, 'intercom_bad_request', `intercom: ${message}`, true);
    if (request.provider !== 'intercom' || !SAFE_ID.test(request.threadId) || !SAFE_ID.test(request.sampleId)) throw refuse(`sample ${request.sampleId} is not for an Intercom conversation`);
    if (this.options.tenant && request.tenant !== this.options.tenant) throw refuse(`the configured token belongs to ${this.options.tenant}, not ${request.tenant}`);
    const id = request.threadId;
    const adminId = this.options.adminId ?? '(INTERCOM_ADMIN_ID not set)';
    const note = noteBody(adminId, sampleNoteHtml(request));
    assertDraftBodiesAreNotes('review', [{ method: 'POST', path: paths.reply(id), body: note }]);
    const client = this.client;
    if (this.options.shadow || !client || !this.options.adminId) {
      const writes: Write[] = [
        { method: 'POST', path: paths.reply(id), body: note },
        { method: 'POST', path: paths.tags(id), body: tagConversationBody(`<id of tag ${SAMPLE_TAG}>`, adminId) },
      ];
      return { written: false, shadow: true, apiCalls: 0, writes, detail: `intercom conversation ${id}: shadow mode, nothing written; would add the sample review request (note) and tag ${SAMPLE_TAG}` };
    }
    const options: IntercomCallOptions = { clock: this.options.clock ?? Date.now, timeoutMs: this.options.timeoutMs ?? 20_000, subject: `conversation ${id}` };
    const writes: Write[] = [];
    let calls = 0;
    const call = async <T>(method: 'GET' | 'POST', path: string, body: unknown, schema: z.ZodType<T>, send: () => IntercomResponsePromise) => {
      if (method === 'POST') assertDraftBodiesAreNotes('review', [{ method, path, body }]);
      calls++;
      const answer = await intercomSdkCall(`intercom ${method} ${path.split('?')[0]}`, schema, options, send);
      if (method === 'POST') writes.push({ method, path, body });
      return answer;
    };
    let present = false;
    let tagged = false;
    if (!context.firstAttempt) {
      const read = await call('GET', paths.read(id), undefined, conversationReadSchema, () => client.conversations.find({ conversation_id: id, display_as: 'plaintext' }));
      const state = conversationState(read, { draftId: request.sampleId, adminId });
      present = state.replyPresent;
      tagged = state.tags.has(SAMPLE_TAG);
    }
    if (!present) await call('POST', paths.reply(id), note, z.unknown(), () => client.conversations.reply({ conversation_id: id, body: note }));
    if (!tagged) {
      const tagId = await this.tags.get(SAMPLE_TAG, async (name) => (await call('POST', paths.createTag(), createTagBody(name), tagSchema, () => client.tags.create(createTagBody(name)))).id);
      const body = tagConversationBody(tagId, adminId);
      await call('POST', paths.tags(id), body, z.unknown(), () => client.tags.tagConversation({ conversation_id: id, ...body }));
    }
    const done = [present ? 'note already present, not written again' : 'note written', tagged ? `already tagged ${SAMPLE_TAG}` : `tagged ${SAMPLE_TAG}`];
    return { written: !present, shadow: false, apiCalls: calls, writes, detail: `intercom conversation ${id}: sample review request: ${done.join('; ')} (${calls} API calls)` };
  }
}
