/** The baseline methods by name, and their default options. */
import type { BaselineChoice } from '../../scenario/schema/grid-programs.ts';
import type { z } from 'zod';
import type { BaselineMethod, BaselineOptions } from '../types.ts';
import { beijingTop5of10 } from './beijing-top-5-of-10.ts';
import { caiso10of10 } from './caiso-10-of-10.ts';
import type { BaselineFn } from './common.ts';
import { high4of5 } from './high-4-of-5.ts';
import { jiangsu15Min } from './jiangsu-15-min.ts';
import { jiangsu5WorkingDays } from './jiangsu-5-working-days.ts';
import { meterBefore } from './meter-before.ts';
import { pjmSameDay32 } from './pjm-same-day-3-2.ts';

export type { BaselineContext, BaselineFn } from './common.ts';

/** Every method, by name. */
export const BASELINES: Record<BaselineMethod, BaselineFn> = {
  'caiso-10-of-10': caiso10of10,
  'high-4-of-5': high4of5,
  'pjm-same-day-3-2': pjmSameDay32,
  'beijing-top-5-of-10': beijingTop5of10,
  'jiangsu-5-working-days': jiangsu5WorkingDays,
  'jiangsu-15-min': jiangsu15Min,
  'meter-before': meterBefore,
};

/** Names of all methods. */
export const BASELINE_METHODS = Object.keys(BASELINES) as BaselineMethod[];

/** Default lookback of day-matching methods, days (assumption: CAISO-style 45-day window). */
export const DEFAULT_LOOKBACK_DAYS = 45;

/** Options of a baseline written as a name or an object, with defaults applied. */
export function baselineOptions(choice: z.infer<typeof BaselineChoice>): BaselineOptions {
  const spec = typeof choice === 'string' ? { method: choice } : choice;
  return {
    method: spec.method,
    lookbackDays: 'lookbackDays' in spec && spec.lookbackDays !== undefined ? spec.lookbackDays : DEFAULT_LOOKBACK_DAYS,
    adjustmentCap: 'adjustmentCap' in spec && spec.adjustmentCap !== undefined ? spec.adjustmentCap : 0.2,
    adjustment: 'adjustment' in spec && spec.adjustment !== undefined ? spec.adjustment : true,
    meterBeforeHours: 'meterBeforeHours' in spec && spec.meterBeforeHours !== undefined ? spec.meterBeforeHours : 1,
  };
}
