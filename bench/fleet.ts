/**
 * A generated fleet for scale benchmarks: N sites cycling through the six shared markets (real
 * prices, carbon and weather), each with its own inference service, a training job and a
 * battery, sized from a seeded random generator so every run builds the same fleet.
 */
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../src/random/seeded.ts';
import type { ScenarioInput } from '../src/scenario/schema/index.ts';

const MARKETS = [
  { zone: 'US-TEX-ERCO', tz: 'America/Chicago', lat: 32.8, lon: -96.8 },
  { zone: 'US-CAL-CISO', tz: 'America/Los_Angeles', lat: 37.4, lon: -122 },
  { zone: 'US-MIDA-PJM', tz: 'America/New_York', lat: 39.9, lon: -75.2 },
  { zone: 'DE-LU', tz: 'Europe/Berlin', lat: 50.1, lon: 8.7 },
  { zone: 'JP-TK', tz: 'Asia/Tokyo', lat: 35.7, lon: 139.8 },
  { zone: 'SG', tz: 'Asia/Singapore', lat: 1.3, lon: 103.9 },
];

/**
 * Default fleet import cap of the decomposition benchmarks, as a share of the sites' summed import
 * limits: on the 100-site fleet's unconstrained rolling year it binds on most days (see
 * docs/benchmarks.md for the calibration).
 */
export const FLEET_CAP_SHARE = 0.33;

/** The fleet with a fleet-wide import cap at `share` of its sites' summed import limits. */
export function withFleetCap(s: ScenarioInput, share = FLEET_CAP_SHARE): ScenarioInput {
  const limits = s.sites.reduce((a, site) => a + (site.grid.importLimitMW ?? 0), 0);
  return { ...s, name: `${s.name}-capped`, fleet: { importCapMW: Math.round(limits * share * 10) / 10 } };
}

/** Folder the generated scenario's file paths are relative to. */
export const FLEET_BASE_DIR = fileURLToPath(new URL('../examples/', import.meta.url));


/** Builds the scenario of an N-site fleet over `hours` from 2023-01-01 UTC. */
export function generateFleet(sites: number, hours = 8760, seed = 1): ScenarioInput {
  const rand = seededRandom(seed);
  const cooling = ['air', 'cold-plate', 'immersion'] as const;
  const pue = { air: 1.35, 'cold-plate': 1.26, immersion: 1.12 }; // design-point (35 °C) PUEs the archetypes can reach
  const out: ScenarioInput = {
    name: `generated-${sites}-sites`,
    currency: 'USD',
    horizon: { start: '2023-01-01T00:00Z', hours, stepMinutes: 60, timeZone: 'UTC' },
    sites: [],
    workloads: [],
  };
  for (let i = 0; i < sites; i++) {
    const m = MARKETS[i % MARKETS.length]!;
    const gpus = 1024 * (1 + Math.floor(rand() * 8));
    const arch = cooling[Math.floor(rand() * 3)]!;
    const id = `s${String(i).padStart(3, '0')}`;
    const data = `data/markets/${m.zone}`;
    out.sites.push({
      id,
      latitude: m.lat + rand() - 0.5,
      longitude: m.lon + rand() - 0.5,
      timeZone: m.tz,
      gridZone: m.zone,
      grid: { importLimitMW: (gpus * 1.6) / 1000 + 2, exportLimitMW: 2 },
      it: [{ accelerator: 'H100', gpus }],
      facility: { cooling: { archetype: arch, designPUE: pue[arch] } },
      renewables: rand() < 0.6 ? [{ id: 'solar', type: 'solar', capacityMW: Math.round(rand() * 10) + 1 }] : [],
      storage: rand() < 0.5 ? { energyMWh: 8, powerMW: 2 } : undefined,
      tariff: { energy: { type: 'spot', adderPerMWh: 10 }, demandChargePerKWMonth: 5, export: { type: 'spot' } },
      series: {
        price: { file: `${data}/prices-2023.csv.gz`, format: 'market-prices' },
        carbonIntensity: { file: `${data}/carbon-2023.csv.gz`, format: 'electricity-maps' },
        weather: { file: `${data}/weather-2023.json.gz`, format: 'open-meteo' },
      },
    });
    out.workloads!.push({
      id: `${id}-chat`,
      type: 'inference',
      accelerator: 'H100',
      sites: [id],
      minPowerFraction: 0.6,
      demandTokensPerSecond: { dailyProfile: [3, 2, 2, 2, 2, 3, 4, 5, 6, 7, 7, 8, 8, 8, 8, 8, 7, 7, 6, 6, 5, 5, 4, 3], scale: gpus * 40 },
    });
    out.workloads!.push({
      id: `${id}-train`,
      type: 'training',
      accelerator: 'H100',
      sites: [id],
      workGpuHours: Math.round(gpus * 0.4 * hours * (0.6 + 0.3 * rand())),
      gpus: { max: Math.round(gpus * 0.5) },
      qosFloor: 0.5,
      minPowerFraction: 0.5,
    });
  }
  return out;
}
