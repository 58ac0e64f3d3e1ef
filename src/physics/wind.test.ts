import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadWeather } from '../series/load.ts';
import type { TimeGrid } from '../time/grid.ts';
import { farmPowerCurveFraction, normalCdf, powerCurveFraction, speedSpreadMS, windAtHub, windCapacityFactor } from './wind.ts';

function mean(a: Float64Array): number {
  return a.reduce((s, x) => s + x, 0) / a.length;
}

/** The parameters of the first physics stage: 1/7 shear, rated 12 m/s, single-turbine curve. */
const OLD = { shearExponent: 0.143, ratedMS: 12, speedSpreadMS: 0, speedSpreadFraction: 0 };
const DEFAULT_CURVE = { cutInMS: 3, ratedMS: 11, cutOutMS: 25, speedSpreadMS: 0.6, speedSpreadFraction: 0.2 };

/** 10 m wind speeds of an Open-Meteo 2023 file (km/h in the file), m/s. */
function openMeteoWind(market: string): Float64Array {
  const json = JSON.parse(
    gunzipSync(readFileSync(new URL(`../../examples/data/markets/${market}/weather-2023.json.gz`, import.meta.url))).toString('utf8'),
  ) as { hourly_units: { windspeed_10m: string }; hourly: { windspeed_10m: number[] } };
  expect(json.hourly_units.windspeed_10m).toBe('km/h');
  return Float64Array.from(json.hourly.windspeed_10m, (v) => v / 3.6);
}

describe('wind: shear and single-turbine curve', () => {
  it('scales speed to hub height by the power law', () => {
    // 5 m/s at 10 m, hub 100 m: α = 0.143 → 6.95 m/s; α = 0.2 (default) → 5 × 10^0.2 = 7.92 m/s
    expect(windAtHub(5, 10, 100, 0.143)).toBeCloseTo(6.95, 2);
    expect(windAtHub(5, 10, 100, 0.2)).toBeCloseTo(7.92, 2);
    expect(windAtHub(7, 100, 100, 0.2)).toBe(7);
  });

  it('follows the generic power curve at known points', () => {
    // cut-in 3, rated 12, cut-out 25
    expect(powerCurveFraction(2.9, 3, 12, 25)).toBe(0);
    expect(powerCurveFraction(3, 3, 12, 25)).toBe(0);
    expect(powerCurveFraction(7.5, 3, 12, 25)).toBeCloseTo((7.5 ** 3 - 27) / (1728 - 27), 12); // 0.23214
    expect(powerCurveFraction(12, 3, 12, 25)).toBe(1);
    expect(powerCurveFraction(25, 3, 12, 25)).toBe(1);
    expect(powerCurveFraction(25.1, 3, 12, 25)).toBe(0);
  });

  it('reproduces the single-turbine model step by step when the spread is zero', () => {
    const speeds = Float64Array.from([0, 2, 5, 9, 20, 30, Number.NaN]);
    const cf = windCapacityFactor(speeds, 10, OLD);
    const hub = (v: number) => v * 10 ** 0.143;
    expect(cf[0]).toBe(0);
    expect(cf[1]).toBe(0); // 2 m/s → 2.78 m/s at hub, below cut-in
    expect(cf[2]).toBeCloseTo(((hub(5) ** 3 - 27) / (1728 - 27)) * 0.9, 12); // 6.95 m/s → 0.1848
    expect(cf[3]).toBeCloseTo(0.9, 12); // 12.5 m/s at hub: rated
    expect(cf[4]).toBe(0); // 27.8 m/s at hub: storm shutdown
    expect(cf[5]).toBe(0);
    expect(cf[6]).toBe(0);
    const single = windCapacityFactor(Float64Array.from([8]), 100, { lossesFraction: 0, cutInMS: 4, ratedMS: 13, speedSpreadMS: 0, speedSpreadFraction: 0 });
    expect(single[0]).toBeCloseTo((512 - 64) / (2197 - 64), 12);
  });
});

describe('wind: farm power curve', () => {
  it('has spread σ = 0.6 + 0.2·v by default', () => {
    expect(speedSpreadMS(10, DEFAULT_CURVE)).toBeCloseTo(2.6, 12);
    expect(speedSpreadMS(0, DEFAULT_CURVE)).toBeCloseTo(0.6, 12);
  });

  it('matches the hand-worked Gaussian average of a cubic: E[u³] = v³ + 3vσ²', () => {
    // cut-in 0, rated 20: f(u) = u³/8000 below rated. v = 10, σ = 1 (constant): the kernel stays
    // inside 0–20, so the farm gives (1000 + 30)/8000 = 0.12875.
    const p = { cutInMS: 0, ratedMS: 20, cutOutMS: 40, speedSpreadMS: 1, speedSpreadFraction: 0 };
    expect(farmPowerCurveFraction(10, p)).toBeCloseTo(0.12875, 6);
  });

  it('is 1 where the whole spread lies between rated and cut-out, and the single curve with no spread', () => {
    const narrow = { ...DEFAULT_CURVE, speedSpreadMS: 0.5, speedSpreadFraction: 0 };
    expect(farmPowerCurveFraction(18, narrow)).toBeCloseTo(1, 6);
    const none = { ...DEFAULT_CURVE, speedSpreadMS: 0, speedSpreadFraction: 0 };
    for (const v of [0, 2.9, 5, 10.9, 11, 20, 25, 25.1]) expect(farmPowerCurveFraction(v, none)).toBe(powerCurveFraction(v, 3, 11, 25));
  });

  it('smooths the corners: output just below cut-in, under 1 at rated, a gradual storm shutdown', () => {
    const f = (v: number) => farmPowerCurveFraction(v, DEFAULT_CURVE);
    expect(f(2.5)).toBeGreaterThan(0);
    expect(f(2.5)).toBeLessThan(0.01);
    expect(f(11)).toBeGreaterThan(0.75);
    expect(f(11)).toBeLessThan(0.95);
    expect(f(25)).toBeGreaterThan(0.3);
    expect(f(25)).toBeLessThan(0.7);
    // σ grows with v, so a storm hour still sees part of the farm below cut-out.
    expect(f(40)).toBeLessThan(0.05);
    expect(f(60)).toBeLessThan(0.01);
    // Rising from 0 to its peak, falling after it; never above 1.
    let peak = 0;
    for (let v = 0; v <= 45; v += 0.25) peak = Math.max(peak, f(v));
    expect(peak).toBeLessThanOrEqual(1);
    expect(peak).toBeGreaterThan(0.9);
    let prev = 0;
    for (let v = 0; v <= 14; v += 0.25) {
      expect(f(v)).toBeGreaterThanOrEqual(prev - 1e-12);
      prev = f(v);
    }
  });

  it('agrees with brute-force numerical integration of the Gaussian average (property)', () => {
    // Midpoint rule over ±8σ, split at the curve's kinks and at the cut-out step so that every piece is
    // smooth (error O(du²)): independent of the closed form's partial moments.
    const numeric = (v: number, p: typeof DEFAULT_CURVE): number => {
      const sigma = speedSpreadMS(v, p);
      const lo = v - 8 * sigma;
      const hi = v + 8 * sigma;
      const cuts = [lo, ...[p.cutInMS, p.ratedMS, p.cutOutMS].filter((c) => c > lo && c < hi), hi];
      let s = 0;
      for (let i = 0; i + 1 < cuts.length; i++) {
        const n = 4000;
        const du = (cuts[i + 1]! - cuts[i]!) / n;
        for (let k = 0; k < n; k++) {
          const u = cuts[i]! + (k + 0.5) * du;
          s += du * powerCurveFraction(u, p.cutInMS, p.ratedMS, p.cutOutMS) * Math.exp(-0.5 * ((u - v) / sigma) ** 2);
        }
      }
      return s / (sigma * Math.sqrt(2 * Math.PI));
    };
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 45, noNaN: true }),
        fc.double({ min: 0.1, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 0.4, noNaN: true }),
        fc.double({ min: 9, max: 14, noNaN: true }),
        (v, a, b, rated) => {
          const p = { ...DEFAULT_CURVE, ratedMS: rated, speedSpreadMS: a, speedSpreadFraction: b };
          expect(Math.abs(farmPowerCurveFraction(v, p) - numeric(v, p))).toBeLessThan(2e-5);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('uses a normal distribution function accurate to 1.5e-7', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655254, 6);
    expect(normalCdf(-8)).toBeLessThan(1e-6);
  });

  it('keeps every capacity factor in [0, 1] for any parameters and speeds (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 60, noNaN: false }), { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0, max: 0.6, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (speeds, shear, a, b) => {
          const cf = windCapacityFactor(Float64Array.from(speeds), 10, { shearExponent: shear, speedSpreadMS: a, speedSpreadFraction: b });
          for (const x of cf) expect(x >= 0 && x <= 1).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('wind: annual capacity factors from shipped weather (docs/model.md §3.2)', () => {
  it('Dallas 2023: 0.134 with the old single-turbine 1/7 model, about 0.25 with the farm defaults', () => {
    const v = openMeteoWind('US-TEX-ERCO');
    expect(mean(windCapacityFactor(v, 10, OLD))).toBeCloseTo(0.134, 3);
    const cf = mean(windCapacityFactor(v, 10));
    // A Dallas (city) weather point, not the West Texas wind belt: below the ERCOT fleet (~0.35, M).
    expect(cf).toBeGreaterThan(0.22);
    expect(cf).toBeLessThan(0.3);
  });

  it('Frankfurt 2023 and Shenyang 2014 rise with the farm defaults and stay below typical fleet values', () => {
    const de = openMeteoWind('DE-LU');
    expect(mean(windCapacityFactor(de, 10, OLD))).toBeCloseTo(0.095, 3);
    const deNew = mean(windCapacityFactor(de, 10));
    expect(deNew).toBeGreaterThan(0.16);
    expect(deNew).toBeLessThan(0.23);

    const grid: TimeGrid = { startMs: Date.UTC(2014, 0, 1) - 8 * 3_600_000, stepMinutes: 60, steps: 8760, timeZone: 'Asia/Shanghai' };
    const w = loadWeather(
      { file: 'ShenyangPM-2014.csv.gz', format: 'uci-pm25' },
      { baseDir: fileURLToPath(new URL('../../examples/data/china-weather/', import.meta.url)), grid, name: 'weather', defaultTimeZone: 'Asia/Shanghai' },
    );
    expect(mean(windCapacityFactor(w.windSpeedMS, w.windHeightM, OLD))).toBeCloseTo(0.077, 3);
    const sy = mean(windCapacityFactor(w.windSpeedMS, w.windHeightM));
    expect(sy).toBeGreaterThan(0.12);
    expect(sy).toBeLessThan(0.2);
  });
});
