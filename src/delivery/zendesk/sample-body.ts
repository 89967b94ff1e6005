import { sampleNoteHtml } from '../sample-note';
import { SAMPLE_TAG, SampleRequest } from '../sample-port';
import { assertSafeToSend, mergeTags, PrivateNote, privateNote, TicketSnapshot } from './request-body';

export interface SampleUpdateBody {
  ticket: { comment: PrivateNote; tags: string[]; safe_update?: true; updated_stamp?: string };
}

/** The tags a sample note adds: one a view lists, and one per kind (`draftpilot_sample_solved`). */
export function sampleTags(request: Pick<SampleRequest, 'kind'>): string[] {
  return [SAMPLE_TAG, `${SAMPLE_TAG}_${request.kind}`];
}

/**
 * The one ticket update a sample becomes: an internal note asking for a rating, and the tags, with
 * safe_update like every draft write (request-body.ts says why the whole tag list is sent). Pure.
 * Never public: the note is built by privateNote and the body checked as a review note's is.
 */
export function buildSampleUpdate(request: SampleRequest, snapshot: TicketSnapshot | null): SampleUpdateBody {
  const ticket: SampleUpdateBody['ticket'] = { comment: privateNote(sampleNoteHtml(request)), tags: mergeTags(snapshot?.tags ?? [], sampleTags(request)) };
  if (snapshot) {
    ticket.safe_update = true;
    ticket.updated_stamp = snapshot.updatedAt;
  }
  const body = { ticket };
  assertSafeToSend(body, 'review');
  return body;
}
