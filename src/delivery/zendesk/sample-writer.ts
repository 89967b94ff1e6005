import { z } from 'zod';
import { markerFor } from '../../domain/marker';
import { HelpdeskError } from '../../helpdesk/helpdesk-error';
import { CallMeter } from '../../helpdesk/zendesk/meter';
import type { ZendeskAuth } from '../../helpdesk/zendesk/oauth';
import { ZendeskApi } from '../../helpdesk/zendesk/zendesk-api';
import type { DeliverContext, DeliveryOutcome } from '../delivery-port';
import type { SampleRequest, SampleWriter } from '../sample-port';
import { buildSampleUpdate } from './sample-body';
import { assertSafeToSend } from './request-body';
import { commentsSchema, explain, readTicketSnapshot } from './zendesk-writer';

export interface ZendeskSampleWriterOptions {
  access?: ZendeskAuth;
  shadow: boolean;
  /** the tenant the credentials belong to: samples of other tenants are refused */
  tenant?: string;
  botUserId?: string;
  timeoutMs?: number;
}

/**
 * A sample's review request on a ticket: one PUT with an internal note and the sample tags, as the
 * draft writer writes its notes (safe_update, 409 read again twice). A retry (not the first attempt)
 * reads the 20 newest comments first: a note carrying the sample's marker is not written again.
 * Shadow mode reads and writes nothing and reports the would-be PUT.
 */
export class ZendeskSampleWriter implements SampleWriter {
  private readonly api: ZendeskApi | undefined;

  constructor(private readonly options: ZendeskSampleWriterOptions) {
    this.api = options.access ? new ZendeskApi(options.access, options.timeoutMs) : undefined;
  }

  async deliverSample(request: SampleRequest, context: DeliverContext = {}): Promise<DeliveryOutcome> {
    const refuse = (message: string) => new HelpdeskError('zendesk', 0, 'zendesk_bad_request', message, true);
    if (request.provider !== 'zendesk' || !/^\d+$/.test(request.threadId)) throw refuse(`zendesk: sample ${request.sampleId} is not for a Zendesk ticket`);
    if (this.options.tenant && request.tenant !== this.options.tenant) throw refuse(`zendesk: the configured credentials belong to ${this.options.tenant}, not ${request.tenant}`);
    const path = `/api/v2/tickets/${request.threadId}.json`;
    const shown = buildSampleUpdate(request, null);
    if (this.options.shadow || !this.api) {
      return { written: false, shadow: true, apiCalls: 0, writes: [{ method: 'PUT', path, body: shown }], detail: `shadow mode: nothing written; would add the sample review request (internal note) with tags ${shown.ticket.tags.join(' ')}` };
    }
    const api = this.api;
    const meter = new CallMeter();
    try {
      if (!context.firstAttempt) {
        const found = await this.findNote(api, request, meter);
        if (found) return { written: false, shadow: false, apiCalls: meter.total, writes: [], detail: `already written: comment ${found} on ticket ${request.threadId} carries ${markerFor(request.sampleId)} (${meter.describe()})`, posted: { id: found } };
      }
      for (let conflicts = 0; ; conflicts++) {
        const body = buildSampleUpdate(request, await readTicketSnapshot(api, request.threadId, meter, 'the sample'));
        assertSafeToSend(body, 'review'); // again, on exactly what is sent
        try {
          await api.put(path, body, z.unknown(), meter);
          return { written: true, shadow: false, apiCalls: meter.total, writes: [{ method: 'PUT', path, body }], detail: `sample review request (internal note) with tags ${body.ticket.tags.filter((t) => t.startsWith('draftpilot_')).join(' ')} on ticket ${request.threadId}; ${meter.describe()}` };
        } catch (err) {
          if (err instanceof HelpdeskError && err.status === 409 && conflicts < 2) continue;
          throw err;
        }
      }
    } catch (err) {
      throw explain(err, request.threadId, meter);
    }
  }

  private async findNote(api: ZendeskApi, request: SampleRequest, meter: CallMeter): Promise<string | undefined> {
    const { comments } = await api.get(`/api/v2/tickets/${request.threadId}/comments.json?sort=-created_at&page[size]=20`, commentsSchema, meter);
    const marker = markerFor(request.sampleId);
    const ours = (c: { author_id?: string | null }) => !this.options.botUserId || c.author_id === this.options.botUserId;
    return comments.find((c) => ours(c) && [c.body, c.html_body, c.plain_body].some((t) => typeof t === 'string' && t.includes(marker)))?.id;
  }
}
