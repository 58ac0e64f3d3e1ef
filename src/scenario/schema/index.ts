/**
 * The scenario format, written once. TypeScript types and the JSON Schema printed by
 * `wattshift schema` are both derived from these definitions.
 */
import { z } from 'zod';
import { AcceleratorSpec } from './accelerator.ts';
import { Id, Timestamp } from './common.ts';
import { Finance } from './finance.ts';
import { FleetLimits } from './fleet.ts';
import { GridPrograms } from './grid-programs.ts';
import { Site } from './site.ts';
import { Workload } from './workload.ts';

export const Horizon = z
  .strictObject({
    start: Timestamp.describe('First step, local wall clock in timeZone (or with an offset)'),
    end: Timestamp.optional().describe('End of the horizon (exclusive); give end or hours'),
    hours: z.number().positive().max(24 * 366 * 5).optional().describe('Length in hours; give end or hours'),
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
    sites: z.array(Site).min(1),
    workloads: z.array(Workload).default([]),
    gridPrograms: GridPrograms.optional().describe('Demand-response programs and grid events'),
    fleet: FleetLimits.optional(),
    finance: Finance.optional().describe('Investment case: capex, opex, revenue, tax, discounting'),
  })
  .meta({ title: 'wattshift scenario', description: 'AI data-centre sites, their power supply and their work, over a time horizon' });

export type Scenario = z.infer<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;
export type { Site } from './site.ts';
export type { Workload, InferenceService, TrainingJob, BatchInference } from './workload.ts';
export type { Tariff, EnergyPricing, TouPeriod } from './tariff.ts';
export type { SeriesRef, WeatherRef } from '../../series/schema.ts';
export type { AcceleratorSpec, CurvePoint } from './accelerator.ts';
export type { FleetLimits } from './fleet.ts';
export type { Storage, Renewable, Cooling, CoolingArchetype } from './site.ts';

/** JSON Schema (draft 2020-12) of the scenario input format. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(Scenario, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

export { Id, Timestamp };
