/**
 * Relative humidity from air and dew-point temperature (Magnus formula with the
 * Alduchov–Eskridge 1996 coefficients, accurate to ~0.4 % between −40 and 50 °C). Used when a
 * weather file gives the dew point but no humidity (UCI Beijing PRSA, some Open-Meteo requests).
 */

const A = 17.625;
const B = 243.04; // °C

/** Relative humidity in % (clamped to 0–100) from temperature and dew point in °C; NaN if either is NaN. */
export function relativeHumidityFromDewPoint(tempC: number, dewPointC: number): number {
  const rh = 100 * Math.exp((A * dewPointC) / (B + dewPointC) - (A * tempC) / (B + tempC));
  if (Number.isNaN(rh)) return NaN;
  return rh > 100 ? 100 : rh < 0 ? 0 : rh;
}
