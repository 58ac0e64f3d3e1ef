/** Moist-air helpers for heat rejection: the wet-bulb temperature that cooling towers approach. */

/** Relative-humidity range (%) over which Stull's fit was made; inputs are clamped into it. */
export const STULL_RH_RANGE: readonly [number, number] = [5, 99];

/**
 * Wet-bulb temperature (°C) from dry-bulb temperature (°C) and relative humidity (%) at sea-level
 * pressure, by Stull (2011), "Wet-Bulb Temperature from Relative Humidity and Air Temperature",
 * J. Appl. Meteor. Climatol. 50:2267–2269. The fit holds for RH 5–99 % and −20…50 °C (error
 * within about ±1 °C); RH is clamped to 5–99 % and the result never exceeds the dry bulb.
 */
export function wetBulbStullC(temperatureC: number, relativeHumidityPct: number): number {
  const T = temperatureC;
  const RH = Math.min(STULL_RH_RANGE[1], Math.max(STULL_RH_RANGE[0], relativeHumidityPct));
  const tw =
    T * Math.atan(0.151977 * Math.sqrt(RH + 8.313659)) +
    Math.atan(T + RH) -
    Math.atan(RH - 1.676331) +
    0.00391838 * RH ** 1.5 * Math.atan(0.023101 * RH) -
    4.686035;
  return Math.min(tw, T);
}
