/**
 * 0002: the OpenADR 3.1 VTN's objects (programs, events, reports, subscriptions, VENs,
 * resources), their targets, the OAuth2 clients (secrets hashed), the token signing keys and the
 * webhook delivery queue. Each object is kept whole as JSON text (`body_json`, exactly what the
 * API returns) beside indexed columns for names, references, owners and times. Lists sort by
 * (created_at_ms, id).
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../database.ts';
import type { Migration } from './types.ts';

async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('oadr_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('bl', 'ven')`))
    .addColumn('name', 'text')
    .addColumn('secret_sha256', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at_ms', 'bigint')
    .execute();

  await db.schema
    .createTable('oadr_signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('oadr_programs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('modified_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oadr_programs_created').on('oadr_programs').columns(['created_at_ms', 'id']).execute();

  await db.schema
    .createTable('oadr_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('oadr_programs.id'))
    .addColumn('event_name', 'text')
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('modified_at_ms', 'bigint', (c) => c.notNull())
    // latest instant the event can still be in force (null: open-ended or no timing)
    .addColumn('end_at_ms', 'bigint')
    .addColumn('body_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oadr_events_created').on('oadr_events').columns(['created_at_ms', 'id']).execute();
  await db.schema.createIndex('oadr_events_program').on('oadr_events').columns(['program_id', 'created_at_ms', 'id']).execute();

  await db.schema
    .createTable('oadr_vens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ven_name', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('modified_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oadr_vens_created').on('oadr_vens').columns(['created_at_ms', 'id']).execute();

  await db.schema
    .createTable('oadr_resources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ven_id', 'text', (c) => c.notNull().references('oadr_vens.id').onDelete('cascade'))
    .addColumn('resource_name', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('modified_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    .addUniqueConstraint('oadr_resources_name', ['ven_id', 'resource_name'])
    .execute();
  await db.schema.createIndex('oadr_resources_created').on('oadr_resources').columns(['created_at_ms', 'id']).execute();
  await db.schema.createIndex('oadr_resources_client').on('oadr_resources').columns(['client_id']).execute();

  await db.schema
    .createTable('oadr_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('oadr_events.id'))
    .addColumn('program_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('client_name', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('modified_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oadr_reports_created').on('oadr_reports').columns(['created_at_ms', 'id']).execute();
  await db.schema.createIndex('oadr_reports_event').on('oadr_reports').columns(['event_id']).execute();
  await db.schema.createIndex('oadr_reports_client').on('oadr_reports').columns(['client_id', 'created_at_ms', 'id']).execute();

  await db.schema
    .createTable('oadr_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('client_role', 'text', (c) => c.notNull().check(sql`client_role in ('bl', 'ven')`))
    .addColumn('client_name', 'text', (c) => c.notNull())
    .addColumn('program_id', 'text')
    // the object types it listens to, space-separated with a space at each end (' EVENT REPORT ')
    .addColumn('object_types', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('modified_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    // delivery health, for the operator: active, or broken after repeated failures
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'broken')`))
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('broken_at_ms', 'bigint')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('oadr_subscriptions_created').on('oadr_subscriptions').columns(['created_at_ms', 'id']).execute();
  await db.schema.createIndex('oadr_subscriptions_client').on('oadr_subscriptions').columns(['client_id']).execute();

  // targets of programs, events, VENs, resources and subscriptions, for filtering in SQL
  await db.schema
    .createTable('oadr_targets')
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('oadr_targets_pk', ['object_type', 'object_id', 'target'])
    .execute();
  await db.schema.createIndex('oadr_targets_by_target').on('oadr_targets').columns(['object_type', 'target', 'object_id']).execute();

  await db.schema
    .createTable('oadr_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('oadr_subscriptions.id').onDelete('cascade'))
    .addColumn('callback_url', 'text', (c) => c.notNull())
    .addColumn('bearer_token', 'text')
    .addColumn('body_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'dead')`))
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oadr_deliveries_due').on('oadr_deliveries').columns(['status', 'next_at_ms']).execute();
  await db.schema.createIndex('oadr_deliveries_subscription').on('oadr_deliveries').columns(['subscription_id']).execute();
}

/** The OpenADR VTN's tables. */
export const openadr: Migration = { version: 2, name: 'openadr', up };
