/**
 * A fleet of N virtual sites for `wattshift demo vpp` and the VPP benchmark: A100 clusters of
 * 64–512 GPUs running two or three of the Phoenix field test's jobs (their measured
 * throughput-vs-power curves and Flex tiers, examples/phoenix-2025.yaml), a battery at every third
 * site, on the field test's day and time zone, enrolled in an SRP-style peak-shaving program
 * settled on the hour before the event. Seeded: the same N gives the same fleet.
 */
import { seededRandom } from '../random/seeded.ts';

/** The jobs a virtual site draws from: curve, type and QoS floor (Flex 1/2/3 = 0.9/0.75/0.5). */
const JOBS = [
  { curve: 'ft_llama_8b_p3', type: 'training', floor: 0.75 },
  { curve: 'infer_llama_8b_32g', type: 'batch', floor: 0.5 },
  { curve: 'infer_llama_8b_48g', type: 'batch', floor: 0.9 },
  { curve: 'pt_mpt_13b_sm', type: 'training', floor: 0.5 },
  { curve: 'pt_mpt_7b_fast', type: 'training', floor: 0.5 },
] as const;

/** The event the virtual fleet's program calls: the field test's evening peak, local time. */
export const VIRTUAL_EVENT = '2025-05-03T16:00/3h';

/** The scenario (plain data, JSON-compatible) of a fleet of `n` virtual sites. */
export function virtualFleet(n: number, seed = 7): Record<string, unknown> {
  const rand = seededRandom(seed);
  const sites: unknown[] = [];
  const workloads: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const id = `vs${String(i + 1).padStart(4, '0')}`;
    const gpus = 64 * (1 + Math.floor(rand() * 8));
    const battery = i % 3 === 2;
    sites.push({
      id,
      latitude: 33.45,
      longitude: -112.07,
      grid: { importLimitMW: Math.round(gpus * 0.9 + 100) / 1000 },
      it: [{ accelerator: 'A100', gpus }],
      facility: { cooling: { archetype: 'air', designPUE: 1.3, designOutdoorC: 43, designRelativeHumidity: 15 } },
      ...(battery ? { storage: { energyMWh: Math.round(gpus * 0.4) / 1000, powerMW: Math.round(gpus * 0.2) / 1000 } } : {}),
      tariff: { energy: { type: 'flat', pricePerMWh: 80 } },
    });
    const count = 2 + Math.floor(rand() * 2);
    let left = gpus;
    for (let j = 0; j < count && left >= 16; j++) {
      const job = JOBS[Math.floor(rand() * JOBS.length)]!;
      const g = j === count - 1 ? left : Math.max(16, Math.round((left * (0.3 + 0.4 * rand())) / 8) * 8);
      left -= g;
      workloads.push({
        id: `${id}-${job.curve}-${j}`,
        type: job.type,
        accelerator: 'A100',
        curve: job.curve,
        sites: [id],
        ...(job.type === 'training' ? { workGpuHours: 100000 } : { tokens: 1.0e12 }),
        gpus: { max: g },
        continuous: true,
        qosFloor: job.floor,
      });
    }
  }
  return {
    name: `virtual-fleet-${n}`,
    description: `${n} virtual A100 sites for the VPP demo`,
    currency: 'USD',
    horizon: { start: '2025-05-03T14:45', end: '2025-05-03T21:15', stepMinutes: 15, timeZone: 'America/Phoenix' },
    sites,
    workloads,
    gridPrograms: {
      programs: [
        {
          id: 'vpp-peak',
          name: 'SRP-style peak shaving (assumed terms, as examples/phoenix-2025.yaml)',
          kind: 'peakShaving',
          window: { from: '14:00', to: '22:00' },
          maxDurationHours: 4,
          energyPayPerMWh: 500,
          measurementIntervalMinutes: 15,
          baseline: { method: 'meter-before', meterBeforeHours: 1 },
        },
      ],
    },
  };
}
