/** The shape of an operation's handler. */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/scopes.ts';
import type { Vtn } from '../vtn.ts';
import type { Query } from './params.ts';

/** What a handler answers: a status and a JSON body. */
export interface Answer {
  status: number;
  body: unknown;
}

/** A handler of one operation (the caller has been authenticated and its scope checked). */
export type Handler = (ctx: { vtn: Vtn; principal: Principal; params: Record<string, string>; query: Query; body: unknown; request: FastifyRequest }) => Promise<Answer>;

/** 200 with a body. */
export const ok = (body: unknown): Answer => ({ status: 200, body });
/** 201 with a body. */
export const created = (body: unknown): Answer => ({ status: 201, body });
