import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { acceptedUnits, unitConversion } from './units.ts';
import type { Quantity } from './types.ts';

const where = { file: 'f.csv', path: 'p' };

/** Converts one value the way the aligner does (energy is per hour here). */
function conv(value: number, unit: string, quantity: Quantity, currency?: string): number {
  const c = unitConversion(unit, quantity, where, currency);
  return value * c.scale + c.offset;
}

describe('unit conversion to canonical units', () => {
  it('prices: per MWh as is, per kWh × 1000, currency kept', () => {
    expect(conv(42, 'USD/MWh', 'price')).toBe(42);
    expect(conv(0.5, 'CNY/kWh', 'price')).toBe(500);
    expect(unitConversion('cny/kwh', 'price', where).currency).toBe('CNY');
    expect(unitConversion('€/MWh', 'price', where, 'EUR').unitTo).toBe('EUR/MWh');
  });

  it('prices: another currency than the scenario is refused, naming both', () => {
    try {
      unitConversion('USD/MWh', 'price', where, 'CNY');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).message).toContain('CNY');
      expect((e as InputError).message).toContain('USD');
    }
  });

  it('carbon intensity: g/kWh = kg/MWh; t/MWh × 1000; lb/MWh × 0.4536', () => {
    expect(conv(300, 'gCO2/kWh', 'carbonIntensity')).toBe(300);
    expect(conv(300, 'gCO₂eq/kWh', 'carbonIntensity')).toBe(300);
    expect(conv(300, 'kgCO2/MWh', 'carbonIntensity')).toBe(300);
    expect(conv(0.3, 'tCO2/MWh', 'carbonIntensity')).toBeCloseTo(300, 12);
    expect(conv(1000, 'lbCO2/MWh', 'carbonIntensity')).toBeCloseTo(453.59237, 9);
  });

  it('shares and capacity factors: % / 100, fractions as is', () => {
    expect(conv(42, '%', 'share')).toBeCloseTo(0.42, 15);
    expect(conv(0.42, 'fraction', 'capacityFactor')).toBe(0.42);
    expect(conv(0.42, '1', 'share')).toBe(0.42);
  });

  it('temperature: °F and K to °C', () => {
    expect(conv(212, 'degF', 'temperature')).toBeCloseTo(100, 12);
    expect(conv(32, '°F', 'temperature')).toBeCloseTo(0, 12);
    expect(conv(273.15, 'K', 'temperature')).toBeCloseTo(0, 12);
    expect(conv(21, '°C', 'temperature')).toBe(21);
  });

  it('wind speed to m/s', () => {
    expect(conv(36, 'km/h', 'windSpeed')).toBeCloseTo(10, 12);
    expect(conv(10, 'mph', 'windSpeed')).toBeCloseTo(4.4704, 12);
    expect(conv(10, 'mp/h', 'windSpeed')).toBeCloseTo(4.4704, 12);
    expect(conv(10, 'kn', 'windSpeed')).toBeCloseTo(5.14444, 5);
  });

  it('power to kW; energy flagged for conversion to average power', () => {
    expect(conv(2, 'MW', 'power')).toBe(2000);
    expect(conv(2500, 'W', 'power')).toBe(2.5);
    expect(conv(1, 'GW', 'power')).toBe(1e6);
    const e = unitConversion('MWh', 'power', where);
    expect(e).toMatchObject({ scale: 1000, energy: true, unitTo: 'kW' });
    expect(unitConversion('kW', 'power', where).energy).toBe(false);
  });

  it('token rates to tokens/s', () => {
    expect(conv(3600, 'tokens/h', 'tokensPerSecond')).toBe(1);
    expect(conv(120, 'tokens/min', 'tokensPerSecond')).toBe(2);
  });

  it('an unknown unit lists the accepted ones', () => {
    for (const [unit, q] of [['furlongs', 'windSpeed'], ['MW', 'price'], ['%', 'carbonIntensity'], ['kg', 'power']] as const) {
      try {
        unitConversion(unit, q, where);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        const msg = (e as InputError).message;
        expect(msg).toContain(`"${unit}"`);
        expect(msg).toContain(acceptedUnits(q)[0] as string);
        expect((e as InputError).format()).toContain('f.csv');
      }
    }
  });
});
