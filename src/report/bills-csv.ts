/**
 * Bills as CSV: every line item of every site's monthly bill, in the order the bills list
 * them, so a spreadsheet can re-add the totals.
 */
import type { SiteBill } from '../billing/bill.ts';
import { csvField, csvNumber, currencyTag } from './format.ts';

/** Quantities to 6 decimals (MWh to the watt-hour, so a 1 kW site's bill keeps its kWh); bills are small, so the exact formatter is fast enough. */
const quantity = (x: number): string => (Number.isFinite(x) ? (x === 0 ? '0' : x.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 6 })) : '');
const rate = csvNumber(4);
const money = csvNumber(2);

/** Bill line items of all sites as one CSV text: `site,month,item,quantity,unit,rate,rate_unit,amount_<CUR>`. */
export function billsCsv(bills: SiteBill[], currency: string): string {
  const cur = currencyTag(currency);
  const out: string[] = [`site,month,item,quantity,unit,rate,rate_unit,amount_${cur}`];
  for (const b of bills) {
    const site = csvField(b.site);
    for (const l of b.lines) {
      // the rate unit reads "per MWh" in the bill; the CSV names the currency too
      const rateUnit = l.rateUnit.startsWith('per ') ? `${cur} ${l.rateUnit}` : l.rateUnit;
      out.push([site, csvField(l.month), csvField(l.item), quantity(l.quantity), csvField(l.unit), rate(l.rate), csvField(rateUnit), money(l.amount)].join(','));
    }
  }
  return out.join('\n') + '\n';
}
