/**
 * Small fleets coupled only by fleet-wide limits, for decomposition tests: each site has its own
 * price day (shifted and scaled), solar, carbon intensity, inference service and training job,
 * with series given as daily profiles (no files).
 */
import { buildModel, loadScenarioText, type FleetModel } from '../../src/pipeline.ts';

/** Knobs of {@link coupledFleet}. */
export interface CoupledFleetKnobs {
  sites?: number;
  hours?: number;
  /** Fleet import cap, MW. */
  capMW?: number;
  co2BudgetTonnes?: number;
  greenShareMin?: number;
  /** Seed of the site variations. */
  seed?: number;
}

const PRICE = [20, 18, 15, 14, 14, 18, 30, 45, 60, 55, 40, 30, 25, 22, 25, 35, 60, 90, 120, 100, 70, 45, 30, 25];
const SUN = [0, 0, 0, 0, 0, 0, 0.05, 0.2, 0.4, 0.6, 0.75, 0.85, 0.9, 0.85, 0.75, 0.6, 0.4, 0.2, 0.05, 0, 0, 0, 0, 0];
const CO2 = [420, 430, 440, 440, 430, 410, 380, 340, 300, 260, 230, 210, 200, 210, 230, 260, 300, 350, 400, 430, 440, 440, 430, 425];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The scenario text of a small coupled fleet. */
export function coupledFleetText(k: CoupledFleetKnobs = {}): string {
  const n = k.sites ?? 5;
  const hours = k.hours ?? 72;
  const rand = rng(k.seed ?? 7);
  const sites: string[] = [];
  const workloads: string[] = [];
  for (let i = 0; i < n; i++) {
    const shift = Math.floor(rand() * 6);
    const scale = 0.7 + 0.6 * rand();
    const price = PRICE.map((_, h) => Math.round(PRICE[(h + shift) % 24]! * scale));
    const co2 = CO2.map((_, h) => Math.round(CO2[(h + 2 * shift) % 24]! * (0.6 + 0.8 * rand())));
    const gpus = 1000 * (2 + Math.floor(rand() * 4));
    const pv = 1 + Math.floor(rand() * 4);
    sites.push(`  - id: s${i}
    latitude: 30
    longitude: -97
    grid: { importLimitMW: ${(gpus * 1.8) / 1000 + 2} }
    it: [{ accelerator: H100, gpus: ${gpus} }]
    facility: { cooling: { archetype: air } }
    renewables: [{ id: pv, type: solar, capacityMW: ${pv}, capacityFactor: { dailyProfile: [${SUN.join(', ')}] } }]
${rand() < 0.5 ? '    storage: { energyMWh: 4, powerMW: 1, degradationCostPerMWh: 2 }\n' : ''}    tariff: { energy: { type: spot, adderPerMWh: 5 }, export: { type: none } }
    series:
      price: { dailyProfile: [${price.join(', ')}], unit: USD/MWh }
      carbonIntensity: { dailyProfile: [${co2.join(', ')}] }`);
    workloads.push(`  - { id: chat${i}, type: inference, accelerator: H100, sites: [s${i}], demandTokensPerSecond: { constant: ${Math.round(gpus * 250)} }, minPowerFraction: 0.6 }
  - id: train${i}
    type: training
    accelerator: H100
    sites: [s${i}]
    workGpuHours: ${Math.round(gpus * 0.45 * hours * (0.5 + 0.3 * rand()))}
    gpus: { max: ${Math.round(gpus * 0.6)} }
    qosFloor: 0.5
    minPowerFraction: 0.5`);
  }
  const fleet: string[] = [];
  if (k.capMW !== undefined) fleet.push(`importCapMW: ${k.capMW}`);
  if (k.co2BudgetTonnes !== undefined) fleet.push(`co2BudgetTonnes: ${k.co2BudgetTonnes}`);
  if (k.greenShareMin !== undefined) fleet.push(`directGreenShareMin: ${k.greenShareMin}`);
  return `name: coupled-fleet
horizon: { start: 2023-07-01T00:00Z, hours: ${hours}, timeZone: UTC }
sites:
${sites.join('\n')}
workloads:
${workloads.join('\n')}
${fleet.length ? `fleet: { ${fleet.join(', ')} }` : ''}
`;
}

/** The fleet model of {@link coupledFleetText}. */
export function coupledFleet(k: CoupledFleetKnobs = {}): FleetModel {
  return buildModel(loadScenarioText(coupledFleetText(k), process.cwd()));
}
