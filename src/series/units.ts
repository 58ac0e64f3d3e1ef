/**
 * Unit conversion into the canonical unit of each quantity (CANONICAL_UNIT). A conversion is
 * linear (`value × scale + offset`); energy units are flagged so the aligner can divide by the
 * sample interval and obtain average power (which makes averaging energy equal to summing it).
 */
import { seriesError, type SeriesWhere } from './errors.ts';
import { CANONICAL_UNIT, type Quantity } from './types.ts';

/** How to turn a file's values into the canonical unit. */
export interface UnitConversion {
  unitFrom: string;
  /** Canonical unit; for prices the concrete currency, e.g. `USD/MWh`. */
  unitTo: string;
  scale: number;
  offset: number;
  /** Values are energy per sample (kWh after scaling): divide by the sample length in hours. */
  energy: boolean;
  /** Currency of a price unit. */
  currency?: string;
}

interface Rule {
  scale: number;
  offset?: number;
  energy?: boolean;
}

/** Accepted unit spellings per quantity (normalised: lower case, no spaces, ₂ → 2). */
const TABLES: Record<Exclude<Quantity, 'price'>, Record<string, Rule>> = {
  carbonIntensity: {
    'gco2/kwh': { scale: 1 }, 'gco2eq/kwh': { scale: 1 }, 'gco2e/kwh': { scale: 1 }, 'g/kwh': { scale: 1 },
    'kgco2/mwh': { scale: 1 }, 'kgco2eq/mwh': { scale: 1 }, 'kgco2e/mwh': { scale: 1 }, 'kg/mwh': { scale: 1 },
    'kgco2/kwh': { scale: 1000 }, 'kgco2eq/kwh': { scale: 1000 },
    'tco2/mwh': { scale: 1000 }, 'tco2eq/mwh': { scale: 1000 }, 'tco2e/mwh': { scale: 1000 }, 't/mwh': { scale: 1000 },
    'lbco2/mwh': { scale: 0.45359237 }, 'lbco2eq/mwh': { scale: 0.45359237 }, 'lbs/mwh': { scale: 0.45359237 }, 'lb/mwh': { scale: 0.45359237 },
  },
  share: { '%': { scale: 0.01 }, percent: { scale: 0.01 }, fraction: { scale: 1 }, '1': { scale: 1 } },
  capacityFactor: { '%': { scale: 0.01 }, percent: { scale: 0.01 }, fraction: { scale: 1 }, '1': { scale: 1 } },
  temperature: {
    degc: { scale: 1 }, '°c': { scale: 1 }, c: { scale: 1 }, celsius: { scale: 1 },
    degf: { scale: 5 / 9, offset: (-32 * 5) / 9 }, '°f': { scale: 5 / 9, offset: (-32 * 5) / 9 }, f: { scale: 5 / 9, offset: (-32 * 5) / 9 }, fahrenheit: { scale: 5 / 9, offset: (-32 * 5) / 9 },
    k: { scale: 1, offset: -273.15 }, kelvin: { scale: 1, offset: -273.15 },
  },
  humidity: { '%': { scale: 1 }, percent: { scale: 1 }, fraction: { scale: 100 }, '1': { scale: 100 } },
  cloudCover: { '%': { scale: 1 }, percent: { scale: 1 }, fraction: { scale: 100 }, '1': { scale: 100 } },
  windSpeed: {
    'm/s': { scale: 1 }, mps: { scale: 1 },
    'km/h': { scale: 1 / 3.6 }, kmh: { scale: 1 / 3.6 }, kph: { scale: 1 / 3.6 },
    mph: { scale: 0.44704 }, 'mp/h': { scale: 0.44704 }, 'mi/h': { scale: 0.44704 },
    kn: { scale: 0.514444 }, kt: { scale: 0.514444 }, kts: { scale: 0.514444 }, knots: { scale: 0.514444 },
  },
  power: {
    // lower-case "mw" is megawatt: nobody sizes a data centre in milliwatts
    w: { scale: 0.001 }, kw: { scale: 1 }, mw: { scale: 1000 }, gw: { scale: 1e6 },
    wh: { scale: 0.001, energy: true }, kwh: { scale: 1, energy: true }, mwh: { scale: 1000, energy: true }, gwh: { scale: 1e6, energy: true },
  },
  tokensPerSecond: {
    'tokens/s': { scale: 1 }, 'tokens/sec': { scale: 1 }, 'tok/s': { scale: 1 },
    'tokens/min': { scale: 1 / 60 }, 'tok/min': { scale: 1 / 60 },
    'tokens/h': { scale: 1 / 3600 }, 'tokens/hr': { scale: 1 / 3600 }, 'tok/h': { scale: 1 / 3600 },
  },
  dimensionless: { '1': { scale: 1 }, '': { scale: 1 }, '-': { scale: 1 }, none: { scale: 1 }, fraction: { scale: 1 } },
};

/** Units shown in error messages, per quantity. */
const SHOWN: Record<Quantity, string[]> = {
  price: ['<CUR>/MWh', '<CUR>/kWh (CUR = ISO currency code such as USD, EUR, CNY)'],
  carbonIntensity: ['gCO2/kWh', 'gCO2eq/kWh', 'kgCO2/MWh', 'kgCO2/kWh', 'tCO2/MWh', 'lbCO2/MWh'],
  share: ['%', 'fraction'],
  capacityFactor: ['%', 'fraction'],
  temperature: ['degC', '°C', 'degF', '°F', 'K'],
  humidity: ['%', 'fraction'],
  cloudCover: ['%', 'fraction'],
  windSpeed: ['m/s', 'km/h', 'mph', 'kn'],
  power: ['W', 'kW', 'MW', 'GW', 'Wh', 'kWh', 'MWh', 'GWh (energy per sample, read as average power)'],
  tokensPerSecond: ['tokens/s', 'tokens/min', 'tokens/h'],
  dimensionless: ['1', 'fraction'],
};

/** Unit spellings accepted for a quantity (for messages and docs). */
export function acceptedUnits(quantity: Quantity): string[] {
  return SHOWN[quantity];
}

/** Normalises a unit for lookup: trims, lower-cases, drops spaces, reads ₂/² forms and "per". */
export function normaliseUnit(unit: string): string {
  return unit.trim().toLowerCase().replace(/₂/g, '2').replace(/\s+per\s+/g, '/').replace(/\s+/g, '');
}

const SYMBOLS: Record<string, string> = { $: 'USD', '€': 'EUR', '£': 'GBP' };

/**
 * Resolves how to convert `unit` into the canonical unit of `quantity`. `currency` is the
 * scenario's currency: a price file in another currency is refused, because converting at some
 * exchange rate would silently change every result.
 */
export function unitConversion(unit: string, quantity: Quantity, where: SeriesWhere, currency?: string): UnitConversion {
  if (quantity === 'price') return priceConversion(unit, where, currency);
  const rule = TABLES[quantity][normaliseUnit(unit)];
  if (!rule) {
    throw seriesError(
      where,
      `unit "${unit}" is not a unit of ${describe(quantity)}; use one of: ${SHOWN[quantity].join(', ')}`,
    );
  }
  return {
    unitFrom: unit,
    unitTo: CANONICAL_UNIT[quantity],
    scale: rule.scale,
    offset: rule.offset ?? 0,
    energy: rule.energy ?? false,
  };
}

function priceConversion(unit: string, where: SeriesWhere, currency?: string): UnitConversion {
  const m = /^\s*([A-Za-z]{3}|[$€£]|currency)\s*\/\s*(MWh|kWh)\s*$/i.exec(unit);
  if (!m) {
    throw seriesError(where, `unit "${unit}" is not a price unit; use one of: ${SHOWN.price.join(', ')}`);
  }
  const raw = m[1] as string;
  const fileCurrency = SYMBOLS[raw] ?? (raw.toLowerCase() === 'currency' ? currency : raw.toUpperCase());
  if (currency !== undefined && fileCurrency !== undefined && fileCurrency !== currency.toUpperCase()) {
    throw seriesError(
      where,
      `the scenario's currency is ${currency.toUpperCase()} but this price series is in ${fileCurrency} (unit "${unit}"); ` +
        `convert the prices to ${currency.toUpperCase()} or change the scenario currency`,
    );
  }
  const cur = fileCurrency ?? currency?.toUpperCase();
  const perKWh = (m[2] as string).toLowerCase() === 'kwh';
  return {
    unitFrom: unit,
    unitTo: `${cur ?? 'currency'}/MWh`,
    scale: perKWh ? 1000 : 1,
    offset: 0,
    energy: false,
    currency: cur,
  };
}

function describe(q: Quantity): string {
  switch (q) {
    case 'carbonIntensity': return 'carbon intensity';
    case 'capacityFactor': return 'capacity factor';
    case 'cloudCover': return 'cloud cover';
    case 'windSpeed': return 'wind speed';
    case 'tokensPerSecond': return 'token rate';
    default: return q;
  }
}
