/**
 * The OpenADR 3.1.0 VTN: a Fastify plugin (`openadrVtn`), a standalone server (`startVtn`), and
 * the VTN object they serve (`createVtn`), persisted in the wattshift store. See docs/openadr.md.
 */
export { openadrVtn, type OpenAdrVtnPluginOptions } from './plugin.ts';
export { startVtn, VTN_PREFIX, type RunningVtn, type StartVtnOptions } from './server.ts';
export { createVtn, type DeliveryOptions, type NotifierOptions, type Vtn, type VtnOptions } from './vtn.ts';
export { OAuthClients, type CreatedClient, type OAuthClient } from './auth/clients.ts';
export { ROLE_SCOPES, SCOPES, scopesAllow, type ClientRole, type Principal, type Scope } from './auth/scopes.ts';
export { TokenService, TokenError, type ExternalIssuer, type TokenOptions, type TokenResponse } from './auth/tokens.ts';
export { CallbackGuard, CallbackRefused, type CallbackPolicy } from './notify/callback-guard.ts';
export { backoffMs, type DeliveryAttempt, type WebhookOptions } from './notify/webhooks.ts';
export type { MqttNotifier, MqttAuthentication } from './notify/mqtt.ts';
export { VtnError, problem, type Problem } from './problem.ts';
export type { Change, OadrObject, ObjectType, Operation } from './types.ts';
