/** The plain-text verdict on one AI production line (printed by `finance`, shown in the report). */
import { formatNumber, formatPercent } from '../report/format.ts';
import type { LineResult } from './value.ts';

/**
 * One sentence per line answering "does it pay back within the target, and what would change
 * that?", from the break-evens.
 */
export function lineVerdict(l: LineResult, currency: string, targetMonths: number): string {
  const t = formatNumber(targetMonths, 0);
  const when = l.paybackMonths === null ? 'does not pay back within the horizon' : `pays back in ${formatNumber(l.paybackMonths, 1)} months`;
  const yes = l.paysBackWithinTarget;
  const head = `${l.id}: ${when}, ${yes ? 'within' : 'not within'} ${t} months.`;
  const be = l.breakEven;
  if (!be) return head;
  const flips: string[] = [];
  const holds: string[] = [];
  const dir = (up: boolean) => (up === yes ? 'above' : 'below');
  if (be.energyPrice.value !== null) flips.push(`electricity ${dir(true)} ${formatNumber(be.energyPrice.value, 1)} ${currency}/MWh (now ${formatNumber(be.energyPrice.base, 1)})`);
  else holds.push(yes ? 'electricity at 10× today' : 'free electricity');
  if (be.utilisation.value !== null) flips.push(`utilisation ${dir(false)} ${formatPercent(be.utilisation.value, 1)} (now ${formatPercent(be.utilisation.base, 1)})`);
  else holds.push(yes ? '1 % utilisation' : '100 % utilisation');
  if (be.pue.value !== null) flips.push(`PUE ${dir(true)} ${formatNumber(be.pue.value, 3)} (now ${formatNumber(be.pue.base, 3)})`);
  else holds.push(yes ? 'PUE 3.0' : 'PUE 1.0');
  if (l.price !== null) {
    if (be.price.value !== null) flips.push(`a price ${dir(false)} ${formatNumber(be.price.value, 3)} ${currency} ${l.priceUnit ?? ''} (now ${formatNumber(l.price, 3)})`);
    else holds.push(yes ? 'a zero price' : 'a price of 10× today');
  }
  const or = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);
  const flipText = flips.length > 0 ? ` It would ${yes ? 'miss' : 'meet'} the target with ${or(flips)}.` : ' No single lever in its range changes that.';
  const holdText = holds.length > 0 ? ` ${or(holds).replace(/^./, (c) => c.toUpperCase())} alone would ${yes ? 'not stop it' : 'not be enough'}.` : '';
  return `${head}${flipText}${holdText}`;
}
