/**
 * Measured A100 DVFS sweep of the Emerald AI Phoenix field test: eight workloads run at GPU power
 * caps of 100–400 W on NVIDIA A100 (SXM, 400 W) GPUs.
 *
 * Source: "Turning AI Data Centers into Grid-Interactive Assets: Results from a Field
 * Demonstration in Phoenix, Arizona" (arXiv 2507.00909), repository
 * ai-emerald/emerald-ai-demo-may-2025, file dvfs_sweep.csv (Apache-2.0; copy and licence in
 * examples/data/emerald-phoenix-2025/). Columns used: "GPU power cap" → capW, "power per GPU" →
 * powerW (average GPU power drawn), "normalized throughput" → throughput (1 at the 400 W cap).
 * Values rounded to 1 mW and 1e-6; src/physics/catalogue.test.ts checks them against the CSV.
 */
import type { CurvePoint } from '../scenario/schema/accelerator.ts';

/** The sweep by workload name, points in cap order. */
export const PHOENIX_A100_DVFS: Readonly<Record<string, readonly CurvePoint[]>> = {
  ft_llama_8b_dolly: [
    { capW: 100, powerW: 99.853, throughput: 0.240845 },
    { capW: 200, powerW: 196.119, throughput: 0.807042 },
    { capW: 250, powerW: 244.121, throughput: 0.904225 },
    { capW: 300, powerW: 288.304, throughput: 0.950704 },
    { capW: 350, powerW: 320.617, throughput: 0.980282 },
    { capW: 400, powerW: 345.648, throughput: 1 },
  ],
  ft_llama_8b_p3: [
    { capW: 100, powerW: 100.116, throughput: 0.227983 },
    { capW: 200, powerW: 195.374, throughput: 0.784091 },
    { capW: 250, powerW: 239.824, throughput: 0.877841 },
    { capW: 300, powerW: 285.542, throughput: 0.937500 },
    { capW: 350, powerW: 317.076, throughput: 0.967330 },
    { capW: 400, powerW: 343.361, throughput: 1 },
  ],
  infer_llama_8b_48g: [
    { capW: 100, powerW: 97.938, throughput: 0.225225 },
    { capW: 200, powerW: 194.625, throughput: 0.780781 },
    { capW: 250, powerW: 241.750, throughput: 0.870871 },
    { capW: 300, powerW: 288.938, throughput: 0.930931 },
    { capW: 350, powerW: 332.875, throughput: 0.975976 },
    { capW: 400, powerW: 368.375, throughput: 1 },
  ],
  infer_llama_8b_32g: [
    { capW: 100, powerW: 97.938, throughput: 0.225225 },
    { capW: 200, powerW: 194.625, throughput: 0.780781 },
    { capW: 250, powerW: 241.750, throughput: 0.870871 },
    { capW: 300, powerW: 288.938, throughput: 0.930931 },
    { capW: 350, powerW: 332.875, throughput: 0.975976 },
    { capW: 400, powerW: 368.375, throughput: 1 },
  ],
  infer_llama_8b: [
    { capW: 100, powerW: 97.943, throughput: 0.225225 },
    { capW: 200, powerW: 194.684, throughput: 0.780781 },
    { capW: 250, powerW: 241.801, throughput: 0.870871 },
    { capW: 300, powerW: 288.965, throughput: 0.930931 },
    { capW: 350, powerW: 332.906, throughput: 0.975976 },
    { capW: 400, powerW: 368.375, throughput: 1 },
  ],
  pt_mpt_13b_lg: [
    { capW: 100, powerW: 101.734, throughput: 0.191011 },
    { capW: 200, powerW: 196.183, throughput: 0.623596 },
    { capW: 250, powerW: 244.743, throughput: 0.780899 },
    { capW: 300, powerW: 291.142, throughput: 0.859551 },
    { capW: 350, powerW: 337.099, throughput: 0.921348 },
    { capW: 400, powerW: 381.749, throughput: 1 },
  ],
  pt_mpt_13b_sm: [
    { capW: 100, powerW: 102.908, throughput: 0.190608 },
    { capW: 200, powerW: 195.421, throughput: 0.638122 },
    { capW: 250, powerW: 243.179, throughput: 0.783149 },
    { capW: 300, powerW: 287.104, throughput: 0.866022 },
    { capW: 350, powerW: 330.966, throughput: 0.911602 },
    { capW: 400, powerW: 376.825, throughput: 1 },
  ],
  pt_mpt_7b_fast: [
    { capW: 100, powerW: 99.977, throughput: 0.174888 },
    { capW: 200, powerW: 198.425, throughput: 0.625561 },
    { capW: 250, powerW: 247.466, throughput: 0.786996 },
    { capW: 300, powerW: 295.711, throughput: 0.874439 },
    { capW: 350, powerW: 343.285, throughput: 0.934978 },
    { capW: 400, powerW: 387.847, throughput: 1 },
  ],
};

/** Pretraining sweeps: their mean is the A100 `training` class curve. */
export const PHOENIX_PRETRAINING = ['pt_mpt_13b_lg', 'pt_mpt_13b_sm', 'pt_mpt_7b_fast'] as const;

/** The llama-8B inference sweep: the A100 `inference` and `batch` class curve. */
export const PHOENIX_INFERENCE = 'infer_llama_8b';
