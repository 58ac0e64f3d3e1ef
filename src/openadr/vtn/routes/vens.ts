/** Operations on /vens. */
import { checkBody } from '../validation.ts';
import type { VenRequest } from '../repo/vens.ts';
import { created, ok, type Handler } from './handler.ts';
import { objectId, optionalName, pageParams, stringList } from './params.ts';

/** Handlers by operationId. */
export const venHandlers: Record<string, Handler> = {
  searchVens: async ({ vtn, principal, query }) => ok(await vtn.vens.list(principal, { venName: optionalName(query, 'venName'), targets: stringList(query, 'targets') }, pageParams(query))),
  createVen: async ({ vtn, principal, body }) => created(await vtn.vens.create(principal, checkBody<VenRequest>('venRequest', body))),
  searchVenByID: async ({ vtn, principal, params }) => ok(await vtn.vens.get(principal, objectId(params.venID, 'venID'))),
  updateVen: async ({ vtn, principal, params, body }) => ok(await vtn.vens.update(principal, objectId(params.venID, 'venID'), checkBody<VenRequest>('venRequest', body))),
  deleteVen: async ({ vtn, principal, params }) => ok(await vtn.vens.delete(principal, objectId(params.venID, 'venID'))),
};
