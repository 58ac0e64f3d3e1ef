/**
 * MQTT topic names of the VTN's notifications. The spec leaves names to the VTN and gives
 * `{objectType}s/create` as the example; ours follow it, with an optional prefix:
 *
 * | topics of | CREATE | UPDATE | DELETE | ALL |
 * |---|---|---|---|---|
 * | all programs | programs/create | programs/update | programs/delete | programs/+ |
 * | one program | — | programs/{id}/update | programs/{id}/delete | programs/{id}/+ |
 * | all events | events/create | … | | events/+ |
 * | a program's events | programs/{id}/events/create | … | | programs/{id}/events/+ |
 * | reports, subscriptions, vens, resources | reports/create … | | | |
 * | one VEN | — | vens/{venID}/update | vens/{venID}/delete | vens/{venID}/+ |
 * | events, programs, resources a VEN may see | vens/{venID}/events/create … | | | vens/{venID}/events/+ |
 */
import type { Change, Operation } from '../types.ts';

/** The spec's notifierOperationsTopics. */
export interface OperationTopics {
  CREATE?: string;
  UPDATE: string;
  DELETE: string;
  ALL: string;
}

/** Topics of one path (without the prefix); `withCreate` false for a single object. */
export function operationTopics(prefix: string, path: string, withCreate = true): OperationTopics {
  const base = `${prefix}${path}`;
  const t: OperationTopics = { UPDATE: `${base}/update`, DELETE: `${base}/delete`, ALL: `${base}/+` };
  return withCreate ? { CREATE: `${base}/create`, ...t } : t;
}

const OP: Record<Operation, string> = { CREATE: 'create', UPDATE: 'update', DELETE: 'delete' };

/**
 * The topics a change is published on. `venIdsSeeing` lists the VENs that may see a program or
 * event (their per-VEN topics get it too).
 */
export function changeTopics(prefix: string, c: Change, venIdsSeeing: readonly string[]): string[] {
  const op = OP[c.operation];
  const id = c.object.id;
  const out: string[] = [];
  switch (c.objectType) {
    case 'PROGRAM':
      out.push(`programs/${op}`);
      if (c.operation !== 'CREATE') out.push(`programs/${id}/${op}`);
      for (const v of venIdsSeeing) out.push(`vens/${v}/programs/${op}`);
      break;
    case 'EVENT':
      out.push(`events/${op}`);
      if (c.programId) out.push(`programs/${c.programId}/events/${op}`);
      for (const v of venIdsSeeing) out.push(`vens/${v}/events/${op}`);
      break;
    case 'REPORT':
      out.push(`reports/${op}`);
      break;
    case 'SUBSCRIPTION':
      out.push(`subscriptions/${op}`);
      break;
    case 'VEN':
      out.push(`vens/${op}`);
      if (c.operation !== 'CREATE') out.push(`vens/${id}/${op}`);
      break;
    case 'RESOURCE':
      out.push(`resources/${op}`);
      if (c.venId) out.push(`vens/${c.venId}/resources/${op}`);
      break;
  }
  return out.map((t) => prefix + t);
}

/**
 * True when a VEN (its VEN object id) may subscribe to `topic`: only topics under its own
 * `vens/{venID}/`. Business-logic clients may subscribe to anything.
 */
export function venMaySubscribe(prefix: string, topic: string, venId: string | null): boolean {
  return venId !== null && topic.startsWith(`${prefix}vens/${venId}/`);
}
