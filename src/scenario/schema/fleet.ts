/**
 * Fleet-wide limits: rules that bind several sites together (a shared grid connection or an
 * aggregator's import cap, a fleet green-share rule, a CO2 budget). They couple the sites' plans;
 * the planner solves them in one model or by decomposition (docs/decomposition.md).
 */
import { z } from 'zod';
import { Fraction, Id, NonNegative, Timestamp } from './common.ts';

/** A window in which the fleet import cap is lower (or higher) than its default. */
export const FleetCapOverride = z.strictObject({
  from: Timestamp,
  to: Timestamp,
  importCapMW: NonNegative.max(1e6).describe('Fleet import cap in this window, MW'),
  reason: z.string().optional(),
});

/** Limits on the sum over a group of sites. */
export const FleetLimits = z
  .strictObject({
    sites: z.array(Id).min(1).optional().describe('Sites the limits apply to (default: every site)'),
    importCapMW: NonNegative.max(1e6)
      .optional()
      .describe('Most net grid import (import − export) of these sites together in any step, MW: a shared connection or an aggregator\'s cap'),
    importCapOverrides: z.array(FleetCapOverride).default([]).describe('Windows with another fleet import cap (replaces importCapMW there)'),
    directGreenShareMin: Fraction.optional().describe('Least direct-green share of these sites\' facility energy over the horizon, 0–1 (e.g. 0.6)'),
    co2BudgetTonnes: NonNegative.max(1e12).optional().describe('Most location-based CO2 of these sites\' grid imports over the horizon, tonnes'),
  })
  .describe('Fleet-wide limits that couple sites (shared import cap, green share, CO2 budget)');
export type FleetLimits = z.infer<typeof FleetLimits>;
