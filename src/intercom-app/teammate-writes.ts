import type { IntercomClient } from 'intercom-client';
import { z } from 'zod';
import { draftHtml } from '../brief/html';
import type { HelpdeskAccess } from '../helpdesk/access';
import { intercomClient, intercomSdkCall } from '../helpdesk/intercom/intercom-client';

/**
 * The two writes a teammate's click in the inbox app makes, as that teammate (`admin_id` of the
 * request, never draftpilot's own admin): the public reply of Approve & send or Edit, and the
 * assignment of Escalate. Built without I/O so the bodies can be checked; sent through intercom-client
 * with no retries (a reply retried after a 5xx Intercom processed would reach the customer twice).
 * https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/replyconversation
 * https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/manageconversation
 */

export interface TeammateReplyBody {
  message_type: 'comment';
  type: 'admin';
  admin_id: string;
  body: string;
}

export interface TeamAssignmentBody {
  message_type: 'assignment';
  type: 'admin';
  admin_id: string;
  assignee_id: string;
}

/** The customer sees this: only ever built for a teammate's explicit send. */
export function teammateReplyBody(adminId: string, text: string): TeammateReplyBody {
  if (!text.trim()) throw new Error('a reply needs text');
  return { message_type: 'comment', type: 'admin', admin_id: adminId, body: draftHtml(text) };
}

/** No `body`: on an assignment it can reach the customer. */
export function teamAssignmentBody(adminId: string, teamId: string): TeamAssignmentBody {
  return { message_type: 'assignment', type: 'admin', admin_id: adminId, assignee_id: teamId };
}

/** What the canvas handler needs of Intercom. */
export interface TeammateWrites {
  reply(conversationId: string, body: TeammateReplyBody): Promise<void>;
  assign(conversationId: string, body: TeamAssignmentBody): Promise<void>;
}

const anyAnswer = z.unknown();

export class IntercomTeammateWrites implements TeammateWrites {
  private readonly client: IntercomClient;

  constructor(
    access: HelpdeskAccess,
    private readonly timeoutMs = 20_000,
    private readonly clock: () => number = Date.now,
  ) {
    this.client = intercomClient(access, timeoutMs);
  }

  async reply(conversationId: string, body: TeammateReplyBody): Promise<void> {
    await intercomSdkCall(`intercom POST /conversations/${conversationId}/reply`, anyAnswer, this.options(conversationId), () => this.client.conversations.reply({ conversation_id: conversationId, body }));
  }

  async assign(conversationId: string, body: TeamAssignmentBody): Promise<void> {
    await intercomSdkCall(`intercom POST /conversations/${conversationId}/parts`, anyAnswer, this.options(conversationId), () => this.client.conversations.manage({ conversation_id: conversationId, body }));
  }

  private options(conversationId: string) {
    return { clock: this.clock, timeoutMs: this.timeoutMs, subject: `conversation ${conversationId}` };
  }
}
