/** Operations on /subscriptions. */
import { checkBody } from '../validation.ts';
import type { SubscriptionRequest } from '../repo/subscriptions.ts';
import { created, ok, type Handler } from './handler.ts';
import { objectId, objectTypes, optionalId, optionalName, pageParams } from './params.ts';

/** Handlers by operationId. */
export const subscriptionHandlers: Record<string, Handler> = {
  searchSubscriptions: async ({ vtn, principal, query }) =>
    ok(await vtn.subscriptions.list(principal, { programID: optionalId(query, 'programID'), clientName: optionalName(query, 'clientName'), objects: objectTypes(query, 'objects') }, pageParams(query))),
  createSubscription: async ({ vtn, principal, body }) => created(await vtn.subscriptions.create(principal, checkBody<SubscriptionRequest>('subscriptionRequest', body))),
  searchSubscriptionByID: async ({ vtn, principal, params }) => ok(await vtn.subscriptions.get(principal, objectId(params.subscriptionID, 'subscriptionID'))),
  updateSubscription: async ({ vtn, principal, params, body }) =>
    ok(await vtn.subscriptions.update(principal, objectId(params.subscriptionID, 'subscriptionID'), checkBody<SubscriptionRequest>('subscriptionRequest', body))),
  deleteSubscription: async ({ vtn, principal, params }) => ok(await vtn.subscriptions.delete(principal, objectId(params.subscriptionID, 'subscriptionID'))),
};
