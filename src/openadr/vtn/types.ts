/** Plain types shared by the VTN's repository, routes and notifiers. */

/** Object types addressable through the API (the spec's objectTypes). */
export const OBJECT_TYPES = ['PROGRAM', 'EVENT', 'REPORT', 'SUBSCRIPTION', 'VEN', 'RESOURCE'] as const;
/** An object type. */
export type ObjectType = (typeof OBJECT_TYPES)[number];

/** Operations a subscription can listen to (READ is accepted but never notified). */
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

/** An OpenADR object as the API returns it (metadata plus the request's fields). */
export interface OadrObject {
  id: string;
  createdDateTime: string;
  modificationDateTime: string;
  objectType: ObjectType;
  [field: string]: unknown;
}

/** A change to one object, what notifications are made of. */
export interface Change {
  objectType: ObjectType;
  operation: Operation;
  /** The object after the change (for DELETE: as it was). */
  object: OadrObject;
  /** Program it belongs to: its own id (PROGRAM), programID (EVENT), its event's (REPORT). */
  programId: string | null;
  /** Targets that decide who may see it: the object's, or for an untargeted event its program's. */
  targets: string[];
  /** Client owning it (REPORT, SUBSCRIPTION, VEN, RESOURCE), else null. */
  ownerClientId: string | null;
  /** VEN the object belongs to (VEN: itself; RESOURCE: its venID), else null. */
  venId: string | null;
}

/** Page of a list: `skip` objects skipped, at most `limit` returned. */
export interface Page {
  skip: number;
  limit: number;
}
