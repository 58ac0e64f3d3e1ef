/** Operations on /resources. */
import { checkBody } from '../validation.ts';
import type { ResourceRequest } from '../repo/resources.ts';
import { created, ok, type Handler } from './handler.ts';
import { objectId, optionalId, optionalName, pageParams, stringList } from './params.ts';

/** Handlers by operationId. */
export const resourceHandlers: Record<string, Handler> = {
  searchVenResources: async ({ vtn, principal, query }) =>
    ok(await vtn.resources.list(principal, { resourceName: optionalName(query, 'resourceName'), venID: optionalId(query, 'venID'), targets: stringList(query, 'targets') }, pageParams(query))),
  createResource: async ({ vtn, principal, body }) => created(await vtn.resources.create(principal, checkBody<ResourceRequest>('resourceRequest', body))),
  searchVenResourceByID: async ({ vtn, principal, params }) => ok(await vtn.resources.get(principal, objectId(params.resourceID, 'resourceID'))),
  updateVenResource: async ({ vtn, principal, params, body }) => ok(await vtn.resources.update(principal, objectId(params.resourceID, 'resourceID'), checkBody<ResourceRequest>('resourceRequest', body))),
  deleteVenResource: async ({ vtn, principal, params }) => ok(await vtn.resources.delete(principal, objectId(params.resourceID, 'resourceID'))),
};
