/**
 * Investment inputs: capex, opex, revenue contracts, tax and discounting. Owned by the
 * finance stage (src/finance); see docs/finance.md.
 */
import { z } from 'zod';

export const Finance = z
  .strictObject({})
  .describe('Capex, opex, revenue, tax and discounting for `wattshift finance`');
export type Finance = z.infer<typeof Finance>;
