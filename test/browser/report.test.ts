/**
 * The HTML report in a real browser (Debian chromium via playwright-core): it opens from a
 * file with scripts disabled, makes no requests, logs no errors, and its charts and KPI tables
 * are laid out and show the summary's figures.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatNumber, renderReportHtml, writeOutputs } from '../../src/report/index.ts';
import { makeFleet, type Fleet } from './fixtures.ts';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(executablePath);
if (!haveChromium) console.warn(`browser tests skipped: no chromium executable at ${executablePath} (install Debian "chromium" or set CHROMIUM_PATH)`);

/** Set to keep the written report and screenshots for a look (the path is printed). */
const KEEP = process.env.WATTSHIFT_KEEP_REPORT === '1';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
  failed: string[];
  dir: string;
}

/** Writes the report to a temp dir and opens it in a fresh page with scripts disabled. */
async function open(browser: Browser, fleet: Fleet, name: string): Promise<Opened> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wattshift-report-'));
  const html = renderReportHtml({ ...fleet, generatedAt: '2024-01-01T00:00:00Z' });
  await writeOutputs(dir, [{ name, content: html }]);
  const url = pathToFileURL(path.join(dir, name)).href;
  // the report must be readable with no scripts at all
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  const failed: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText ?? ''}`));
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests, failed, dir };
}

async function chartBoxes(page: Page): Promise<Array<{ width: number; height: number }>> {
  return page.$$eval('svg.chart', (els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { width: r.width, height: r.height };
  }));
}

describe('HTML report in chromium', () => {
  it.skipIf(!haveChromium)('opens offline with no errors or requests, and shows charts and KPI figures', async () => {
    const fleet = makeFleet({ scenario: 'Summer week <script>alert(1)</script>', days: 21 });
    const browser = await chromium.launch({ executablePath, args: ARGS });
    let dir = '';
    try {
      const opened = await open(browser, fleet, 'report.html');
      const { page, errors, requests, failed } = opened;
      dir = opened.dir;
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(failed).toEqual([]);

      // the scenario name shows as text, not markup
      expect(await page.locator('h1').innerText()).toBe('Summer week <script>alert(1)</script>');

      const boxes = await chartBoxes(page);
      expect(boxes.length).toBe(1 + 3 * fleet.summary.sites.length);
      for (const b of boxes) {
        expect(b.width).toBeGreaterThan(300);
        expect(b.height).toBeGreaterThan(100);
      }

      const figure = async (table: string, key: string) => (await page.locator(`#${table} tr[data-kpi="${key}"] td.num`).first().innerText()).trim();
      expect(await page.locator('#kpi-fleet').isVisible()).toBe(true);
      expect(await figure('kpi-fleet', 'facilityEnergyMWh')).toBe(formatNumber(fleet.summary.fleet.facilityEnergyMWh, 1, 1));
      expect(await figure('kpi-fleet', 'energyCost')).toBe(formatNumber(fleet.summary.fleet.energyCost, 0, 0));
      for (const [i, s] of fleet.summary.sites.entries()) {
        const id = `kpi-site-${i + 1}`;
        expect(await page.locator(`#${id}`).isVisible()).toBe(true);
        expect(await figure(id, 'pue')).toBe(formatNumber(s.pue, 3, 3));
        expect(await figure(id, 'directGreenRatio')).toBe(formatNumber(s.directGreenRatio * 100, 1, 1));
        expect(await figure(id, 'co2Tonnes')).toBe(formatNumber(s.co2Tonnes, 1, 1));
      }

      // bill line items are collapsed until their summary is clicked
      const details = page.locator('#site-1 details').first();
      expect(await details.locator('table').isVisible()).toBe(false);
      await details.locator('summary').click();
      expect(await details.locator('table').isVisible()).toBe(true);

      // every table-of-contents link points at an element on the page
      const targets = await page.$$eval('nav.toc a', (as) => as.map((a) => a.getAttribute('href')!.slice(1)));
      for (const t of targets) expect(await page.locator(`[id="${t}"]`).count()).toBe(1);

      const shot = path.join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      await page.locator('figure.chart').nth(1).screenshot({ path: path.join(dir, 'power-chart.png') });
      if (KEEP) console.log(`report and screenshots kept in ${dir}`);
    } finally {
      await browser.close();
      if (dir && !KEEP) await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!haveChromium)('lays out a 6-site year (daily means) with every chart visible', async () => {
    const fleet = makeFleet({ sites: 6, days: 365, start: '2023-01-01T00:00:00Z', zones: ['America/Chicago', 'Asia/Shanghai', 'Europe/Berlin', 'Australia/Sydney', 'America/Los_Angeles', 'Asia/Kolkata'] });
    const browser = await chromium.launch({ executablePath, args: ARGS });
    let dir = '';
    try {
      const opened = await open(browser, fleet, 'year.html');
      const { page, errors, requests, failed } = opened;
      dir = opened.dir;
      expect([...errors, ...requests, ...failed]).toEqual([]);
      const boxes = await chartBoxes(page);
      expect(boxes.length).toBe(1 + 3 * 6);
      for (const b of boxes) expect(b.width * b.height).toBeGreaterThan(0);
      expect(await page.locator('table.kpi').count()).toBe(7);
    } finally {
      await browser.close();
      if (dir && !KEEP) await rm(dir, { recursive: true, force: true });
    }
  });
});
