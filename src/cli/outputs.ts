/** Writes a run's files (summary, ledger, bills, report) atomically into an output folder. */
import type { FleetModel } from '../model/fleet-model.ts';
import type { SiteBill } from '../billing/bill.ts';
import type { Summary } from '../metrics/summary.ts';
import type { Ledger } from '../simulate/ledger.ts';

/** What a run produced. */
export interface RunResult {
  model: FleetModel;
  ledger: Ledger;
  summary: Summary;
  bills: SiteBill[];
}

/** Writes summary.json, ledger.csv, bills.csv and report.html; returns the file names. */
export async function writeRunOutputs(dir: string, r: RunResult, extraSections: Array<{ id: string; title: string; html: string }> = []): Promise<string[]> {
  // the report module pulls in ECharts (about a second to load): only when files are written
  const { billsCsv, ledgerCsv, renderReportHtml, writeOutputs } = await import('../report/index.ts');
  const tz = r.model.sites.map((s) => s.timeZone);
  const files = [
    { name: 'summary.json', content: `${JSON.stringify(r.summary, null, 2)}\n` },
    { name: 'ledger.csv', content: ledgerCsv(r.ledger, tz, r.model.currency) },
    { name: 'bills.csv', content: billsCsv(r.bills, r.model.currency) },
    { name: 'report.html', content: renderReportHtml({ summary: r.summary, ledger: r.ledger, bills: r.bills, siteTimeZones: tz, extraSections }) },
  ];
  await writeOutputs(dir, files);
  return files.map((f) => f.name);
}
