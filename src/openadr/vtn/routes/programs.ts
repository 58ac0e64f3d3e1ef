/** Operations on /programs. */
import { checkBody } from '../validation.ts';
import type { ProgramRequest } from '../repo/programs.ts';
import { created, ok, type Handler } from './handler.ts';
import { objectId, pageParams, stringList } from './params.ts';

/** Handlers by operationId. */
export const programHandlers: Record<string, Handler> = {
  searchAllPrograms: async ({ vtn, principal, query }) => ok(await vtn.programs.list(principal, { targets: stringList(query, 'targets') }, pageParams(query))),
  createProgram: async ({ vtn, body }) => created(await vtn.programs.create(checkBody<ProgramRequest>('programRequest', body))),
  searchProgramByProgramId: async ({ vtn, principal, params }) => ok(await vtn.programs.get(principal, objectId(params.programID, 'programID'))),
  updateProgram: async ({ vtn, params, body }) => ok(await vtn.programs.update(objectId(params.programID, 'programID'), checkBody<ProgramRequest>('programRequest', body))),
  deleteProgram: async ({ vtn, params }) => ok(await vtn.programs.delete(objectId(params.programID, 'programID'))),
};
