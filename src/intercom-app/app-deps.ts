import type { Kysely } from 'kysely';
import type { LifecycleDeps } from '../lifecycle/category-lifecycle';
import type { Logger } from '../logger';
import type { Database } from '../store/schema';
import type { AfterRecord } from '../reviews/record-review';
import type { ReplyGuardOptions } from './reply-guard';
import type { TeammateWrites } from './teammate-writes';
import type { Component } from './canvas-schema';

/** Who clicked, where: the verified request's teammate, workspace (tenant) and conversation. */
export interface CanvasContext {
  /** intercom:<workspace_id> */
  tenant: string;
  conversationId: string;
  teammate: { id: string; name?: string };
  /** listed in INTERCOM_SETTINGS_ADMIN_IDS: sees the admin canvas (categories and settings) */
  isAdmin: boolean;
}

/** A tenant's settings as the admin canvas edits them, through the settings store. */
export interface TenantSettingsPort {
  /** the team escalations of this workspace are assigned to, if any */
  escalationTeam(tenant: string): Promise<string | undefined>;
  /** the settings canvas of a tenant, with the last refused update's errors when `errors` is given */
  canvas(tenant: string, errors?: { path: string; message: string }[], typed?: Record<string, string>): Promise<Component[]>;
  /** applies the canvas's input values; an invalid value keeps the last good settings */
  save(tenant: string, inputs: Record<string, unknown>, teammateId: string): Promise<{ ok: true } | { ok: false; errors: { path: string; message: string }[] }>;
}

export interface IntercomAppDeps {
  db: Kysely<Database>;
  /** the workspace's writes as a teammate; undefined without its token (INTERCOM_ACCESS_TOKEN or an install): nothing can be sent */
  writesFor: (tenant: string) => Promise<TeammateWrites | undefined>;
  /** SHADOW_MODE or SHADOW_TENANTS: the review is recorded, nothing is written to Intercom */
  shadow: (tenant: string) => boolean;
  guard: ReplyGuardOptions;
  settings: TenantSettingsPort;
  /** the category lifecycle: the admin canvas lists, promotes and demotes the tenant's categories */
  lifecycle: LifecycleDeps;
  /** called after each review is stored (the category lifecycle) */
  afterReview?: AfterRecord;
  now: () => Date;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}
