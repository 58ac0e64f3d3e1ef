/**
 * Default unit costs, lives and opex rates. Every figure is cited in docs/finance.md with its
 * confidence tag (V verified, S secondary, M memory, D derived, A assumption); the tags are
 * repeated here so a reader of the code sees how firm each number is.
 */
import { InputError } from '../errors/index.ts';
import type { CapexCategory, Finance } from '../scenario/schema/finance.ts';
import type { CoolingArchetype } from '../scenario/schema/index.ts';

/** Unit costs used to size default capex items, in the scenario currency. */
export interface UnitCosts {
  /** GPU share of a server, by accelerator id; `default` for unknown models. */
  gpuServerPerGpu: Record<string, number>;
  /** Cluster network per GPU, split so reports show the optics separately. */
  opticsPerGpu: number;
  switchingPerGpu: number;
  coolingPerMW: Record<CoolingArchetype, number>;
  powerPerMW: number;
  buildingPerMW: number;
  landAndSoftShare: number;
  storagePerKWh: number;
  storagePerKW: number;
  solarPerMW: number;
  windPerMW: number;
}

/** USD per GPU: 8×H100 HGX server ≈ $317 k (S) / 8. */
const H100_SERVER_PER_GPU_USD = 317_000 / 8;
/** H100 all-in with cluster network ≈ $50 k per GPU (S). */
const H100_ALL_IN_PER_GPU_USD = 50_000;
/** Optics ≈ 2.5 × 800G + 1 × 400G per GPU ≈ $3.7 k (D / M). */
const OPTICS_PER_GPU_USD = 3_700;
/** US construction cost per MW of critical load, 19-market average (V, Cushman & Wakefield 2025). */
const FACILITY_PER_MW_USD = 11_700_000;
/** Share of construction cost in power and cooling ("critical capacity", V). */
const CRITICAL_SHARE = 0.53;
/** Shell 21 % + site 10 % + white space 10 % + back of house 4 % + office 2 % (V). */
const BUILDING_SHARE = 0.47;
/** Assumption (A): power and cooling split critical capacity equally. */
const POWER_SHARE_OF_CRITICAL = 0.5;

/** Default unit costs in USD. */
export const USD_UNIT_COSTS: UnitCosts = {
  gpuServerPerGpu: {
    H100: H100_SERVER_PER_GPU_USD, // S (D: /8)
    H200: 45_000, // A: no figure in the reference set
    B200: 3_000_000 / 72, // S (low): GB200 NVL72 rack ≈ $3 M / 72 GPUs (D)
    A100: 15_000, // A: no figure in the reference set
    'Ascend-910B': 250_000 / 7.2, // S range 1–4 M CNY per server; 2 M CNY / 8 chosen (A), at 7.2 CNY/USD (D)
    default: H100_SERVER_PER_GPU_USD,
  },
  opticsPerGpu: OPTICS_PER_GPU_USD, // D / M
  switchingPerGpu: H100_ALL_IN_PER_GPU_USD - H100_SERVER_PER_GPU_USD - OPTICS_PER_GPU_USD, // D
  coolingPerMW: {
    air: FACILITY_PER_MW_USD * CRITICAL_SHARE * (1 - POWER_SHARE_OF_CRITICAL), // D from V + A split
    'cold-plate': FACILITY_PER_MW_USD * CRITICAL_SHARE * (1 - POWER_SHARE_OF_CRITICAL) * 1.1, // A: +10 % for CDUs and manifolds
    immersion: FACILITY_PER_MW_USD * CRITICAL_SHARE * (1 - POWER_SHARE_OF_CRITICAL) * 1.2, // A: +20 % for tanks and fluid
  },
  powerPerMW: FACILITY_PER_MW_USD * CRITICAL_SHARE * POWER_SHARE_OF_CRITICAL, // D from V + A split
  buildingPerMW: FACILITY_PER_MW_USD * BUILDING_SHARE, // D from V
  landAndSoftShare: 0.1, // A: C&W excludes land and soft costs
  storagePerKWh: 165, // S: BNEF 2024 global turnkey average
  storagePerKW: 0, // A: the turnkey $/kWh includes power conversion
  solarPerMW: 1_000_000, // A: no figure in the reference set
  windPerMW: 1_500_000, // A: no figure in the reference set
};

/** CNY per USD used to convert USD defaults (D: the conversion numbers.md §7 uses). */
export const CNY_PER_USD = 7.2;

/** Default useful lives, years. */
export const DEFAULT_LIVES: Record<CapexCategory, number> = {
  'gpu-servers': 5, // V/S: Amazon moved a server subset back to 5 years from 2025; others 5.5–6
  network: 5, // A: same as the servers it connects
  cooling: 15, // A
  power: 20, // A
  building: 30, // A
  storage: 12, // A
  renewables: 25, // A
  'land-and-soft': 30, // A: land is not depreciated in most tax regimes; simplification
  other: 10, // A
};

/** Opex rates whose defaults depend on the currency (wages and water do not follow exchange rates). */
export interface CurrencyOpexDefaults {
  costPerFtePerYear: number;
  waterPricePerM3: number;
}

const OPEX_BY_CURRENCY: Record<string, CurrencyOpexDefaults> = {
  USD: { costPerFtePerYear: 120_000, waterPricePerM3: 2 }, // A
  CNY: { costPerFtePerYear: 300_000, waterPricePerM3: 5 }, // A
};

/** Water use per kWh of IT energy by heat rejection, L/kWh. */
export const DEFAULT_WUE: Record<'evaporative' | 'dry', number> = {
  evaporative: 1.8, // S: industry average WUE 1.8–1.9 L/kWh, lower end
  dry: 0, // A: dry coolers evaporate no water (adiabatic assist ignored)
};

/** Everything the valuation needs that has a default, resolved for one scenario currency. */
export interface ResolvedDefaults {
  unitCosts: UnitCosts;
  lives: Record<CapexCategory, number>;
  costPerFtePerYear: number;
  waterPricePerM3: number;
  exchangeRatePerUSD: number;
}

/**
 * Resolves defaults for a currency: USD figures times the exchange rate, with the CNY figures
 * the reference set gives directly (Ascend server price, storage) kept in CNY.
 */
export function resolveDefaults(currency: string, finance: Finance): ResolvedDefaults {
  const rate = finance.exchangeRatePerUSD ?? (currency === 'USD' ? 1 : currency === 'CNY' ? CNY_PER_USD : undefined);
  const needsRate = finance.capex.useDefaults || finance.opex.costPerFtePerYear === undefined || finance.opex.waterPricePerM3 === undefined;
  if (rate === undefined && needsRate && !OPEX_BY_CURRENCY[currency]) {
    throw new InputError('SCENARIO_INVALID', `default costs are in USD and CNY; give finance.exchangeRatePerUSD (${currency} per USD) to convert them, or give every cost explicitly`, { path: 'finance.exchangeRatePerUSD' });
  }
  const fx = rate ?? 1;
  const u = USD_UNIT_COSTS;
  const unitCosts: UnitCosts = {
    gpuServerPerGpu: Object.fromEntries(Object.entries(u.gpuServerPerGpu).map(([k, v]) => [k, v * fx])),
    opticsPerGpu: u.opticsPerGpu * fx,
    switchingPerGpu: u.switchingPerGpu * fx,
    coolingPerMW: { air: u.coolingPerMW.air * fx, 'cold-plate': u.coolingPerMW['cold-plate'] * fx, immersion: u.coolingPerMW.immersion * fx },
    powerPerMW: u.powerPerMW * fx,
    buildingPerMW: u.buildingPerMW * fx,
    landAndSoftShare: u.landAndSoftShare,
    storagePerKWh: u.storagePerKWh * fx,
    storagePerKW: u.storagePerKW * fx,
    solarPerMW: u.solarPerMW * fx,
    windPerMW: u.windPerMW * fx,
  };
  if (currency === 'CNY') {
    unitCosts.gpuServerPerGpu['Ascend-910B'] = 250_000; // S range 1–4 M CNY per 8-NPU server; 2 M chosen (A)
    unitCosts.storagePerKWh = 500; // M: 0.5 CNY/Wh China system price
  }
  const o = finance.capex.unitCosts;
  if (o) {
    if (o.gpuServerPerGpu) Object.assign(unitCosts.gpuServerPerGpu, o.gpuServerPerGpu);
    if (o.networkPerGpu !== undefined) {
      // one user figure replaces both parts, kept in the same proportion
      const total = unitCosts.opticsPerGpu + unitCosts.switchingPerGpu;
      const share = total > 0 ? unitCosts.opticsPerGpu / total : 0;
      unitCosts.opticsPerGpu = o.networkPerGpu * share;
      unitCosts.switchingPerGpu = o.networkPerGpu * (1 - share);
    }
    if (o.coolingPerMW) for (const [k, v] of Object.entries(o.coolingPerMW)) if (v !== undefined) unitCosts.coolingPerMW[k as CoolingArchetype] = v;
    for (const k of ['powerPerMW', 'buildingPerMW', 'landAndSoftShare', 'storagePerKWh', 'storagePerKW', 'solarPerMW', 'windPerMW'] as const) {
      const v = o[k];
      if (v !== undefined) unitCosts[k] = v;
    }
  }
  const opex = OPEX_BY_CURRENCY[currency] ?? { costPerFtePerYear: OPEX_BY_CURRENCY.USD!.costPerFtePerYear * fx, waterPricePerM3: OPEX_BY_CURRENCY.USD!.waterPricePerM3 * fx };
  return {
    unitCosts,
    lives: { ...DEFAULT_LIVES, ...(finance.capex.lifeYears ?? {}) },
    costPerFtePerYear: finance.opex.costPerFtePerYear ?? opex.costPerFtePerYear,
    waterPricePerM3: finance.opex.waterPricePerM3 ?? opex.waterPricePerM3,
    exchangeRatePerUSD: fx,
  };
}
