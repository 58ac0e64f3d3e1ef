/**
 * Import of a utility rate from the OpenEI U.S. Utility Rate Database (URDB) JSON format, as the
 * utility_rates API returns it (https://openei.org/services/doc/rest/util_rates/?version=7;
 * version 8 adds lookbackPercent, lookbackRange and lookbackMonths), into the scenario's tariff
 * schema. Works on a file the user downloaded; nothing is fetched. Everything URDB holds that the
 * tariff cannot express exactly is either refused with its field name or listed as a warning.
 *
 * Field mapping (docs/tariffs.md, "Importing a URDB rate"):
 * - energyratestructure (periods × tiers, $/kWh: rate + adj) with energyweekdayschedule /
 *   energyweekendschedule (12 × 24 period indices, 0-based) → time-of-use periods and bands;
 *   tiers → energy blocks (block increments must be the same in every period);
 * - flatdemandstructure + flatdemandmonths → demand charges by month (tiers → blocks);
 * - demandratestructure + demandweekdayschedule / demandweekendschedule → time-of-use demand charges;
 * - demandratchetpercentage (v7) or lookbackPercent / lookbackRange / lookbackMonths (v8) → ratchet;
 * - demandwindow → demand averaging interval; coincidentratestructure + coincidentrateschedule →
 *   a demand charge on the schedule's hours (the announced peak times must be added by hand);
 * - fixedchargefirstmeter + fixedchargeunits, fixedmonthlycharge → fixed charges;
 * - mincharge + minchargeunits, minmonthlycharge, annualmincharge → minimum charge;
 * - usenetmetering, dgrules → export; fueladjustmentsmonthly → month-specific prices.
 */
import { InputError } from '../errors/index.ts';

/** A URDB tier. */
interface UrdbTier {
  max?: number | null;
  rate?: number;
  adj?: number;
  unit?: string;
  sell?: number;
}
type Structure = UrdbTier[][];
type Schedule = number[][];

/** The result of an import: a tariff (plain data for YAML or JSON), where it came from, and what was approximated. */
export interface UrdbImport {
  tariff: Record<string, unknown>;
  source: { label?: string; utility?: string; name?: string; uri?: string; startdate?: string; sector?: string };
  warnings: string[];
}

const MONTHS = 12;

function fail(file: string, path: string, message: string): never {
  throw new InputError('SCENARIO_INVALID', message, { file, path });
}

/** Picks one rate from a URDB response (`{ items: [...] }`), an array of rates, or a single rate object. */
export function pickUrdbRate(data: unknown, file: string, label?: string): { rate: Record<string, unknown>; path: string } {
  const items: unknown[] = Array.isArray(data) ? data : data && typeof data === 'object' && Array.isArray((data as { items?: unknown }).items) ? (data as { items: unknown[] }).items : [data];
  const base = Array.isArray(data) ? '' : items.length && items[0] !== data ? 'items' : '';
  const rates = items.map((r, i) => ({ r, path: base ? `${base}[${i}]` : Array.isArray(data) ? `[${i}]` : '' }));
  const isRate = (r: unknown): r is Record<string, unknown> => !!r && typeof r === 'object' && !Array.isArray(r);
  const valid = rates.filter((x) => isRate(x.r));
  if (valid.length === 0) fail(file, base, 'no URDB rate found: expected { "items": [ { "label": …, "energyratestructure": … } ] } or a single rate object');
  if (label !== undefined) {
    const hit = valid.find((x) => (x.r as Record<string, unknown>).label === label);
    if (!hit) fail(file, base, `no rate with label "${label}"; labels in the file: ${valid.map((x) => String((x.r as Record<string, unknown>).label ?? '?')).join(', ')}`);
    return { rate: hit.r as Record<string, unknown>, path: hit.path };
  }
  if (valid.length > 1) fail(file, base, `the file holds ${valid.length} rates; choose one with --label (labels: ${valid.map((x) => String((x.r as Record<string, unknown>).label ?? '?')).join(', ')})`);
  return { rate: valid[0]!.r as Record<string, unknown>, path: valid[0]!.path };
}

/** A period name usable in the tariff schema from a URDB label (`Summer On-Peak` → `summerOnPeak`). */
function periodName(label: string | undefined, fallback: string, taken: Set<string>): string {
  let base = fallback;
  if (label && /[A-Za-z]/.test(label)) {
    const words = label.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(/\s+/);
    base = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join('');
    if (!/^[A-Za-z]/.test(base)) base = `p${base}`;
    if (base === 'criticalPeak') base = 'criticalPeakPeriod';
  }
  let name = base.slice(0, 36);
  for (let k = 2; taken.has(name); k++) name = `${base.slice(0, 33)}${k}`;
  taken.add(name);
  return name;
}

const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** Bands (from, to, months, days) on which a 12 × 24 weekday/weekend schedule equals `want(period)`. */
function scheduleWindows(weekday: Schedule, weekend: Schedule, want: (p: number) => boolean): Array<{ from: string; to: string; months: number[]; days: 'all' | 'workdays' | 'nonWorkdays' }> {
  const out: Array<{ from: string; to: string; months: number[]; days: 'all' | 'workdays' | 'nonWorkdays' }> = [];
  const runs = (row: number[]) => {
    const r: Array<[number, number]> = [];
    for (let h = 0; h < 24; ) {
      if (!want(row[h]!)) {
        h++;
        continue;
      }
      let e = h;
      while (e < 24 && want(row[e]!)) e++;
      r.push([h, e]);
      h = e;
    }
    return r;
  };
  // months with the same hours on weekdays and weekends share their bands
  const groups = new Map<string, number[]>();
  for (let m = 0; m < MONTHS; m++) {
    const key = JSON.stringify([runs(weekday[m]!), runs(weekend[m]!)]);
    groups.set(key, [...(groups.get(key) ?? []), m + 1]);
  }
  for (const [key, months] of groups) {
    const [wd, we] = JSON.parse(key) as [Array<[number, number]>, Array<[number, number]>];
    const same = JSON.stringify(wd) === JSON.stringify(we);
    const add = (r: Array<[number, number]>, days: 'all' | 'workdays' | 'nonWorkdays') => r.forEach(([a, b]) => out.push({ from: hh(a), to: b === 24 ? '24:00' : hh(b), months, days }));
    if (same) add(wd, 'all');
    else {
      add(wd, 'workdays');
      add(we, 'nonWorkdays');
    }
  }
  return out;
}

function checkSchedule(v: unknown, file: string, path: string, periods: number): Schedule {
  if (!Array.isArray(v) || v.length !== MONTHS || v.some((row) => !Array.isArray(row) || row.length !== 24 || row.some((x: unknown) => typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x >= periods))) {
    fail(file, path, `expected 12 months × 24 hours of period indices 0–${periods - 1}`);
  }
  return v as Schedule;
}

function checkStructure(v: unknown, file: string, path: string): Structure {
  if (!Array.isArray(v) || v.length === 0 || v.some((p) => !Array.isArray(p) || p.length === 0 || p.some((t: unknown) => !t || typeof t !== 'object'))) {
    fail(file, path, 'expected an array of periods, each an array of tiers { rate, adj, max, unit }');
  }
  (v as Structure).forEach((p, i) =>
    p.forEach((t, k) => {
      for (const f of ['rate', 'adj', 'max', 'sell'] as const) {
        const x = t[f];
        if (x !== undefined && x !== null && (typeof x !== 'number' || !Number.isFinite(x))) fail(file, `${path}[${i}][${k}].${f}`, `expected a number, found ${JSON.stringify(x)}`);
      }
    }),
  );
  return v as Structure;
}

const price = (t: UrdbTier) => (t.rate ?? 0) + (t.adj ?? 0);
const round = (x: number, d = 10) => Number(x.toFixed(d));

/** Demand tiers of one URDB period as schema tiers (kW, $/kW-month). */
function demandTiers(tiers: UrdbTier[]): { ratePerKWMonth?: number; tiers?: Array<{ upToKW?: number; ratePerKWMonth: number }> } {
  if (tiers.length === 1) return { ratePerKWMonth: round(price(tiers[0]!)) };
  return { tiers: tiers.map((t, k) => ({ ...(k < tiers.length - 1 ? { upToKW: t.max ?? undefined } : {}), ratePerKWMonth: round(price(t)) })) };
}

/** Converts one URDB rate object into a tariff. */
export function urdbToTariff(rate: Record<string, unknown>, file: string, path = ''): UrdbImport {
  const p = (f: string) => (path ? `${path}.${f}` : f);
  const warnings: string[] = [];
  const get = (f: string) => rate[f] ?? rate[f.toLowerCase()] ?? rate[f[0]!.toLowerCase() + f.slice(1)];
  const tariff: Record<string, unknown> = {};

  // ---- energy
  const ers = rate.energyratestructure === undefined ? undefined : checkStructure(rate.energyratestructure, file, p('energyratestructure'));
  if (!ers) fail(file, p('energyratestructure'), 'the rate has no energy charges (energyratestructure); this importer needs them');
  ers.forEach((per, i) =>
    per.forEach((t, k) => {
      if (t.unit !== undefined && t.unit !== 'kWh') fail(file, p(`energyratestructure[${i}][${k}].unit`), `energy tiers in "${t.unit}" cannot be imported; only kWh tiers (monthly consumption) are supported`);
      if (t.sell !== undefined && t.sell !== 0) warnings.push(`energyratestructure[${i}][${k}].sell (${t.sell} $/kWh) is ignored; set tariff.export`);
    }),
  );
  const weekday = checkSchedule(rate.energyweekdayschedule, file, p('energyweekdayschedule'), ers.length);
  const weekend = checkSchedule(rate.energyweekendschedule ?? rate.energyweekdayschedule, file, p('energyweekendschedule'), ers.length);
  // blocks: same boundaries in every period, and the same increments over the first block's price
  const nTiers = Math.max(...ers.map((x) => x.length));
  if (nTiers > 1) {
    const ref = ers.find((x) => x.length === nTiers)!;
    ers.forEach((per, i) => {
      if (per.length !== nTiers) fail(file, p(`energyratestructure[${i}]`), `period ${i} has ${per.length} tiers and another has ${nTiers}; blocks must be the same in every period`);
      per.forEach((t, k) => {
        if ((t.max ?? null) !== (ref[k]!.max ?? null)) fail(file, p(`energyratestructure[${i}][${k}].max`), `block ends differ between periods (${t.max} vs ${ref[k]!.max} kWh); the tariff's energy blocks are the same in every period`);
        const inc = price(t) - price(per[0]!);
        const refInc = price(ref[k]!) - price(ref[0]!);
        if (Math.abs(inc - refInc) > 1e-9) {
          fail(file, p(`energyratestructure[${i}][${k}]`), `block ${k + 1} adds ${round(inc * 1000, 6)} $/MWh in period ${i} but ${round(refInc * 1000, 6)} $/MWh in another; the tariff's energy blocks add the same price in every period`);
        }
      });
    });
    tariff.energyTiers = ref.map((t, k) => ({ ...(k < nTiers - 1 ? { upToKWh: t.max } : {}), adderPerMWh: round((price(t) - price(ref[0]!)) * 1000) }));
  }
  const labels = (rate.energytoulabels as unknown[] | undefined) ?? [];
  const taken = new Set<string>();
  const names = ers.map((_, i) => periodName(typeof labels[i] === 'string' ? (labels[i] as string) : undefined, `p${i}`, taken));
  const basePrice = ers.map((per) => round(price(per[0]!) * 1000));
  const fuel = rate.fueladjustmentsmonthly as number[] | undefined;
  const hasFuel = Array.isArray(fuel) && fuel.length === MONTHS && fuel.some((x) => x !== 0);
  if (ers.length === 1 && !hasFuel) {
    tariff.energy = { type: 'flat', pricePerMWh: basePrice[0] };
  } else {
    // the default period is the one covering most hours of the year's schedule; its hours need no band
    const count = new Array<number>(ers.length).fill(0);
    for (let m = 0; m < MONTHS; m++) {
      for (let h = 0; h < 24; h++) {
        count[weekday[m]![h]!]! += 5; // five weekdays and two weekend days a week
        count[weekend[m]![h]!]! += 2;
      }
    }
    const dflt = count.indexOf(Math.max(...count));
    const bands = ers.flatMap((_, i) => (i === dflt ? [] : scheduleWindows(weekday, weekend, (x) => x === i).map((w) => ({ period: names[i], ...w }))));
    const seasons = hasFuel
      ? fuel.map((adj, m) => ({ name: `fuel adjustment, month ${m + 1}`, months: [m + 1], pricesPerMWh: Object.fromEntries(names.map((n, i) => [n, round(basePrice[i]! + adj * 1000)])) })).filter((_, m) => fuel[m] !== 0)
      : [];
    tariff.energy = { type: 'tou', pricesPerMWh: Object.fromEntries(names.map((n, i) => [n, basePrice[i]])), defaultPeriod: names[dflt], bands, ...(seasons.length ? { seasons } : {}) };
  }

  // ---- demand
  const demandCharges: Array<Record<string, unknown>> = [];
  const units = (f: string) => {
    const u = rate[f];
    if (u !== undefined && u !== 'kW') fail(file, p(f), `demand in "${String(u)}" cannot be imported; only kW demand is supported`);
  };
  units('flatdemandunit');
  units('demandrateunit');
  units('coincidentrateunit');
  const window = rate.demandwindow;
  if (typeof window === 'number' && window > 0) {
    const allowed = [15, 30, 60];
    const nearest = allowed.reduce((a, b) => (Math.abs(b - window) < Math.abs(a - window) ? b : a));
    if (nearest !== window) warnings.push(`demandwindow ${window} min is billed as ${nearest} min (the tariff allows 15, 30 or 60)`);
    tariff.demandIntervalMinutes = nearest;
  }
  if (rate.flatdemandstructure !== undefined) {
    const fds = checkStructure(rate.flatdemandstructure, file, p('flatdemandstructure'));
    const months = (rate.flatdemandmonths as unknown[] | undefined) ?? new Array(MONTHS).fill(0);
    if (!Array.isArray(months) || months.length !== MONTHS || months.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x >= fds.length)) {
      fail(file, p('flatdemandmonths'), `expected 12 period indices 0–${fds.length - 1}`);
    }
    const used = [...new Set(months as number[])];
    if (used.every((i) => fds[i]!.length === 1)) {
      const rates = (months as number[]).map((i) => round(price(fds[i]![0]!)));
      if (rates.some((r) => r > 0)) demandCharges.push({ name: 'maximum demand', ratePerKWMonth: rates.every((r) => r === rates[0]) ? rates[0] : rates });
    } else {
      for (const i of used) {
        demandCharges.push({ name: `maximum demand (season ${i + 1})`, ...demandTiers(fds[i]!), windows: [{ months: (months as number[]).flatMap((x, m) => (x === i ? [m + 1] : [])) }] });
      }
    }
  }
  if (rate.demandratestructure !== undefined) {
    const drs = checkStructure(rate.demandratestructure, file, p('demandratestructure'));
    const dwd = checkSchedule(rate.demandweekdayschedule, file, p('demandweekdayschedule'), drs.length);
    const dwe = checkSchedule(rate.demandweekendschedule ?? rate.demandweekdayschedule, file, p('demandweekendschedule'), drs.length);
    const dl = (rate.demandtoulabels as unknown[] | undefined) ?? [];
    drs.forEach((per, i) => {
      if (per.every((t) => price(t) === 0)) return;
      const windows = scheduleWindows(dwd, dwe, (x) => x === i);
      if (windows.length === 0) return;
      demandCharges.push({ name: typeof dl[i] === 'string' ? `demand, ${dl[i]}` : `time-of-use demand (period ${i})`, ...demandTiers(per), windows });
    });
  }
  if (rate.coincidentratestructure !== undefined) {
    const crs = checkStructure(rate.coincidentratestructure, file, p('coincidentratestructure'));
    const cs = rate.coincidentrateschedule === undefined ? undefined : checkSchedule(rate.coincidentrateschedule, file, p('coincidentrateschedule'), crs.length);
    crs.forEach((per, i) => {
      if (per.every((t) => price(t) === 0)) return;
      const windows = cs ? scheduleWindows(cs, cs, (x) => x === i) : [];
      demandCharges.push({ name: `coincident demand (period ${i})`, ...demandTiers(per), windows });
    });
    warnings.push('coincident demand is imported as a demand charge on the schedule\'s hours; for the utility\'s announced system-peak times add coincident: { times: [...] } to it');
  }
  // ratchet: v8 look-back fields win over the v7 monthly percentages
  const lookPct = get('lookbackPercent');
  const lookRange = get('lookbackRange');
  const lookMonths = get('lookbackMonths');
  const frac = (x: number) => (x > 1 ? x / 100 : x);
  let ratchet: Record<string, unknown> | undefined;
  if (typeof lookPct === 'number' && lookPct > 0) {
    ratchet = { fraction: round(frac(lookPct)) };
    if (typeof lookRange === 'number' && lookRange > 0) ratchet.lookbackMonths = Math.min(36, Math.round(lookRange));
    if (Array.isArray(lookMonths) && lookMonths.length === MONTHS && lookMonths.some(Boolean)) {
      ratchet.months = lookMonths.flatMap((x, m) => (x ? [m + 1] : []));
      ratchet.lookbackMonths ??= 12;
    }
  } else {
    const r = rate.demandratchetpercentage;
    const list = Array.isArray(r) ? (r as number[]) : typeof r === 'number' ? new Array<number>(MONTHS).fill(r) : [];
    if (list.some((x) => x > 0)) {
      if (list.length !== MONTHS) fail(file, p('demandratchetpercentage'), 'expected 12 monthly percentages');
      const f = list.map((x) => round(frac(x)));
      ratchet = { fraction: f.every((x) => x === f[0]) ? f[0] : f, lookbackMonths: 11 };
    }
  }
  if (ratchet) {
    // URDB does not say which demand a ratchet measures: the all-hours charge when there is one, else every charge
    const targets = demandCharges.filter((d) => !d.windows || (d.windows as unknown[]).length === 0);
    (targets.length ? targets : demandCharges).forEach((d) => (d.ratchet = ratchet));
    if (demandCharges.length === 0) warnings.push('the rate has a ratchet but no demand charge; the ratchet is ignored');
    else warnings.push(`the ratchet applies to ${targets.length ? 'the all-hours demand charge' : 'every demand charge'}; its earlier peaks go in history: [{ month: YYYY-MM, peakKW }]`);
  }
  if (demandCharges.length) tariff.demandCharges = demandCharges;

  // ---- fixed and minimum charges
  const perUnit = (value: unknown, unitsField: string, what: string): { month?: number; day?: number } => {
    if (typeof value !== 'number' || value === 0) return {};
    const u = String(rate[unitsField] ?? '$/month').toLowerCase().replace(/\s+/g, '');
    if (u === '$/month') return { month: value };
    if (u === '$/day') return { day: value };
    if (u === '$/year') {
      warnings.push(`${what} of ${value} $/year is billed as ${round(value / 12, 6)} per month`);
      return { month: round(value / 12, 6) };
    }
    fail(file, p(unitsField), `${what} in "${rate[unitsField]}" cannot be imported; use $/month, $/day or $/year`);
  };
  const fixed = perUnit(rate.fixedchargefirstmeter ?? rate.fixedmonthlycharge, rate.fixedchargefirstmeter !== undefined ? 'fixedchargeunits' : '__month', 'the fixed charge');
  if (fixed.month) tariff.fixedChargePerMonth = fixed.month;
  if (fixed.day) tariff.fixedChargePerDay = fixed.day;
  const min = perUnit(rate.mincharge ?? rate.minmonthlycharge, rate.mincharge !== undefined ? 'minchargeunits' : '__month', 'the minimum charge');
  if (min.day) {
    warnings.push(`the minimum charge of ${min.day} $/day is billed as ${round(min.day * 30.4375, 4)} per month (365.25/12 days)`);
    tariff.minimumChargePerMonth = round(min.day * 30.4375, 4);
  } else if (min.month) tariff.minimumChargePerMonth = min.month;
  if (typeof rate.annualmincharge === 'number' && rate.annualmincharge > 0 && tariff.minimumChargePerMonth === undefined) {
    warnings.push(`the annual minimum charge of ${rate.annualmincharge} $ is billed as a monthly minimum of ${round(rate.annualmincharge / 12, 6)}`);
    tariff.minimumChargePerMonth = round(rate.annualmincharge / 12, 6);
  }

  // ---- export
  const dg = String(rate.dgrules ?? '');
  if (rate.usenetmetering === true || dg === 'Net Metering') tariff.export = { type: 'netMetering' };
  else if (dg.startsWith('Net Billing')) warnings.push(`dgrules "${dg}": give the export price series as tariff.export: { type: netBilling, price: ... }`);
  else if (dg === 'Buy All Sell All') warnings.push('dgrules "Buy All Sell All": on-site output is sold at its own price; model it with tariff.export and forbidSimultaneousImportExport: false');

  for (const f of ['demandreactivepowercharge', 'energyattrs', 'demandattrs', 'fixedattrs']) {
    if (rate[f] !== undefined && rate[f] !== 0 && !(Array.isArray(rate[f]) && (rate[f] as unknown[]).length === 0)) warnings.push(`${f} is not imported`);
  }
  const startdate = typeof rate.startdate === 'number' ? new Date(rate.startdate * 1000).toISOString().slice(0, 10) : undefined;
  const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
  // the schema's order, so the YAML reads like a hand-written tariff
  const order = ['energy', 'energyTiers', 'demandIntervalMinutes', 'demandCharges', 'fixedChargePerMonth', 'fixedChargePerDay', 'minimumChargePerMonth', 'export'];
  return {
    tariff: Object.fromEntries(order.filter((k) => tariff[k] !== undefined).map((k) => [k, tariff[k]])),
    source: { label: str(rate.label), utility: str(rate.utility), name: str(rate.name), uri: str(rate.uri), startdate, sector: str(rate.sector) },
    warnings,
  };
}

/** A URDB import as YAML: a `tariff:` block to paste into a site, headed by its source and warnings. */
export function urdbImportYaml(result: UrdbImport, stringify: (value: unknown) => string): string {
  const s = result.source;
  const head = [
    '# Imported from the OpenEI U.S. Utility Rate Database (URDB) with `wattshift tariff import`.',
    s.utility || s.name ? `# ${[s.utility, s.name].filter(Boolean).join(' — ')}` : undefined,
    s.label || s.startdate ? `# label ${s.label ?? '?'}${s.startdate ? `, effective ${s.startdate}` : ''}${s.sector ? `, ${s.sector}` : ''}` : undefined,
    s.uri ? `# ${s.uri}` : undefined,
    '# Prices in USD: the scenario currency must be USD. Check every line against the utility\'s tariff sheet.',
    ...result.warnings.map((w) => `# warning: ${w}`),
  ].filter((x): x is string => x !== undefined);
  return `${head.join('\n')}\n${stringify({ tariff: result.tariff })}`;
}
