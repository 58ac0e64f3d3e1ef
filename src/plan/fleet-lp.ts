/**
 * The fleet dispatch linear program for one planning window (the whole horizon for `optimal`,
 * 48 h for a `rolling` step). Formulation in docs/optimisation.md. Power columns are in kW,
 * GPU columns in GPUs (fractions of a step allowed: time-sharing), money in the scenario
 * currency. Facility power is affine in IT power at each step, with the physics stage's
 * coefficients, so the plan and the simulated ledger rest on the same numbers.
 */
import { LinearModel } from '../optimize/index.ts';
import { BillBook } from './bill-book.ts';
import { addMinimumChargeRows, addTariffRows, emptyTariffState, tariffBinaries, TARIFF_PERIOD_ROWS, TARIFF_STEP_ROWS, type RowTagger, type TariffState } from './tariff-lp.ts';
import type { OperatingPoint } from '../physics/types.ts';
import type { FleetModel, SiteModel, WorkloadModel } from '../model/fleet-model.ts';
import { stepHours, stepStartMs } from '../time/grid.ts';
import { formatLocalIso } from '../time/zone.ts';
import { planPoints } from './operating-points.ts';

/** A limit on the power of a group of sites over a window (a grid event, a DR commitment). */
export interface PowerCap {
  label: string;
  sites: number[];
  /** First step (inclusive) and last (exclusive). */
  from: number;
  to: number;
  maxKW: number;
  /** What is limited: GPU power, IT power, facility power or net grid import. */
  measure: 'gpu' | 'it' | 'facility' | 'grid';
  /**
   * The cap continues over sites outside this model (a decomposition plans them separately): its
   * rows are built over this model's sites without bounds, and listed in `layout.coupling` so
   * the caller can price and measure them.
   */
  open?: boolean;
}

/**
 * A fleet-wide sum over steps [from, to) and a group of sites: the CO2 of their grid imports
 * (tonnes) or their direct-green energy minus `share` × their facility energy (kWh).
 */
export interface FleetBudget {
  label: string;
  sites: number[];
  from: number;
  to: number;
  kind: 'co2' | 'green-surplus';
  /** Direct-green share of facility energy the surplus is measured against ('green-surplus'). */
  share?: number;
  /** 'co2': at most this many tonnes; 'green-surplus': at least this many kWh. Undefined: measured only. */
  bound?: number;
  /** As {@link PowerCap.open}: the sum continues over sites outside this model. */
  open?: boolean;
}

/** A fleet row of this model that is not enforced here: open (continued elsewhere) or measured only. */
export interface CouplingRowRef {
  source: 'cap' | 'budget';
  /** Index into `options.caps` or `options.budgets`. */
  index: number;
  /** Grid step of a cap row; -1 for a budget. */
  step: number;
  row: number;
  /** Part of the measured quantity that no decision changes (idle power, fixed loads); value = activity + constant. */
  constant: number;
}

/** What the plan believes about the window: forecasts (or actuals) indexed by grid step. */
export interface WindowSignals {
  importPrice: Float64Array[];
  exportPrice: Float64Array[];
  /** Available output per site and renewable plant, kW. */
  renewableKW: Float64Array[][];
  /** Inference demand per workload (undefined for jobs), tokens/s. */
  demand: Array<Float64Array | undefined>;
}

/** State carried into a window from what was already committed. */
export interface WindowState {
  socKWh: number[];
  doneGpuHours: number[];
  /** Per site: demand peaks, imported and credited energy so far (tariff rules that span windows). */
  tariff: TariffState[];
  /** Per site and generator: hours run so far. */
  runHours: number[][];
}

/** The state before anything is committed: storage at its initial charge, nothing done, no peaks. */
export function emptyWindowState(model: FleetModel): WindowState {
  return {
    socKWh: model.sites.map((s) => s.storage?.socInitialKWh ?? 0),
    doneGpuHours: model.workloads.map(() => 0),
    tariff: model.sites.map(() => emptyTariffState()),
    runHours: model.sites.map((s) => s.generators.map(() => 0)),
  };
}

/** Largest number of binary variables a model may carry before tariff and generator rules are relaxed. */
export const MAX_BINARIES = 400;
/** Longest window (steps) solved as a mixed-integer program. */
export const MAX_INTEGER_STEPS = 24 * 4 * 14;

export interface FleetLpOptions {
  /** Minimise cost, or maximise weighted QoS of continuous jobs (cost as a tie-breaker). */
  objective: 'cost' | 'qos';
  caps: PowerCap[];
  /** Rolling windows: jobs need only make the progress that keeps their deadline reachable. */
  rolling: boolean;
  /** Value per GPU-hour of progress made in this window (rolling), per workload. */
  terminalValuePerGpuHour?: number[];
  /** Operating points kept per curve. */
  maxPoints: number;
  /** Steps over which a continuous job's QoS is measured (default: its release–deadline window). */
  qosWindow?: Array<[number, number] | undefined>;
  /**
   * Storage at the end of the window: at least its initial state of charge (intermediate rolling
   * windows), or the storage's end state where the window ends the horizon; false: free.
   */
  holdStorageEnd: boolean;
  /** Binary variables for non-convex tariff rules and generator commitment: exact, relaxed, or exact when small (default). */
  integers?: 'auto' | 'exact' | 'relax';
  /** Plan only these sites (and the workloads and caps entirely within them); default all. */
  sites?: number[];
  /** Rolling: work each job should have done in total by the end of the window (from the guide), GPU-h. */
  progressTarget?: number[];
  /** Fleet CO2 budgets and green-share rules over these sites. */
  budgets?: FleetBudget[];
}

/** Where each decision lives in the model, for extraction and explanations. */
export interface FleetLpLayout {
  from: number;
  to: number;
  /** Columns per site (undefined for sites outside this model); gen: output and on/off (−1 when not modelled) per generator. */
  sites: Array<{ g: number; e: number; r: number[]; c: number; d: number; soc: number; gen: Array<{ p: number; u: number }> } | undefined>;
  /** Per site: the cost terms booked under bill components (the plan's predicted bill). */
  books: Array<BillBook | undefined>;
  /** Rules relaxed because the model is too large for binaries. */
  relaxations: string[];
  /** Binary columns in the model. */
  integerColumns: number;
  jobs: Array<{ workload: number; site: number; first: number; t0: number; t1: number; points: OperatingPoint[] }>;
  inference: Array<{ workload: number; site: number; first: number; points: OperatingPoint[] }>;
  unserved: Map<number, number>;
  unfinished: Map<number, number>;
  qosSlack: Map<number, number>;
  /** The work row of each job in this window: whole remaining work (`work`), progress needed (`work-progress`) or QoS floor (`qos`). */
  workRows: Array<{ workload: number; row: number; kind: 'work' | 'work-progress' | 'qos' }>;
  /** Row groups that an elastic re-solve may relax, with their human labels. */
  softRows: Array<{ group: string; rows: number[]; label: (row: number) => string; unit: string; scale: number }>;
  /** Open and measured-only fleet rows (bounds free), for a decomposition to price and read. */
  coupling: CouplingRowRef[];
}

/** The built model and its layout. */
export interface FleetLp {
  lp: LinearModel;
  layout: FleetLpLayout;
}

const QOS_WEIGHT = 1e6;

/** Steps of the effective run window of a finite job (QoS floor stretches the full-speed duration). */
export function effectiveDeadline(w: WorkloadModel, h: number, steps: number): number {
  if (w.type === 'inference' || w.continuous || w.qosFloor === undefined || w.qosFloor <= 0) return Math.min(steps, w.deadlineStep);
  // the longest run that still averages the floor: full-speed hours / floor, rounded down to whole steps
  const fullSpeedHours = w.workGpuHours / (w.gpusMax * w.fullPower.throughput);
  const fullSpeedSteps = Math.ceil(fullSpeedHours / h - 1e-9);
  const stretched = Math.max(fullSpeedSteps, Math.floor(fullSpeedHours / (w.qosFloor * h) + 1e-9));
  return Math.min(steps, w.deadlineStep, w.releaseStep + stretched);
}

/** A generator needs an on/off decision when it has a minimum load, a no-load fuel use or a run-hour limit. */
function needsCommitment(g: SiteModel['generators'][number]): boolean {
  return g.minKW > 0 || g.fuelNoLoadPerHour > 0 || g.maxRunHours !== undefined;
}

function idleShare(site: SiteModel, acc: string): number {
  if (site.idleGpus === 'off') return 0;
  return site.pools.find((p) => p.acceleratorId === acc)?.idleItPowerW ?? 0;
}

/** Builds the LP of steps [from, to). */
/** Kinds of rows; row names are built only when asked for (exports, explanations): each row keeps a small tag. */
const ROW_KINDS = ['balance', 'gpus', 'job-gpus', 'work', 'work-cap', 'work-progress', 'qos', 'demand', 'soc-balance', 'green-target', 'certificates-def', 'pue-excess-def', 'cap', 'fleet-co2', 'fleet-green', 'gen-max', 'gen-min', 'gen-hours', ...TARIFF_STEP_ROWS, ...TARIFF_PERIOD_ROWS] as const;
type RowKind = (typeof ROW_KINDS)[number];
const STEP_KINDS = new Set<string>(['balance', 'soc-balance', 'gen-max', 'gen-min', ...TARIFF_STEP_ROWS]);

/** What the sections of one window's LP share (see {@link buildFleetLp}). */
interface LpBuild {
  model: FleetModel;
  from: number;
  to: number;
  /** Steps of the window. */
  T: number;
  /** Hours per step. */
  h: number;
  grid: FleetModel['grid'];
  signals: WindowSignals;
  state: WindowState;
  opts: FleetLpOptions;
  lp: LinearModel;
  layout: FleetLpLayout;
  inModel: Set<number>;
  sites: SiteModel[];
  workloads: WorkloadModel[];
  caps: PowerCap[];
  budgets: FleetBudget[];
  when: (t: number) => string;
  /** Begins a row of a kind (with its site or workload and step, for its name). */
  row: (lower: number, upper: number, kind: RowKind, a?: number, b?: number) => number;
  tag: RowTagger;
  periodKeys: string[];
  /** Binaries are exact (else relaxed). */
  integers: boolean;
  relaxations: Set<string>;
  /** Operating points and effective deadline per workload of the model. */
  points: OperatingPoint[][];
  effDeadline: number[];
  jobsAt: Array<FleetLpLayout['jobs']>;
  infAt: Array<FleetLpLayout['inference']>;
  addItTerms: (s: number, t: number, scale: number, measure?: 'it' | 'gpu') => void;
  facilityConstant: (s: number, t: number) => number;
  itConstant: (s: number, measure?: 'it' | 'gpu') => number;
  slope: (s: number, t: number) => number;
}

export function buildFleetLp(model: FleetModel, from: number, to: number, signals: WindowSignals, state: WindowState, opts: FleetLpOptions): FleetLp {
  const { grid } = model;
  const h = stepHours(grid);
  const T = to - from;
  const lp = new LinearModel('minimize');
  const when = (t: number) => formatLocalIso(stepStartMs(grid, t), model.sites[0]?.calendar.offsetMinutes[t] ?? 0).slice(0, 16);
  const layout: FleetLpLayout = { from, to, sites: model.sites.map(() => undefined), books: model.sites.map(() => undefined), relaxations: [], integerColumns: 0, jobs: [], inference: [], unserved: new Map(), unfinished: new Map(), qosSlack: new Map(), workRows: [], softRows: [], coupling: [] };
  const inModel = new Set(opts.sites ?? model.sites.map((s) => s.index));
  const sites = model.sites.filter((s) => inModel.has(s.index));
  const workloads = model.workloads.filter((w) => w.siteIndices.every((s) => inModel.has(s)));
  const caps = opts.caps.filter((c) => (c.open ? c.sites.some((s) => inModel.has(s)) : c.sites.every((s) => inModel.has(s))));
  const budgets = (opts.budgets ?? []).filter((b) => (b.open || b.bound === undefined ? b.sites.some((s) => inModel.has(s)) : b.sites.every((s) => inModel.has(s))));

  // each row's kind, site or workload, and step or period: its name when asked for
  const tagKind: number[] = [];
  const tagA: number[] = [];
  const tagB: number[] = [];
  const periodKeys: string[] = [];
  const row = (lower: number, upper: number, kind: RowKind, a = -1, b = -1): number => {
    tagKind.push(ROW_KINDS.indexOf(kind));
    tagA.push(a);
    tagB.push(b);
    return lp.beginRow(lower, upper);
  };
  const describeRow = (i: number): string => {
    const kind = ROW_KINDS[tagKind[i]!]!;
    const a = tagA[i]!;
    const b = tagB[i]!;
    if (STEP_KINDS.has(kind)) return `${kind}[${model.sites[a]!.id},${when(b)}]`;
    if ((TARIFF_PERIOD_ROWS as readonly string[]).includes(kind) || kind === 'gen-hours') return `${kind}[${model.sites[a]!.id},${periodKeys[b]}]`;
    switch (kind) {
      case 'gpus': {
        const site = model.sites[a >> 8]!;
        return `gpus[${site.id},${site.pools[a & 255]!.acceleratorId},${when(b)}]`;
      }
      case 'job-gpus':
      case 'demand':
        return `${kind}[${model.workloads[a]!.id},${when(b)}]`;
      case 'work':
      case 'work-cap':
      case 'work-progress':
      case 'qos':
        return `${kind}[${model.workloads[a]!.id}]`;
      case 'green-target':
      case 'certificates-def':
      case 'pue-excess-def':
        return `${kind}[${model.sites[a]!.id},${periodKeys[b]}]`;
      case 'cap':
        return `cap[${caps[a]!.label},${when(b)}]`;
      case 'fleet-co2':
      case 'fleet-green':
        return `${kind}[${budgets[a]!.label}]`;
      default:
        return kind;
    }
  };
  const tag = {
    step: (lower: number, upper: number, kind: (typeof TARIFF_STEP_ROWS)[number], site: number, t: number) => row(lower, upper, kind, site, t),
    period: (lower: number, upper: number, kind: (typeof TARIFF_PERIOD_ROWS)[number], site: number, key: string) => {
      periodKeys.push(key);
      return row(lower, upper, kind, site, periodKeys.length - 1);
    },
  };
  // binaries: exact when the model is small enough for branch and bound, relaxed otherwise
  let binaries = 0;
  for (const site of sites) {
    binaries += tariffBinaries(site, from, to);
    for (const g of site.generators) if (needsCommitment(g)) binaries += T;
  }
  const integers = opts.integers === 'exact' || (opts.integers !== 'relax' && binaries <= MAX_BINARIES && T <= MAX_INTEGER_STEPS);
  const relaxations = new Set<string>();

  lp.reserve(T * (7 * sites.length + workloads.reduce((a, w) => a + 1 + w.siteIndices.length * opts.maxPoints, 0)) + 64, 0, 0);

  // per site: its jobs' and inference services' columns (filled once the columns exist)
  const jobsAt: Array<FleetLpLayout['jobs']> = [];
  const infAt: Array<FleetLpLayout['inference']> = [];
  /** Adds the IT-power terms of site s at step t, scaled by `scale` (kW per column unit). */
  const addItTerms = (s: number, t: number, scale: number, measure: 'it' | 'gpu' = 'it') => {
    const site = model.sites[s]!;
    for (const j of jobsAt[s]!) {
      if (t < j.t0 || t >= j.t1) continue;
      const w = model.workloads[j.workload]!;
      const idle = measure === 'it' ? idleShare(site, w.acceleratorId) : site.idleGpus === 'off' ? 0 : w.accelerator.idleW;
      const base = j.first + (t - j.t0) * j.points.length;
      j.points.forEach((p, k) => lp.addTerm(base + k, (scale * ((measure === 'it' ? p.itPowerW : p.gpuPowerW) - idle)) / 1000));
    }
    for (const i of infAt[s]!) {
      const w = model.workloads[i.workload]!;
      const idleIt = measure === 'it' ? idleShare(site, w.acceleratorId) : site.idleGpus === 'off' ? 0 : w.accelerator.idleW;
      const headroom = site.idleGpus === 'off' ? (1 / w.maxUtilisation - 1) * (measure === 'it' ? site.pools.find((p) => p.acceleratorId === w.acceleratorId)!.idleItPowerW : w.accelerator.idleW) : 0;
      const base = i.first + (t - from) * i.points.length;
      i.points.forEach((p, k) => lp.addTerm(base + k, (scale * ((measure === 'it' ? p.itPowerW : p.gpuPowerW) - idleIt + headroom)) / 1000));
    }
  };
  /** Facility power of site s at step t that no decision changes beyond the IT idle floor: fixed overhead and facility loads, kW. */
  const facilityConstant = (s: number, t: number) => model.sites[s]!.facility.fixedKW + model.sites[s]!.facilityLoadKW[t]!;
  /** IT (or GPU) power of site s at step t that no decision changes, kW: the idle floor. */
  const itConstant = (s: number, measure: 'it' | 'gpu' = 'it') => {
    const site = model.sites[s]!;
    if (site.idleGpus === 'off') return 0;
    return site.pools.reduce((a, p) => a + (p.gpus * (measure === 'it' ? p.idleItPowerW : p.accelerator.idleW)) / 1000, 0);
  };
  const slope = (s: number, t: number) => 1 + model.sites[s]!.facility.lossSlope + model.sites[s]!.facility.coolingSlope[t]!;

  // each section is its own function: one function for the whole model took V8's optimising
  // compiler seconds per attempt, and it recompiled whenever the shapes it met changed
  const b: LpBuild = { model, from, to, T, h, grid, signals, state, opts, lp, layout, inModel, sites, workloads, caps, budgets, when, row, tag, periodKeys, integers, relaxations, points: [], effDeadline: [], jobsAt, infAt, addItTerms, facilityConstant, itConstant, slope };
  addSiteColumns(b);
  addWorkloadColumns(b);

  // rows and non-zeros, estimated once so the builder does not grow its arrays step by step
  lp.reserve(lp.numColumns + 16, T * (sites.length * 6 + workloads.length * 2) + 64, lp.numColumns * 5 + T * sites.length * 16);
  for (const site of sites) {
    jobsAt[site.index] = [];
    infAt[site.index] = [];
  }
  for (const j of layout.jobs) jobsAt[j.site]!.push(j);
  for (const i of layout.inference) infAt[i.site]!.push(i);

  addBalanceRows(b);
  addGpuRows(b);
  addJobRows(b);
  addDemandRows(b);
  addStorageRows(b);
  addTariffs(b);
  addGreenRules(b);
  addCapRows(b);
  addBudgetRows(b);

  for (const site of sites) addMinimumChargeRows(lp, layout.books[site.index]!, site, from, to, tag);

  layout.relaxations = [...relaxations];
  layout.integerColumns = lp.size().integerColumns;
  lp.nameRows(0, lp.numRows, describeRow);
  return { lp, layout };
}

/** The site columns: import, export, renewables used, storage, generators (costs booked by bill component). */
function addSiteColumns(b: LpBuild): void {
  const { from, to, T, h, grid, signals, opts, lp, layout, sites, when, integers, relaxations } = b;
  // ---- site columns: import, export, renewables used, storage, generators (costs booked below by bill component)
  for (const site of sites) {
    const s = site.index;
    const book = new BillBook(lp);
    layout.books[s] = book;
    const g = lp.addVariables(T, {
      nameFn: (k) => `import[${site.id},${when(from + k)}]`,
      upper: (k) => site.importLimitKW[from + k]!,
    });
    let e = -1;
    if (site.canExport) {
      e = lp.addVariables(T, { nameFn: (k) => `export[${site.id},${when(from + k)}]`, upper: (k) => site.exportLimitKW[from + k]! });
    }
    // one column for all plants: curtailment is pro rata across plants, as the bill assumes
    const r = site.renewables.length
      ? [
          lp.addVariables(T, {
            nameFn: (k) => `renewable[${site.id},${when(from + k)}]`,
            upper: (k) => site.renewables.reduce((a, _re, p) => a + Math.max(0, signals.renewableKW[s]![p]![from + k]!), 0),
          }),
        ]
      : [];
    for (const col of r) {
      for (let k = 0; k < T; k++) {
        let sum = 0, priced = 0;
        site.renewables.forEach((re, p) => {
          const a = Math.max(0, signals.renewableKW[s]![p]![from + k]!);
          sum += a;
          priced += a * re.pricePerMWh;
        });
        if (sum > 0) book.add('renewableSupply', col + k, (priced / sum) * (h / 1000));
      }
    }
    let c = -1, d = -1, soc = -1;
    const st = site.storage;
    if (st) {
      c = lp.addVariables(T, { nameFn: (k) => `charge[${site.id},${when(from + k)}]`, upper: st.powerKW });
      // without wear a tiny cost (1e-7 per kWh) still keeps the plan from charging and discharging
      // in one step when energy is free at the margin (a binding minimum charge): the simulator
      // nets the two into one setpoint and could not follow
      d = lp.addVariables(T, { nameFn: (k) => `discharge[${site.id},${when(from + k)}]`, upper: st.powerKW, cost: (st.degradationCostPerKWh > 0 ? st.degradationCostPerKWh : 1e-7) * h });
      const start = Math.max(st.socMinKWh, Math.min(st.socMaxKWh, st.socInitialKWh));
      const endsHorizon = to === grid.steps;
      const endLo = !opts.holdStorageEnd ? st.socMinKWh : endsHorizon ? st.endSoc.minKWh : start;
      const endHi = opts.holdStorageEnd && endsHorizon ? st.endSoc.maxKWh : st.socMaxKWh;
      soc = lp.addVariables(T, {
        nameFn: (k) => `soc[${site.id},${when(from + k)}]`,
        lower: (k) => (k === T - 1 ? endLo : st.socMinKWh),
        upper: (k) => (k === T - 1 ? endHi : st.socMaxKWh),
      });
    }
    const gen = site.generators.map((gm) => {
      const p = lp.addVariables(T, { nameFn: (k) => `generator[${site.id},${gm.id},${when(from + k)}]`, upper: gm.capacityKW });
      const co2PerKWh = (gm.fuelPerKWh * gm.co2KgPerFuelUnit) / 1000; // t per kWh
      for (let k = 0; k < T; k++) {
        book.add('generation', p + k, (gm.fuelPerKWh * gm.fuelPrice + gm.variableCostPerKWh) * h);
        if (site.tariff.carbonPricePerTonne > 0) book.add('carbon', p + k, co2PerKWh * site.tariff.carbonPricePerTonne * h);
      }
      let u = -1;
      if (needsCommitment(gm)) {
        u = lp.addVariables(T, { nameFn: (k) => `generator-on[${site.id},${gm.id},${when(from + k)}]`, upper: 1, integer: integers });
        const noLoadCo2 = (gm.fuelNoLoadPerHour * gm.co2KgPerFuelUnit) / 1000;
        for (let k = 0; k < T; k++) {
          book.add('generation', u + k, gm.fuelNoLoadPerHour * gm.fuelPrice * h);
          if (site.tariff.carbonPricePerTonne > 0) book.add('carbon', u + k, noLoadCo2 * site.tariff.carbonPricePerTonne * h);
        }
        if (!integers && (gm.minKW > 0 || gm.fuelNoLoadPerHour > 0)) {
          relaxations.add(`generator ${gm.id} at ${site.id}: on/off relaxed (no binaries: the model is too large), so its minimum load and no-load fuel are spread over partial running; the simulator runs it at least at minimum load`);
        }
      }
      return { p, u };
    });
    layout.sites[s] = { g, e, r, c, d, soc, gen };
  }
}

/** The workload columns: operating points per step, unserved demand, unfinished work and QoS shortfall. */
function addWorkloadColumns(b: LpBuild): void {
  const { model, from, to, T, h, grid, signals, state, opts, lp, layout, workloads, when, points, effDeadline } = b;
  // ---- workload columns
  // per workload of this model only: a model of one site in a fleet of thousands stays small to build
  for (const w of workloads) {
    points[w.index] = planPoints(w, opts.maxPoints);
    effDeadline[w.index] = effectiveDeadline(w, h, grid.steps);
  }
  for (const w of workloads) {
    const pts = points[w.index]!;
    if (w.type === 'inference') {
      for (const s of w.siteIndices) {
        const first = lp.addVariables(T * pts.length, {
          nameFn: (k) => `serve[${w.id},${model.sites[s]!.id},${when(from + Math.floor(k / pts.length))},${pts[k % pts.length]!.gpuPowerW.toFixed(0)}W]`,
          cost: (k) => (-w.value * (w.tokensPerGpuHour / 1e6) * pts[k % pts.length]!.throughput * h),
        });
        layout.inference.push({ workload: w.index, site: s, first, points: pts });
      }
      const q = lp.addVariables(T, { nameFn: (k) => `unserved[${w.id},${when(from + k)}]`, upper: (k) => signals.demand[w.index]![from + k]!, cost: (w.unservedPenalty * 3600 * h) / 1e6 });
      layout.unserved.set(w.index, q);
      continue;
    }
    const t0 = Math.max(from, w.releaseStep);
    const t1 = Math.min(to, w.continuous ? Math.min(grid.steps, w.deadlineStep) : effDeadline[w.index]!);
    if (t1 <= t0) continue;
    const left = w.continuous ? Infinity : w.workGpuHours - state.doneGpuHours[w.index]!;
    if (left <= 1e-9) continue;
    const terminal = opts.terminalValuePerGpuHour?.[w.index] ?? 0;
    const qw = opts.qosWindow?.[w.index] ?? [w.releaseStep, Math.min(grid.steps, w.deadlineStep)];
    const qosHours = Math.max(h, (qw[1] - qw[0]) * h);
    for (const s of w.siteIndices) {
      const n = t1 - t0;
      const first = lp.addVariables(n * pts.length, {
        nameFn: (k) => `run[${w.id},${model.sites[s]!.id},${when(t0 + Math.floor(k / pts.length))},${pts[k % pts.length]!.gpuPowerW.toFixed(0)}W]`,
        upper: w.gpusMax,
        cost: (k) => {
          const t = t0 + Math.floor(k / pts.length);
          const work = pts[k % pts.length]!.throughput * h;
          let v = -(w.value + terminal) * work;
          if (opts.objective === 'qos' && w.continuous && w.qosFloor !== undefined && t >= qw[0] && t < qw[1]) v -= (QOS_WEIGHT * w.qosWeight * work) / (w.gpusMax * qosHours);
          return v;
        },
      });
      layout.jobs.push({ workload: w.index, site: s, first, t0, t1, points: pts });
    }
    if (!w.continuous) layout.unfinished.set(w.index, lp.addVariable({ name: `unfinished[${w.id}]`, cost: w.unservedPenalty, upper: left }));
    else if (w.qosFloor !== undefined) layout.qosSlack.set(w.index, lp.addVariable({ name: `qos-shortfall[${w.id}]`, cost: w.unservedPenalty * 10 + (opts.objective === 'qos' ? QOS_WEIGHT * 10 : 0) }));
  }
}

/** The power balance of each site and step, and the generators' on/off rows. */
function addBalanceRows(b: LpBuild): void {
  const { from, to, T, h, state, lp, layout, sites, row, periodKeys, addItTerms, facilityConstant, itConstant, slope } = b;
  // ---- balance rows: renewables + discharge + generators + import − export − charge = facility + site loads
  const balanceRows: number[] = [];
  const balanceAt: Array<[number, number]> = []; // row → (site, step), for explanations
  for (let t = from; t < to; t++) {
    const k = t - from;
    for (const site of sites) {
      const s = site.index;
      const L = layout.sites[s]!;
      const a = slope(s, t);
      const rhs = a * itConstant(s) + facilityConstant(s, t) + site.siteLoadKW[t]!;
      balanceRows.push(row(rhs, rhs, 'balance', s, t));
      balanceAt.push([s, t]);
      lp.addTerm(L.g + k, 1);
      if (L.e >= 0) lp.addTerm(L.e + k, -1);
      for (const r of L.r) lp.addTerm(r + k, 1);
      if (L.c >= 0) {
        lp.addTerm(L.c + k, -1);
        lp.addTerm(L.d + k, 1);
      }
      for (const gc of L.gen) lp.addTerm(gc.p + k, 1);
      addItTerms(s, t, -a);
      lp.endRow();
    }
  }
  // ---- generators: output within [minimum load, rating] while on; run hours
  for (const site of sites) {
    const L = layout.sites[site.index]!;
    site.generators.forEach((gm, j) => {
      const { p, u } = L.gen[j]!;
      if (u < 0) return;
      for (let k = 0; k < T; k++) {
        row(-Infinity, 0, 'gen-max', site.index, from + k);
        lp.addTerm(p + k, 1);
        lp.addTerm(u + k, -gm.capacityKW);
        lp.endRow();
        if (gm.minKW > 0) {
          row(0, Infinity, 'gen-min', site.index, from + k);
          lp.addTerm(p + k, 1);
          lp.addTerm(u + k, -gm.minKW);
          lp.endRow();
        }
      }
      if (gm.maxRunHours !== undefined) {
        periodKeys.push(gm.id);
        row(-Infinity, Math.max(0, gm.maxRunHours - (state.runHours[site.index]?.[j] ?? 0)), 'gen-hours', site.index, periodKeys.length - 1);
        for (let k = 0; k < T; k++) lp.addTerm(u + k, h);
        lp.endRow();
      }
    });
  }
  const firstBalance = balanceRows[0] ?? 0;
  layout.softRows.push({ group: 'power supply', rows: balanceRows, label: (row) => balanceAt[row - firstBalance]!.join('@'), unit: 'kWh', scale: h });
}

/** GPU capacity per site, pool and step. */
function addGpuRows(b: LpBuild): void {
  const { model, from, to, lp, sites, row, jobsAt, infAt } = b;
  // ---- GPU capacity per site, pool and step
  for (const site of sites) {
    const s = site.index;
    for (const pool of site.pools) {
      const js = jobsAt[s]!.filter((j) => model.workloads[j.workload]!.acceleratorId === pool.acceleratorId);
      const is = infAt[s]!.filter((i) => model.workloads[i.workload]!.acceleratorId === pool.acceleratorId);
      if (js.length === 0 && is.length === 0) continue;
      const maxJobs = js.reduce((a, j) => a + model.workloads[j.workload]!.gpusMax, 0);
      for (let t = from; t < to; t++) {
        if (is.length === 0 && maxJobs <= pool.gpus) break; // cannot bind
        row(-Infinity, pool.gpus, 'gpus', (s << 8) | site.pools.indexOf(pool), t);
        for (const j of js) {
          if (t < j.t0 || t >= j.t1) continue;
          const base = j.first + (t - j.t0) * j.points.length;
          for (let k = 0; k < j.points.length; k++) lp.addTerm(base + k, 1);
        }
        for (const i of is) {
          const u = model.workloads[i.workload]!.maxUtilisation;
          const base = i.first + (t - from) * i.points.length;
          for (let k = 0; k < i.points.length; k++) lp.addTerm(base + k, 1 / u);
        }
        lp.endRow();
      }
    }
  }
}

/** Jobs: GPUs per step, non-pausable runs, work and QoS. */
function addJobRows(b: LpBuild): void {
  const { from, to, h, grid, state, opts, lp, layout, workloads, row, effDeadline } = b;
  // ---- jobs: GPUs per step, non-pausable runs, work and QoS
  for (const w of workloads) {
    if (w.type === 'inference') continue;
    const js = layout.jobs.filter((j) => j.workload === w.index);
    if (js.length === 0) continue;
    const { t0, t1, points: pts } = js[0]!;
    const fixedRun = !w.pausable;
    for (let t = t0; t < t1; t++) {
      if (!fixedRun && js.length === 1 && pts.length === 1) continue; // the column bound suffices
      const lo = fixedRun ? w.gpusMax : -Infinity;
      row(lo, w.gpusMax, 'job-gpus', w.index, t);
      for (const j of js) {
        const base = j.first + (t - j.t0) * pts.length;
        for (let k = 0; k < pts.length; k++) lp.addTerm(base + k, 1);
      }
      lp.endRow();
    }
    const workTerms = (filter?: (t: number) => boolean) => {
      for (const j of js) for (let t = j.t0; t < j.t1; t++) {
        if (filter && !filter(t)) continue;
        const base = j.first + (t - j.t0) * pts.length;
        pts.forEach((p, k) => lp.addTerm(base + k, p.throughput * h));
      }
    };
    if (!w.continuous) {
      const left = w.workGpuHours - state.doneGpuHours[w.index]!;
      const u = layout.unfinished.get(w.index)!;
      if (!opts.rolling || effDeadline[w.index]! <= to) {
        // the whole remaining work must be done in this window (or counted as unfinished)
        const r = row(left, left, 'work', w.index);
        workTerms();
        lp.addTerm(u, 1);
        lp.endRow();
        layout.workRows.push({ workload: w.index, row: r, kind: 'work' });
        layout.softRows.push({ group: 'job deadlines', rows: [r], label: () => `job ${w.id} before its deadline`, unit: 'GPU-h', scale: 1 });
      } else {
        // progress needed now so that the rest still fits before the effective deadline
        const after = (effDeadline[w.index]! - to) * w.gpusMax * w.fullPower.throughput * h;
        const paced = (opts.progressTarget?.[w.index] ?? 0) - state.doneGpuHours[w.index]!;
        const need = Math.min(left, Math.max(0, left - after, paced));
        row(-Infinity, left, 'work-cap', w.index);
        workTerms();
        lp.endRow();
        if (need > 0) {
          const r = row(need, Infinity, 'work-progress', w.index);
          workTerms();
          lp.addTerm(u, 1);
          lp.endRow();
          layout.workRows.push({ workload: w.index, row: r, kind: 'work-progress' });
        } else lp.setBounds(u, 0, 0);
      }
    } else if (w.qosFloor !== undefined) {
      const qw = opts.qosWindow?.[w.index] ?? [w.releaseStep, Math.min(grid.steps, w.deadlineStep)];
      const a = Math.max(qw[0], from);
      const b = Math.min(qw[1], to);
      if (b > a) {
        const need = w.qosFloor * w.gpusMax * (b - a) * h;
        const r = row(need, Infinity, 'qos', w.index);
        workTerms((t) => t >= a && t < b);
        lp.addTerm(layout.qosSlack.get(w.index)!, 1);
        lp.endRow();
        layout.workRows.push({ workload: w.index, row: r, kind: 'qos' });
        layout.softRows.push({ group: 'QoS floors', rows: [r], label: () => `job ${w.id} QoS floor ${w.qosFloor}`, unit: 'GPU-h', scale: 1 });
      }
    }
  }
}

/** Inference demand: served + unserved = demand. */
function addDemandRows(b: LpBuild): void {
  const { from, to, signals, lp, layout, workloads, row } = b;
  // ---- inference demand: served + unserved = demand
  for (const w of workloads) {
    if (w.type !== 'inference') continue;
    const is = layout.inference.filter((i) => i.workload === w.index);
    const rate = w.tokensPerGpuHour / 3600;
    const q = layout.unserved.get(w.index)!;
    for (let t = from; t < to; t++) {
      const D = signals.demand[w.index]![t]!;
      row(D, D, 'demand', w.index, t);
      for (const i of is) {
        const base = i.first + (t - from) * i.points.length;
        i.points.forEach((p, k) => lp.addTerm(base + k, rate * p.throughput));
      }
      lp.addTerm(q + (t - from), 1);
      lp.endRow();
    }
  }
}

/** Storage dynamics. */
function addStorageRows(b: LpBuild): void {
  const { from, T, h, state, lp, layout, sites, row } = b;
  // ---- storage dynamics
  for (const site of sites) {
    const st = site.storage;
    if (!st) continue;
    const L = layout.sites[site.index]!;
    for (let k = 0; k < T; k++) {
      const rhs = k === 0 ? state.socKWh[site.index]! : 0;
      row(rhs, rhs, 'soc-balance', site.index, from + k);
      lp.addTerm(L.soc + k, 1);
      if (k > 0) lp.addTerm(L.soc + k - 1, -1);
      lp.addTerm(L.c + k, -st.chargeEfficiency * h);
      lp.addTerm(L.d + k, h / st.dischargeEfficiency);
      lp.endRow();
    }
  }
}

/** The tariffs: demand charges, energy blocks, two-part basic charge, export credits, fixed charges. */
function addTariffs(b: LpBuild): void {
  const { from, to, grid, signals, state, lp, layout, sites, tag, integers, relaxations } = b;
  // ---- the tariff: demand charges, energy blocks, two-part basic charge, export credits, fixed charges
  for (const site of sites) {
    const s = site.index;
    const L = layout.sites[s]!;
    const exportSources = [...L.r, ...(L.d >= 0 ? [L.d] : []), ...site.generators.flatMap((gm, j) => (gm.canExport ? [L.gen[j]!.p] : []))];
    addTariffRows({
      lp, book: layout.books[s]!, site, grid, from, to,
      cols: { g: L.g, e: L.e, exportSources, charge: L.c },
      importPrice: signals.importPrice[s]!,
      exportPrice: signals.exportPrice[s]!,
      state: state.tariff[s]!,
      integers,
      tag,
      notes: relaxations,
    });
  }
}

/** Green-share rules: direct-green targets (hard), certificates and PUE excess (priced). */
function addGreenRules(b: LpBuild): void {
  const { from, to, h, lp, layout, sites, row, periodKeys, addItTerms, facilityConstant, itConstant, slope } = b;
  // ---- green-share rules: direct-green targets (hard), certificates and PUE excess (priced)
  for (const site of sites) {
    const s = site.index;
    const L = layout.sites[s]!;
    const periods = (kind: 'horizon' | 'month' | 'year'): Array<[string, number[]]> => {
      const map = new Map<string, number[]>();
      for (let t = from; t < to; t++) {
        const key = kind === 'horizon' ? 'horizon' : kind === 'month' ? site.calendar.monthKeys[site.calendar.monthIndex[t]!]! : site.calendar.monthKeys[site.calendar.monthIndex[t]!]!.slice(0, 4);
        map.set(key, [...(map.get(key) ?? []), t]);
      }
      return [...map];
    };
    const greenRow = (share: number, steps: number[], kind: 'green-target' | 'certificates-def', key: string, extraCol?: number) => {
      let rhs = 0;
      for (const t of steps) rhs += share * h * (slope(s, t) * itConstant(s) + facilityConstant(s, t));
      periodKeys.push(key);
      const r = row(rhs, Infinity, kind, s, periodKeys.length - 1);
      // direct green ≈ renewables taken − exported − lost in storage round trips
      const loss = site.storage ? 1 - site.storage.chargeEfficiency * site.storage.dischargeEfficiency : 0;
      for (const t of steps) {
        for (const r of L.r) lp.addTerm(r + t - from, h);
        if (L.e >= 0) lp.addTerm(L.e + t - from, -h);
        if (L.c >= 0 && loss > 0) lp.addTerm(L.c + t - from, -loss * h);
        addItTerms(s, t, -share * slope(s, t) * h);
      }
      if (extraCol !== undefined) lp.addTerm(extraCol, 1);
      lp.endRow();
      return r;
    };
    const gt = site.spec.greenTarget;
    if (gt && L.r.length > 0) {
      for (const [key, steps] of periods(gt.period)) {
        const r = greenRow(gt.directGreenRatio, steps, 'green-target', key);
        layout.softRows.push({ group: 'direct green target', rows: [r], label: () => `site ${site.id}: direct green ≥ ${(gt.directGreenRatio * 100).toFixed(0)} % of facility energy (${key})`, unit: 'kWh', scale: 1 });
      }
    }
    const gc = site.tariff.greenCertificates;
    if (gc) {
      for (const [key, steps] of periods('year')) {
        const cert = lp.addVariable({ name: `certificates[${site.id},${key}]` });
        layout.books[s]!.add('certificates', cert, gc.pricePerMWh / 1000);
        greenRow(gc.targetGreenShare, steps, 'certificates-def', key, cert);
      }
    }
    const pue = site.tariff.pueAdjustment;
    if (pue && pue.basis === 'excessEnergy' && pue.tiers.length > 0) {
      const tier = [...pue.tiers].sort((a, b) => a.aboveLimitByFraction - b.aboveLimitByFraction)[0]!;
      for (const [key, steps] of periods(pue.period === 'month' ? 'month' : 'year')) {
        const ex = lp.addVariable({ name: `pue-excess[${site.id},${key}]` });
        layout.books[s]!.add('pueAdjustment', ex, tier.surchargePerMWh / 1000);
        let rhs = 0;
        for (const t of steps) rhs += h * ((slope(s, t) - pue.limit) * itConstant(s) + facilityConstant(s, t));
        periodKeys.push(key);
        row(rhs, Infinity, 'pue-excess-def', s, periodKeys.length - 1);
        lp.addTerm(ex, 1);
        for (const t of steps) addItTerms(s, t, -(slope(s, t) - pue.limit) * h);
        lp.endRow();
      }
    }
  }
}

/** Power caps (grid events, commitments, the fleet import cap). */
function addCapRows(b: LpBuild): void {
  const { model, from, to, h, opts, lp, layout, inModel, caps, row, addItTerms, facilityConstant, itConstant, slope } = b;
  // ---- power caps (grid events, commitments, the fleet import cap)
  for (const cap of caps) {
    const a = Math.max(cap.from, from);
    const b = Math.min(cap.to, to);
    const rows: number[] = [];
    const capSites = cap.open ? cap.sites.filter((s) => inModel.has(s)) : cap.sites;
    for (let t = a; t < b; t++) {
      let constant = 0;
      for (const s of capSites) {
        if (cap.measure === 'gpu') constant += itConstant(s, 'gpu');
        else if (cap.measure === 'it') constant += itConstant(s);
        else if (cap.measure === 'facility') constant += slope(s, t) * itConstant(s) + facilityConstant(s, t);
      }
      if (cap.open) layout.coupling.push({ source: 'cap', index: opts.caps.indexOf(cap), step: t, row: lp.numRows, constant });
      const r = row(-Infinity, cap.open ? Infinity : cap.maxKW - constant, 'cap', caps.indexOf(cap), t);
      if (!cap.open) rows.push(r);
      for (const s of capSites) {
        const L = layout.sites[s]!;
        if (cap.measure === 'grid') {
          lp.addTerm(L.g + t - from, 1);
          if (L.e >= 0) lp.addTerm(L.e + t - from, -1);
          // a generator a program does not allow counts as load: its output is no reduction
          model.sites[s]!.generators.forEach((gm, j) => {
            if (!gm.drAllowed) lp.addTerm(L.gen[j]!.p + t - from, 1);
          });
        } else if (cap.measure === 'gpu') addItTerms(s, t, 1, 'gpu');
        else addItTerms(s, t, cap.measure === 'facility' ? slope(s, t) : 1);
      }
      lp.endRow();
    }
    if (rows.length) layout.softRows.push({ group: `power cap ${cap.label}`, rows, label: (row) => lp.rowName(row), unit: 'kWh', scale: h });
  }
}

/** Fleet budgets: CO2 of grid imports, direct green against a share of facility energy. */
function addBudgetRows(b: LpBuild): void {
  const { model, from, to, h, opts, lp, layout, inModel, budgets, row, addItTerms, facilityConstant, itConstant, slope } = b;
  // ---- fleet budgets: CO2 of grid imports, direct green against a share of facility energy
  for (const [i, bud] of budgets.entries()) {
    const a = Math.max(bud.from, from);
    const b = Math.min(bud.to, to);
    const measured = bud.open || bud.bound === undefined;
    const budSites = bud.sites.filter((s) => inModel.has(s));
    let constant = 0;
    if (bud.kind === 'green-surplus') {
      const share = bud.share ?? 0;
      for (const s of budSites) for (let t = a; t < b; t++) constant -= share * h * (slope(s, t) * itConstant(s) + facilityConstant(s, t));
    }
    if (measured) layout.coupling.push({ source: 'budget', index: (opts.budgets ?? []).indexOf(bud), step: -1, row: lp.numRows, constant });
    const lower = bud.kind === 'green-surplus' && !measured ? bud.bound! - constant : -Infinity;
    const upper = bud.kind === 'co2' && !measured ? bud.bound! : Infinity;
    const r = row(lower, upper, bud.kind === 'co2' ? 'fleet-co2' : 'fleet-green', i);
    for (const s of budSites) {
      const L = layout.sites[s]!;
      const site = model.sites[s]!;
      if (bud.kind === 'co2') {
        // kWh × g/kWh = g; tonnes = g / 1e6
        for (let t = a; t < b; t++) lp.addTerm(L.g + t - from, (site.carbonIntensity[t]! * h) / 1e6);
        continue;
      }
      // direct green ≈ renewables taken − exported − lost in storage round trips (as the site rule)
      const loss = site.storage ? 1 - site.storage.chargeEfficiency * site.storage.dischargeEfficiency : 0;
      for (let t = a; t < b; t++) {
        for (const rc of L.r) lp.addTerm(rc + t - from, h);
        if (L.e >= 0) lp.addTerm(L.e + t - from, -h);
        if (L.c >= 0 && loss > 0) lp.addTerm(L.c + t - from, -loss * h);
        addItTerms(s, t, -(bud.share ?? 0) * slope(s, t) * h);
      }
    }
    lp.endRow();
    if (!measured) {
      layout.softRows.push(
        bud.kind === 'co2'
          ? { group: 'fleet CO2 budget', rows: [r], label: () => `fleet CO2 budget ${bud.label} (${bud.bound!.toFixed(1)} t)`, unit: 't', scale: 1 }
          : { group: 'fleet direct green share', rows: [r], label: () => `fleet direct green ≥ ${((bud.share ?? 0) * 100).toFixed(0)} % of facility energy (${bud.label})`, unit: 'kWh', scale: 1 },
      );
    }
  }
}
