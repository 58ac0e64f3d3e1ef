/**
 * A small fleet for the aggregator tests, on hourly steps from 12:00Z: east (1 MW of PV and a
 * 200 kWh / 100 kW battery, exporting), west (600 kW of PV, no battery, exporting) and north (no
 * PV, a 100 kWh / 50 kW battery, importing), each with a training job that may run down to half
 * its performance; and a peak-shaving program settled on the hour before each event.
 */
export const FLEET = `
name: three-sites
currency: USD
horizon: { start: 2025-05-03T12:00, end: 2025-05-03T20:00, stepMinutes: 60, timeZone: UTC }
sites:
  - id: east
    latitude: 33.45
    longitude: -112.07
    grid: { importLimitMW: 1, exportLimitMW: 5 }
    it: [{ accelerator: A100, gpus: 64 }]
    facility: { cooling: { archetype: air, designPUE: 1.3 } }
    renewables: [{ id: pv, type: solar, capacityMW: 1, capacityFactor: { constant: 0.5 } }]
    storage: { energyMWh: 0.2, powerMW: 0.1 }
    tariff: { energy: { type: flat, pricePerMWh: 80 }, export: { type: flat, pricePerMWh: 30 } }
  - id: west
    latitude: 33.45
    longitude: -112.07
    grid: { importLimitMW: 1, exportLimitMW: 5 }
    it: [{ accelerator: A100, gpus: 64 }]
    facility: { cooling: { archetype: air, designPUE: 1.3 } }
    renewables: [{ id: pv, type: solar, capacityMW: 0.6, capacityFactor: { constant: 0.5 } }]
    tariff: { energy: { type: flat, pricePerMWh: 80 }, export: { type: flat, pricePerMWh: 30 } }
  - id: north
    latitude: 33.45
    longitude: -112.07
    grid: { importLimitMW: 1, exportLimitMW: 5 }
    it: [{ accelerator: A100, gpus: 256 }]
    facility: { cooling: { archetype: air, designPUE: 1.3 } }
    storage: { energyMWh: 0.1, powerMW: 0.05 }
    tariff: { energy: { type: flat, pricePerMWh: 80 } }
workloads:
  - { id: train-east, type: training, accelerator: A100, sites: [east], workGpuHours: 100000, gpus: { max: 64 }, continuous: true, qosFloor: 0.5 }
  - { id: train-west, type: training, accelerator: A100, sites: [west], workGpuHours: 100000, gpus: { max: 64 }, continuous: true, qosFloor: 0.5 }
  - { id: train-north, type: training, accelerator: A100, sites: [north], workGpuHours: 100000, gpus: { max: 256 }, continuous: true, qosFloor: 0.5 }
gridPrograms:
  programs:
    - id: flex
      kind: peakShaving
      measurementIntervalMinutes: 60
      baseline: { method: meter-before, meterBeforeHours: 1 }
`;
