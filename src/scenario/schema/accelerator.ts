/**
 * Accelerator models. The built-in catalogue (src/physics/catalogue.ts) holds A100, H100, H200,
 * B200 and Ascend 910B; a scenario may override any field or add models.
 */
import { z } from 'zod';
import { boundedAbove, Id, LIMITS, PositiveWatts, Watts } from './common.ts';

/** One measured or assumed operating point of a throughput-vs-power curve. */
export const CurvePoint = z.strictObject({
  capW: PositiveWatts.describe('Power cap set on the GPU, W'),
  powerW: PositiveWatts.describe('Average GPU power drawn at that cap, W'),
  throughput: z.number().min(0).max(1.5).describe('Throughput relative to the uncapped maximum (1 = full speed)'),
});
export type CurvePoint = z.infer<typeof CurvePoint>;

export const Curve = z
  .array(CurvePoint)
  .min(2)
  .describe('Operating points ordered by power; the model uses their upper concave hull');

export const AcceleratorSpec = z
  .strictObject({
    id: Id,
    extends: Id.optional().describe('Copy every unspecified field from this catalogue model'),
    vendor: z.string().optional(),
    tdpW: PositiveWatts.optional().describe('Board power limit (TDP/TGP), W'),
    idleW: Watts.optional().describe('GPU power when idle, W'),
    minCapW: PositiveWatts.optional().describe('Lowest settable power cap, W'),
    nodeOverheadIdleW: Watts.optional().describe('Per-GPU share of host power (CPU, memory, NICs, fans) with the GPU idle, W'),
    nodeOverheadMaxW: Watts.optional().describe('Per-GPU share of host power with the GPU at full power, W'),
    curves: z
      .record(z.string(), Curve)
      .optional()
      .describe('Throughput-vs-power curves by workload class (training, inference, batch, or a named job profile)'),
    tokensPerSecondPerGpu: z
      .record(z.string(), boundedAbove(0, LIMITS.tokensPerSecondPerGpu))
      .optional()
      .describe('Tokens per second per GPU at full power, by workload class'),
    priceUsd: boundedAbove(0, LIMITS.unitPrice).optional().describe('Indicative price per GPU (server share), USD'),
  })
  .describe('An accelerator model or an override of a catalogue model');
export type AcceleratorSpec = z.infer<typeof AcceleratorSpec>;
