/**
 * Operations on /notifiers: which bindings the VTN offers (WEBHOOK always; MQTT when a broker is
 * configured) and the MQTT topic names (404 without MQTT). A VEN asking for the topics of a VEN
 * gets them only for its own VEN (404 otherwise).
 */
import { VtnError, notFound } from '../problem.ts';
import { operationTopics } from '../notify/topics.ts';
import type { Vtn } from '../vtn.ts';
import { ok, type Handler } from './handler.ts';
import { objectId } from './params.ts';

function prefix(vtn: Vtn): string {
  if (!vtn.mqtt) throw new VtnError(404, 'this VTN has no MQTT notifier; subscribe with a webhook instead');
  return vtn.mqtt.prefix;
}

const topics = (vtn: Vtn, path: string, withCreate = true) => ok({ topics: operationTopics(prefix(vtn), path, withCreate) });

/** Handlers by operationId. */
export const notifierHandlers: Record<string, Handler> = {
  listAllNotifiers: async ({ vtn }) => ok(vtn.mqtt ? { WEBHOOK: true, MQTT: { URIS: vtn.mqtt.uris, serialization: 'JSON', authentication: vtn.mqtt.authentication } } : { WEBHOOK: true }),
  listAllMqttNotifierTopicsPrograms: async ({ vtn }) => topics(vtn, 'programs'),
  listAllMqttNotifierTopicsProgram: async ({ vtn, principal, params }) => {
    const id = objectId(params.programID, 'programID');
    prefix(vtn);
    await vtn.programs.get(principal, id);
    return topics(vtn, `programs/${id}`, false);
  },
  listAllMqttNotifierTopicsEvents: async ({ vtn }) => topics(vtn, 'events'),
  listAllMqttNotifierTopicsProgramEvents: async ({ vtn, principal, params }) => {
    const id = objectId(params.programID, 'programID');
    prefix(vtn);
    await vtn.programs.get(principal, id);
    return topics(vtn, `programs/${id}/events`);
  },
  listAllMqttNotifierTopicsReports: async ({ vtn }) => topics(vtn, 'reports'),
  listAllMqttNotifierTopicsSubscriptions: async ({ vtn }) => topics(vtn, 'subscriptions'),
  listAllMqttNotifierTopicsVens: async ({ vtn }) => topics(vtn, 'vens'),
  listAllMqttNotifierTopicsResources: async ({ vtn }) => topics(vtn, 'resources'),
  listAllMqttNotifierTopicsVen: async (c) => topics(c.vtn, `vens/${await ownVen(c)}`, false),
  listAllMqttNotifierTopicsVenEvents: async (c) => topics(c.vtn, `vens/${await ownVen(c)}/events`),
  listAllMqttNotifierTopicsVenPrograms: async (c) => topics(c.vtn, `vens/${await ownVen(c)}/programs`),
  listAllMqttNotifierTopicsVenResources: async (c) => topics(c.vtn, `vens/${await ownVen(c)}/resources`),
};

async function ownVen({ vtn, principal, params }: Parameters<Handler>[0]): Promise<string> {
  const id = objectId(params.venID, 'venID');
  prefix(vtn);
  try {
    await vtn.vens.get(principal, id);
  } catch {
    throw notFound('ven', id);
  }
  return id;
}
