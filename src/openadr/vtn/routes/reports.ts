/** Operations on /reports. */
import { checkBody } from '../validation.ts';
import type { ReportRequest } from '../repo/reports.ts';
import { created, ok, type Handler } from './handler.ts';
import { objectId, optionalId, optionalName, pageParams } from './params.ts';

/** Handlers by operationId. */
export const reportHandlers: Record<string, Handler> = {
  searchAllReports: async ({ vtn, principal, query }) =>
    ok(await vtn.reports.list(principal, { programID: optionalId(query, 'programID'), eventID: optionalId(query, 'eventID'), clientName: optionalName(query, 'clientName') }, pageParams(query))),
  createReport: async ({ vtn, principal, body }) => created(await vtn.reports.create(principal, checkBody<ReportRequest>('reportRequest', body))),
  searchReportsByReportID: async ({ vtn, principal, params }) => ok(await vtn.reports.get(principal, objectId(params.reportID, 'reportID'))),
  updateReport: async ({ vtn, principal, params, body }) => ok(await vtn.reports.update(principal, objectId(params.reportID, 'reportID'), checkBody<ReportRequest>('reportRequest', body))),
  deleteReport: async ({ vtn, principal, params }) => ok(await vtn.reports.delete(principal, objectId(params.reportID, 'reportID'))),
};
