/**
 * The API's documents as the dashboard reads them: the parts it uses of the run views, the
 * summary (`Summary` in src/metrics/summary.ts, the CLI's summary.json), the bills, the fleet
 * and comparison views (the OpenAPI document at /openapi.json is the reference). The summary's
 * types are the engine's own (type-only imports: nothing of the Node side is bundled); the API's
 * views are written out here.
 */
import type { PowerFlowData } from '../../src/report/charts/power-flow.ts';

/** The summary and its KPIs: the CLI's summary.json, one definition for both sides. */
export type { Kpis, MonthKpis, SiteSummary, Summary } from '../../src/metrics/summary-types.ts';

/** A site's bill (bills.json: `SiteBill` in src/billing/bill.ts). */
export interface SiteBill {
  site: string;
  lines: Array<{ month: string; item: string; quantity: number; unit: string; rate: number; rateUnit: string; amount: number }>;
  months: Array<{ month: string; total: number }>;
  total: number;
  certificatesMWh: number;
}

/** Statuses of a run. */
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'interrupted' | 'cancelled';

/** Why a run failed. */
export interface RunProblem {
  code: string;
  message: string;
  location?: { file?: string; line?: number; column?: number; path?: string };
  details?: string[];
}

/** A run (GET /runs/{id}). */
export interface RunView {
  id: string;
  scenarioId: string;
  command: string;
  options: Record<string, unknown>;
  status: RunStatus;
  progress: number;
  phase: string | null;
  error: RunProblem | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  timings: Record<string, number> | null;
  createdBy: string | null;
  rerunOf: string | null;
  note: string | null;
}

/** A page of runs. */
export interface RunPage {
  runs: RunView[];
  next: string | null;
}

/** A stored scenario. */
export interface ScenarioView {
  id: string;
  name: string;
  entry: string;
  sizeBytes: number;
  createdAt: string;
  fileCount?: number;
  files?: Array<{ path: string; sizeBytes: number }>;
}

/** Answer of a scenario upload. */
export interface ScenarioStored {
  scenario: ScenarioView;
  created: boolean;
  validation: { steps?: number; warnings?: string[]; scenario?: string; sites?: unknown[] } | null;
}

/** A run a view refers to. */
export interface RunRef {
  id: string;
  command: string;
  scenarioId: string;
  scenario: string;
  policy: string;
  currency: string;
  finishedAt: string | null;
}

/** GET /fleet. */
export interface FleetView {
  sites: Array<{
    id: string;
    name: string;
    timeZone: string;
    installedItMW: number;
    designPue: number;
    run: RunRef;
    kpis: {
      pue: number;
      directGreenRatio: number;
      greenTarget: number | null;
      energyCost: number;
      energyCostPerMillionTokens: number | null;
      tokensPerJouleIT: number | null;
      tokensPerJouleFacility: number | null;
      co2Tonnes: number;
      peakImportMW: number;
      sloAttainment: number;
    };
  }>;
  runs: { queued: number; running: number };
}

/** One KPI of two runs. */
export interface KpiDelta {
  kpi: string;
  unit: string;
  a: number | null;
  b: number | null;
  delta: number | null;
  deltaPercent: number | null;
}

/** GET /compare. */
export interface CompareView {
  a: RunRef;
  b: RunRef;
  fleet: KpiDelta[];
  qos: { a: number | null; b: number | null };
  sites: Array<{ id: string; in: 'both' | 'a' | 'b'; kpis: KpiDelta[] }>;
}

/** GET /runs/{id}/charts/power. */
export type PowerChartView = PowerFlowData & {
  x: number[];
  window: { fromStep: number; toStep: number; steps: number; startMs: number; stepMinutes: number };
  pointSteps: number[];
};

/** A file of a run. */
export interface RunFile {
  name: string;
  kind: string;
  mediaType: string;
  sizeBytes: number;
  href: string;
}
