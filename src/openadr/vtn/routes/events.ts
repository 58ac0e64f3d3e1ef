/** Operations on /events. */
import { checkBody } from '../validation.ts';
import type { EventRequest } from '../repo/events.ts';
import { created, ok, type Handler } from './handler.ts';
import { bool, objectId, optionalId, pageParams, stringList } from './params.ts';

/** Handlers by operationId. */
export const eventHandlers: Record<string, Handler> = {
  searchAllEvents: async ({ vtn, principal, query }) =>
    ok(await vtn.events.list(principal, { programID: optionalId(query, 'programID'), targets: stringList(query, 'targets'), active: bool(query, 'active') }, pageParams(query))),
  createEvent: async ({ vtn, body }) => created(await vtn.events.create(checkBody<EventRequest>('eventRequest', body))),
  searchEventsByID: async ({ vtn, principal, params }) => ok(await vtn.events.get(principal, objectId(params.eventID, 'eventID'))),
  updateEvent: async ({ vtn, params, body }) => ok(await vtn.events.update(objectId(params.eventID, 'eventID'), checkBody<EventRequest>('eventRequest', body))),
  deleteEvent: async ({ vtn, params }) => ok(await vtn.events.delete(objectId(params.eventID, 'eventID'))),
};
