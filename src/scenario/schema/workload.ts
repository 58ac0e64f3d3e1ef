/**
 * AI work: inference services (demand to serve as it comes), training jobs (GPU-hours of work
 * between a release and a deadline) and batch inference (tokens by a deadline).
 */
import { z } from 'zod';
import { bounded, boundedAbove, Fraction, GpuCount, Id, LIMITS, Timestamp, UnitPrice } from './common.ts';
import { SeriesRef } from '../../series/schema.ts';

const Common = {
  id: Id,
  name: z.string().optional(),
  accelerator: Id.describe('Accelerator model the work runs on'),
  sites: z.array(Id).min(1).describe('Sites allowed to run this work'),
  curve: z.string().optional().describe('Throughput-vs-power curve of the accelerator to use (default: the workload type)'),
  tokensPerSecondPerGpu: boundedAbove(0, LIMITS.tokensPerSecondPerGpu).optional().describe('Tokens per second per GPU at full power (default: catalogue value for the curve)'),
  minPowerFraction: Fraction.optional().describe('Lowest GPU power cap allowed, as a share of TDP (latency or quality floor)'),
  qosWeight: bounded(0, LIMITS.factor).optional().describe('Weight in the weighted QoS score (default: the QoS floor, as in the Phoenix field test)'),
};

export const InferenceService = z.strictObject({
  ...Common,
  type: z.literal('inference'),
  demandTokensPerSecond: SeriesRef.describe('Requested tokens per second, all regions together'),
  arrivalShares: z
    .record(Id, Fraction)
    .optional()
    .describe('Share of demand arriving at each site (default: equal over the eligible sites)'),
  maxUtilisation: z.number().gt(0).max(1).default(0.8).describe('Highest GPU utilisation that still meets the latency SLO'),
  unservedPenaltyPerMillionTokens: UnitPrice.default(10).describe('Penalty per million tokens not served, currency'),
  valuePerMillionTokens: UnitPrice.default(0).describe('Revenue per million tokens served, currency'),
});

export const TrainingJob = z.strictObject({
  ...Common,
  type: z.literal('training'),
  workGpuHours: boundedAbove(0, LIMITS.gpuHours).describe('Work to do, in GPU-hours at full speed'),
  gpus: z.strictObject({
    min: GpuCount.optional().describe('Fewest GPUs when running (default: max unless resizable)'),
    max: GpuCount.describe('Most GPUs the job can use'),
  }),
  release: Timestamp.optional().describe('Earliest start (default: horizon start)'),
  deadline: Timestamp.optional().describe('Finish by (default: horizon end)'),
  pausable: z.boolean().default(true),
  resizable: z.boolean().default(false).describe('May run on fewer than max GPUs'),
  qosFloor: Fraction.optional().describe('Minimum average throughput fraction while the job is in its window (Flex tiers: 0.9, 0.75, 0.5)'),
  valuePerGpuHour: UnitPrice.default(0).describe('Value of work done, currency per GPU-hour at full speed'),
  unfinishedPenaltyPerGpuHour: UnitPrice.default(100).describe('Penalty per GPU-hour of work left at the deadline'),
  continuous: z.boolean().default(false).describe('The job has more work than the horizon (performance is measured, not completion)'),
});

export const BatchInference = z.strictObject({
  ...Common,
  type: z.literal('batch'),
  tokens: boundedAbove(0, LIMITS.tokens).describe('Tokens to produce'),
  gpus: z.strictObject({ max: GpuCount.describe('Most GPUs the job can use'), min: GpuCount.optional().describe('Fewest GPUs when running') }),
  release: Timestamp.optional(),
  deadline: Timestamp.optional(),
  qosFloor: Fraction.optional(),
  unfinishedPenaltyPerMillionTokens: UnitPrice.default(5).describe('Penalty per million tokens left at the deadline, currency'),
  valuePerMillionTokens: UnitPrice.default(0).describe('Value of tokens produced, currency per million'),
  continuous: z.boolean().default(false).describe('More tokens than the horizon can hold: performance is measured, not completion'),
});

export const Workload = z.discriminatedUnion('type', [InferenceService, TrainingJob, BatchInference]);
export type Workload = z.infer<typeof Workload>;
export type InferenceService = z.infer<typeof InferenceService>;
export type TrainingJob = z.infer<typeof TrainingJob>;
export type BatchInference = z.infer<typeof BatchInference>;
