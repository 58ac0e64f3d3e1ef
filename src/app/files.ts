/**
 * Output files as values: JSON, CSV and HTML with their media types, and the four files of one
 * simulated run (summary.json, ledger.csv, bills.csv, report.html). The HTML report renderer
 * (ECharts) is loaded only when a file list is asked for.
 */
import type { SiteBill } from '../billing/bill.ts';
import type { Summary } from '../metrics/summary.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import type * as ReportModule from '../report/index.ts';
import type { ExtraSection } from '../report/report-html.ts';
import type { Ledger } from '../simulate/ledger.ts';
import type { OutputFile } from './types.ts';

/** Media types of the files use cases produce. */
export const MEDIA_TYPES = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  lp: 'text/plain; charset=utf-8',
} as const;

/** A JSON file, pretty-printed with a final newline (as the CLI prints it). */
export function jsonFile(name: string, value: unknown): OutputFile {
  return { name, mediaType: MEDIA_TYPES.json, content: `${JSON.stringify(value, null, 2)}\n` };
}

/** A CSV file (text, or chunks of text for large tables). */
export function csvFile(name: string, content: string | Iterable<string>): OutputFile {
  return { name, mediaType: MEDIA_TYPES.csv, content };
}

/** An HTML file. */
export function htmlFile(name: string, content: string): OutputFile {
  return { name, mediaType: MEDIA_TYPES.html, content };
}

/** The whole content of a file as text (joins streamed chunks; reads an iterable once). */
export function fileText(file: OutputFile): string {
  const c = file.content;
  if (typeof c === 'string') return c;
  if (c instanceof Uint8Array) return new TextDecoder().decode(c);
  let s = '';
  for (const chunk of c) s += chunk;
  return s;
}

/** The report module (CSV writers, HTML renderer); loaded on first use. */
export function loadReport(): Promise<typeof ReportModule> {
  return import('../report/index.ts');
}

/** What one simulated run produced. */
export interface RunValues {
  model: FleetModel;
  ledger: Ledger;
  summary: Summary;
  bills: SiteBill[];
}

/** The site time zones of a model, in site order. */
export function siteTimeZones(model: FleetModel): string[] {
  return model.sites.map((s) => s.timeZone);
}

/** summary.json, ledger.csv, bills.csv and report.html of one run (with extra report sections). */
export async function runFiles(r: RunValues, extraSections: ExtraSection[] = []): Promise<OutputFile[]> {
  const { billsCsv, ledgerCsv, renderReportHtml } = await loadReport();
  const tz = siteTimeZones(r.model);
  return [
    jsonFile('summary.json', r.summary),
    csvFile('ledger.csv', ledgerCsv(r.ledger, tz, r.model.currency)),
    csvFile('bills.csv', billsCsv(r.bills, r.model.currency)),
    htmlFile('report.html', renderReportHtml({ summary: r.summary, ledger: r.ledger, bills: r.bills, siteTimeZones: tz, extraSections })),
  ];
}
