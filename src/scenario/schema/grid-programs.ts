/**
 * Grid programs: demand-response and peak-shaving programs a site or the fleet takes part in,
 * and the grid events they receive. Owned by the grid-programs stage (src/programs).
 */
import { z } from 'zod';

export const GridPrograms = z
  .strictObject({})
  .describe('Demand-response programs and events');
export type GridPrograms = z.infer<typeof GridPrograms>;
