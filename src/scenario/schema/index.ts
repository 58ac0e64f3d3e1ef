/**
 * The scenario format, written once. TypeScript types and the JSON Schema printed by
 * `wattshift schema` are both derived from these definitions.
 */
import { z } from 'zod';
import { AcceleratorSpec } from './accelerator.ts';
import { Id, MAX_HORIZON_HOURS, Timestamp } from './common.ts';
import { Finance } from './finance.ts';
import { FleetLimits } from './fleet.ts';
import { GridPrograms } from './grid-programs.ts';
import { Market } from './market.ts';
import { MAX_SITES, MAX_WORKLOADS } from '../problem-size.ts';
import { Site } from './site.ts';
import { Workload } from './workload.ts';

export const Horizon = z
  .strictObject({
    start: Timestamp.describe('First step, local wall clock in timeZone (or with an offset)'),
    end: Timestamp.optional().describe('End of the horizon (exclusive); give end or hours; at most five years after start'),
    hours: z.number().positive().max(MAX_HORIZON_HOURS).optional().describe('Length in hours; give end or hours (at most five years)'),
    stepMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)]).default(60),
    timeZone: z.string().default('UTC').describe('IANA zone for wall-clock times'),
  })
  .refine((h) => (h.end === undefined) !== (h.hours === undefined), {
    message: 'give exactly one of "end" or "hours"',
  });
export type Horizon = z.infer<typeof Horizon>;

export const Scenario = z
  .strictObject({
    $schema: z.string().optional(),
    name: Id.describe('Scenario name, used in outputs'),
    description: z.string().optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'use an ISO 4217 code such as USD, CNY, EUR').default('USD'),
    horizon: Horizon,
    accelerators: z.array(AcceleratorSpec).default([]).describe('Overrides of, or additions to, the built-in accelerator catalogue'),
    sites: z.array(Site).min(1).max(MAX_SITES),
    workloads: z.array(Workload).max(MAX_WORKLOADS).default([]),
    gridPrograms: GridPrograms.optional().describe('Demand-response programs and grid events'),
    fleet: FleetLimits.optional(),
    finance: Finance.optional().describe('Investment case: capex, opex, revenue, tax, discounting'),
    markets: z.array(Market).default([]).describe('Wholesale markets the sites bid into: day-ahead curves, real-time settlement, reserves (wattshift bid, backtest)'),
  })
  .meta({ title: 'wattshift scenario', description: 'AI data-centre sites, their power supply and their work, over a time horizon' });

export type Scenario = z.infer<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;
export type { Site } from './site.ts';
export type { Workload, InferenceService, TrainingJob, BatchInference } from './workload.ts';
export type { Tariff, EnergyPricing, TouPeriod, DemandCharge } from './tariff.ts';
export type { SeriesRef, WeatherRef } from '../../series/schema.ts';
export type { AcceleratorSpec, CurvePoint } from './accelerator.ts';
export type { Market, MarketSeriesRef, ReserveProduct } from './market.ts';
export type { FleetLimits } from './fleet.ts';
export type { Storage, Renewable, Cooling, CoolingArchetype } from './site.ts';

/** JSON Schema (draft 2020-12) of the scenario input format; every number's range is in its description. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Scenario, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  describeRanges(schema);
  return schema;
}

function showNumber(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e7 ? String(n) : n.toExponential().replace('e+', 'e');
}

/** The range of a number schema in words, e.g. "more than 0, at most 100000". */
export function rangeText(node: Record<string, unknown>): string | undefined {
  const lo = node.exclusiveMinimum !== undefined ? `more than ${showNumber(node.exclusiveMinimum as number)}` : node.minimum !== undefined ? `at least ${showNumber(node.minimum as number)}` : undefined;
  const hi = node.exclusiveMaximum !== undefined ? `less than ${showNumber(node.exclusiveMaximum as number)}` : node.maximum !== undefined ? `at most ${showNumber(node.maximum as number)}` : undefined;
  if (lo === undefined && hi === undefined) return undefined;
  if (node.minimum !== undefined && node.maximum !== undefined) return `${showNumber(node.minimum as number)} to ${showNumber(node.maximum as number)}`;
  return [lo, hi].filter(Boolean).join(', ');
}

/** Appends "Range: …" to the description of every number in a JSON Schema (in place). */
function describeRanges(node: unknown): void {
  if (Array.isArray(node)) {
    for (const x of node) describeRanges(x);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (n.type === 'number' || n.type === 'integer') {
    const range = rangeText(n);
    if (range !== undefined && !(typeof n.description === 'string' && n.description.includes('Range: '))) {
      const d = typeof n.description === 'string' ? n.description.replace(/\.?\s*$/, '. ') : '';
      n.description = `${d}Range: ${range}${n.type === 'integer' ? ' (whole number)' : ''}`;
    }
  }
  for (const v of Object.values(n)) describeRanges(v);
}

export { Id, MAX_HORIZON_HOURS, Timestamp };
