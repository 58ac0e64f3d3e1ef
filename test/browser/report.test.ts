/**
 * The HTML report in a real browser (Debian chromium via playwright-core). With scripts off it
 * is a static page whose SVG charts and KPI tables are laid out and show the summary's
 * figures; with scripts on its charts become interactive (tooltips, zoom, the month/week
 * picker switching to full resolution). Either way it makes no requests and logs no errors,
 * and a finance section fits a 1,300 px wide window.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flatSite, flatWorkload, inputOf, yearOf } from '../helpers/finance-fixtures.ts';
import { financeSection } from '../../src/finance/report-section.ts';
import { valueFromInput } from '../../src/finance/value.ts';
import { formatNumber, renderReportHtml, writeOutputs, type ExtraSection } from '../../src/report/index.ts';
import { makeFleet, type Fleet } from './fixtures.ts';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(executablePath);
if (!haveChromium) console.warn(`browser tests skipped: no chromium executable at ${executablePath} (install Debian "chromium" or set CHROMIUM_PATH)`);

/** Set to keep the written report and screenshots for a look (the path is printed). */
const KEEP = process.env.WATTSHIFT_KEEP_REPORT === '1';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

interface Opened {
  page: Page;
  /** Console errors and warnings, page errors, requests other than the page, failed loads. */
  problems: string[];
  dir: string;
  close(): Promise<void>;
}

let browser: Browser;
beforeAll(async () => {
  if (haveChromium) browser = await chromium.launch({ executablePath, args: ARGS });
});
afterAll(async () => {
  await browser?.close();
});

/** Writes the report to a temp dir and opens it in a fresh page. */
async function open(fleet: Fleet, name: string, o: { javaScript: boolean; width?: number; extraSections?: ExtraSection[] }): Promise<Opened> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wattshift-report-'));
  const html = renderReportHtml({ ...fleet, generatedAt: '2024-01-01T00:00:00Z', ...(o.extraSections ? { extraSections: o.extraSections } : {}) });
  await writeOutputs(dir, [{ name, content: html }]);
  const url = pathToFileURL(path.join(dir, name)).href;
  const context = await browser.newContext({ javaScriptEnabled: o.javaScript, viewport: { width: o.width ?? 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url) problems.push(`request: ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}: ${r.failure()?.errorText ?? ''}`));
  await page.goto(url, { waitUntil: 'load' });
  return {
    page,
    problems,
    dir,
    close: async () => {
      await context.close();
      if (KEEP) console.log(`report kept in ${dir}`);
      else await rm(dir, { recursive: true, force: true });
    },
  };
}

async function chartBoxes(page: Page): Promise<Array<{ width: number; height: number }>> {
  return page.$$eval('svg.chart', (els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { width: r.width, height: r.height };
  }));
}

describe.skipIf(!haveChromium)('HTML report in chromium', () => {
  it('reads with scripts off: static charts with separate title and legend rows, KPI figures, no errors or requests', async () => {
    const fleet = makeFleet({ scenario: 'Summer week <script>alert(1)</script>', days: 35, start: '2023-07-01T00:00:00Z' });
    const o = await open(fleet, 'report.html', { javaScript: false });
    try {
      const { page } = o;
      expect(o.problems).toEqual([]);
      // the scenario name shows as text, not markup
      expect(await page.locator('h1').innerText()).toBe('Summer week <script>alert(1)</script>');

      // fleet monthly chart, then per site: power, highest-demand week, energy flows, monthly PUE
      const boxes = await chartBoxes(page);
      expect(boxes.length).toBe(1 + 4 * fleet.summary.sites.length);
      for (const b of boxes) {
        expect(b.width).toBeGreaterThan(300);
        expect(b.height).toBeGreaterThan(100);
      }
      // without scripts the picker is hidden and no chart is replaced
      expect(await page.locator('.chart-controls').first().isVisible()).toBe(false);
      expect(await page.locator('figure.live').count()).toBe(0);

      // in real fonts, a chart title never touches another text of its chart (legends sit on their own rows)
      const clashes = await page.$$eval('svg.chart', (svgs) => svgs.flatMap((svg, i) => {
        const texts = [...svg.querySelectorAll('text')];
        const title = texts.find((t) => /font-size:14px/.test(t.getAttribute('style') ?? '') && /font-weight:bold/.test(t.getAttribute('style') ?? ''));
        if (!title) return [];
        const a = title.getBoundingClientRect();
        return texts.filter((t) => t !== title).flatMap((t) => {
          const b = t.getBoundingClientRect();
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          return w > 1 && h > 1 ? [`chart ${i}: "${title.textContent}" overlaps "${t.textContent}"`] : [];
        });
      }));
      expect(clashes).toEqual([]);

      const figure = async (table: string, key: string) => (await page.locator(`#${table} tr[data-kpi="${key}"] td.num`).first().innerText()).trim();
      expect(await figure('kpi-fleet', 'facilityEnergyMWh')).toBe(formatNumber(fleet.summary.fleet.facilityEnergyMWh, 1, 1));
      expect(await figure('kpi-fleet', 'energyCost')).toBe(formatNumber(fleet.summary.fleet.energyCost, 0, 0));
      for (const [i, s] of fleet.summary.sites.entries()) {
        const id = `kpi-site-${i + 1}`;
        expect(await figure(id, 'pue')).toBe(formatNumber(s.pue, 3, 3));
        expect(await figure(id, 'directGreenRatio')).toBe(formatNumber(s.directGreenRatio * 100, 1, 1));
      }

      // bill line items are collapsed until their summary is clicked
      const details = page.locator('#site-1 details').first();
      expect(await details.locator('table').isVisible()).toBe(false);
      await details.locator('summary').click();
      expect(await details.locator('table').isVisible()).toBe(true);

      // every table-of-contents link points at an element on the page
      const targets = await page.$$eval('nav.toc a', (as) => as.map((a) => a.getAttribute('href')!.slice(1)));
      for (const t of targets) expect(await page.locator(`[id="${t}"]`).count()).toBe(1);
      if (KEEP) await page.screenshot({ path: path.join(o.dir, 'static.png'), fullPage: true });
    } finally {
      await o.close();
    }
  });

  it('makes the charts interactive with scripts on: tooltips, zoom by the picker at full resolution, offline', async () => {
    const fleet = makeFleet({ days: 45, start: '2023-07-01T00:00:00Z' });
    const o = await open(fleet, 'live.html', { javaScript: true });
    try {
      const { page } = o;
      const power = page.locator('figure[data-chart="power"]').first();
      await power.scrollIntoViewIfNeeded();
      await page.waitForSelector('figure[data-chart="power"].live canvas');
      // on screen the interactive chart replaces the static one
      expect(await power.locator('svg.chart').isVisible()).toBe(false);
      expect(await power.locator('.chart-live canvas').count()).toBeGreaterThan(0);
      // 45 days of hours (1,080 steps) are few enough to draw at full resolution from the start
      const status = power.locator('.chart-status');
      await expect.poll(() => status.innerText()).toBe('Showing hourly values.');

      // hovering shows the flows at that time with their units
      const box = (await power.locator('.chart-live').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.35);
      const tip = page.locator('.chart-tooltip').first();
      await tip.waitFor({ state: 'visible' });
      const text = await tip.innerText();
      expect(text).toMatch(/^2023-\d\d-\d\d \d\d:\d\d/);
      expect(text).toMatch(/Uses · [\d.,]+ MW/);
      expect(text).toMatch(/Import price\s+[\d.,]+ USD\/MWh/);

      // picking a week zooms to it (local time) and draws hourly values
      const picker = power.locator('select.range-picker');
      const week = await picker.locator('option', { hasText: '2023-07-10 to 07-16' }).getAttribute('value');
      await picker.selectOption(week!);
      await expect.poll(() => power.getAttribute('data-visible-from')).toBe('2023-07-10 00:00');
      expect(await power.getAttribute('data-visible-to')).toBe('2023-07-17 00:00');
      expect(await status.innerText()).toBe('Showing hourly values.');
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
      await tip.waitFor({ state: 'visible' });
      expect(await tip.innerText()).toMatch(/^2023-07-1[0-6] \d\d:00\n/);
      // and back to the whole horizon (local time: UTC−05:00)
      await picker.selectOption('');
      await expect.poll(() => power.getAttribute('data-visible-from')).toBe('2023-06-30 19:00');

      // the energy-flow Sankey and the monthly charts hydrate when scrolled to, with tooltips of their own
      for (const kind of ['sankey', 'monthly-pue', 'monthly-energy']) {
        const fig = page.locator(`figure[data-chart="${kind}"]`).first();
        await fig.scrollIntoViewIfNeeded();
        await page.waitForSelector(`figure[data-chart="${kind}"].live canvas`);
      }
      const sankey = page.locator('figure[data-chart="sankey"]').first();
      await sankey.scrollIntoViewIfNeeded();
      const sb = (await sankey.locator('.chart-live').boundingBox())!;
      await page.mouse.move(sb.x + sb.width * 0.4, sb.y + sb.height * 0.45);
      const sankeyTip = sankey.locator('.chart-tooltip');
      await sankeyTip.waitFor({ state: 'visible' });
      expect(await sankeyTip.innerText()).toMatch(/ → [\s\S]*[\d.,]+ MWh/);

      // a narrower window lays the charts out again
      await page.setViewportSize({ width: 900, height: 900 });
      await expect.poll(async () => (await power.locator('.chart-live canvas').first().boundingBox())?.width ?? 0).toBeLessThan(900);
      expect(await power.locator('.chart-live').getAttribute('aria-label')).toMatch(/power flows over the horizon/);

      // printing shows the static charts
      await page.emulateMedia({ media: 'print' });
      expect(await power.locator('svg.chart').isVisible()).toBe(true);
      expect(await power.locator('.chart-live').isVisible()).toBe(false);
      await page.emulateMedia({ media: 'screen' });
      if (KEEP) await power.screenshot({ path: path.join(o.dir, 'power-live.png') });
      expect(o.problems).toEqual([]);
    } finally {
      await o.close();
    }
  });

  it('lays out a 6-site year (daily means) with every chart visible, and hydrates it without errors', async () => {
    const fleet = makeFleet({ sites: 6, days: 365, start: '2023-01-01T00:00:00Z', zones: ['America/Chicago', 'Asia/Shanghai', 'Europe/Berlin', 'Australia/Sydney', 'America/Los_Angeles', 'Asia/Kolkata'] });
    const o = await open(fleet, 'year.html', { javaScript: true });
    try {
      const { page } = o;
      expect(await page.locator('table.kpi').count()).toBe(7);
      expect(await page.locator('svg.chart').count()).toBe(1 + 4 * 6);
      // the last site's power chart: daily means, then a month picked in Kolkata time, drawn hourly, then the year again
      const power = page.locator('#site-6 figure[data-chart="power"]').first();
      await power.scrollIntoViewIfNeeded();
      await page.waitForSelector('#site-6 figure[data-chart="power"].live canvas');
      const status = power.locator('.chart-status');
      expect(await status.innerText()).toMatch(/^Showing daily means · zoom in/);
      const picker = power.locator('select.range-picker');
      // the year starts 05:30 on 1 January in Kolkata, a Sunday: whole, peak week, 12 months and 5.5 hours
      // of January 2024, a one-day week, 52 whole weeks and one cut by the end
      expect(await picker.locator('option').count()).toBe(1 + 1 + 13 + 54);
      await picker.selectOption({ label: 'February 2023' });
      // hourly steps on the UTC hour start at half past in Kolkata (UTC+05:30)
      await expect.poll(() => power.getAttribute('data-visible-from')).toBe('2023-02-01 00:30');
      expect(await power.getAttribute('data-visible-to')).toBe('2023-03-01 00:30');
      await expect.poll(() => status.innerText()).toBe('Showing hourly values.');
      await picker.selectOption('');
      await expect.poll(() => status.innerText()).toMatch(/^Showing daily means/);
      expect(o.problems).toEqual([]);
    } finally {
      await o.close();
    }
  });

  it('fits the finance section, production lines included, in a 1,300 px window', async () => {
    const site = flatSite({ gpus: 10, facilityMWh: 12, energyCost: 1000, workloads: [flatWorkload(0, 5000, 10)] });
    const f = valueFromInput(inputOf(yearOf([site], ['job']), {
      horizonYears: 3, discountRate: 0.1, inflation: 0, taxRate: 0.25,
      capex: { useDefaults: false, sites: [{ site: 'a', items: [{ category: 'gpu-servers' as const, quantity: 1, unitCost: 120_000, lifeYears: 4 }] }] },
      opex: { maintenanceShareOfCapex: 0, insuranceShareOfCapex: 0, staffFtePerMW: 0, wueLPerKWh: 0, otherFixedPerYear: 12_000 },
      contracts: [{ id: 'c1', workloads: ['job'], priceBasis: 'gpu-hour' as const, price: 2, tenorYears: 2, minimumMonthlyVolume: 6000, escalation: 0.1 }],
      spotCompute: { pricePerGpuHour: 1.5 },
    }), []);
    // the widest lines of the China example: five sites, long ids, large amounts, no break-even in range
    const none = { value: null, base: 1, low: 0, high: 10 } as unknown as NonNullable<(typeof f.lines)[number]['breakEven']>['pue'];
    f.lines = ['pangu-lab', 'speech-lab', 'assistant-api', 'vision-finetune', 'batch-indexing', 'spot'].map((id) => ({
      ...f.lines[0]!, id, sites: ['ulanqab', 'qingyang', 'guian', 'beijing', 'shaoguan'], capex: 11_248.4e6, revenueYear1: 3_571.5e6, opexYear1: 331.3e6,
      price: 12.345, priceUnit: 'per GPU-hour', breakEven: { energyPrice: none, utilisation: none, pue: none, price: none },
    }));
    const o = await open(makeFleet({ days: 2, sites: 1 }), 'finance.html', { javaScript: true, width: 1300, extraSections: [financeSection(f)] });
    try {
      const { page } = o;
      expect(await page.locator('html').evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
      const tables = await page.$$eval('#finance table.lines', (ts) => ts.map((t) => ({ table: t.getBoundingClientRect().width, box: t.parentElement!.clientWidth, scroll: t.parentElement!.scrollWidth })));
      expect(tables).toHaveLength(2);
      for (const t of tables) {
        expect(t.table).toBeLessThanOrEqual(t.box);
        expect(t.scroll).toBeLessThanOrEqual(t.box);
      }
      expect(await page.locator('#finance table.lines').first().locator('td', { hasText: 'ulanqab, qingyang' }).count()).toBe(6);
      expect(o.problems).toEqual([]);
    } finally {
      await o.close();
    }
  });
});
