import type { ColumnType, Generated } from 'kysely';

/** received: recorded, waiting for a job; queued: handed to the queue; done; failed (dead letter); recorded: kept, drafts nothing. */
export type DeliveryStatus = 'received' | 'queued' | 'done' | 'failed' | 'recorded';

export interface DeliveriesTable {
  id: Generated<string>;
  tenant: string;
  provider: string;
  delivery_id: string;
  topic: string;
  thread_id: string;
  received_at: ColumnType<Date, Date | string, Date | string>;
  payload: string;
  status: DeliveryStatus;
  attempts: Generated<number>;
  last_error: string | null;
  processed_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

export interface ThreadsTable {
  tenant: string;
  provider: string;
  thread_id: string;
  subject: string;
  status: string;
  tags: ColumnType<string[], string, string>;
  requester: ColumnType<{ id: string | null; name: string | null; email: string | null }, string, string>;
  messages: ColumnType<unknown[], string, string>;
  version: number;
  updated_at: ColumnType<Date, Date | string, Date | string>;
}

export interface Database {
  deliveries: DeliveriesTable;
  threads: ThreadsTable;
}
