/**
 * The dashboard in a real browser (Debian chromium via playwright-core) against a real
 * `wattshift serve` (the compiled command, on 127.0.0.1, a random port, a temp SQLite file):
 * a wrong token is refused with the server's reason; an operator logs in and sees an empty
 * fleet; uploads the Texas example with its data files (a folder, as a user picks it), starts a
 * plan of five months of it and follows it to the end; opens its charts (drawn, with units on the axes) and
 * bills; starts a second run of the bundled example and compares the two; sees the site with
 * its KPIs on the fleet page; reads a DR statement and an investment case on their pages; and
 * a viewer is told it cannot start runs. Throughout, the page logs no errors, requests nothing
 * outside the server and never puts a token in a URL.
 */
import { existsSync, mkdirSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ROOT, runProcess } from '../cli/run-cli.ts';
import { startServe, type ServeProcess } from '../helpers/serve-process.ts';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(executablePath);
if (!haveChromium) console.warn(`dashboard browser tests skipped: no chromium executable at ${executablePath} (install Debian "chromium" or set CHROMIUM_PATH)`);

/** Set to keep screenshots of each page (the folder is printed). */
const KEEP = process.env.WATTSHIFT_KEEP_DASHBOARD === '1';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Longest wait for a run or a page to get somewhere, ms. */
const WAIT_MS = 45_000;
/** Longest wait for the five-month plan of the Texas example (a few seconds here), ms. */
const PLAN_WAIT_MS = 150_000;

const dir = mkdtempSync(path.join(tmpdir(), 'wattshift-dashboard-'));
let server: ServeProcess | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
/** Console errors and warnings, page errors, requests outside the server, failed requests. */
const problems: string[] = [];
const tokens: Record<'viewer' | 'operator', string> = { viewer: '', operator: '' };
/** Every URL the page asked for. */
const requested: string[] = [];
let shot = 0;

async function snap(name: string): Promise<void> {
  if (KEEP) await page.screenshot({ path: path.join(dir, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}

function token(db: string, role: string): string {
  const r = runProcess(['token', 'create', '--role', role, '--name', `${role} in the browser test`, '--db', db]);
  if (r.code !== 0) throw new Error(`token create failed: ${r.err}`);
  return r.out.trimEnd().split('\n').pop()!;
}

/**
 * The example scenario with the data files it names, in a folder as a user would pick it; its
 * horizon is cut to March–July (more than the 60 days after which charts show daily means, and
 * July for the zoom below), a plan of a third of the example's work for the solver.
 */
function exampleFolder(): string {
  const folder = path.join(dir, 'texas');
  const files = ['data/markets/US-TEX-ERCO/prices-2023.csv.gz', 'data/markets/US-TEX-ERCO/carbon-2023.csv.gz', 'data/markets/US-TEX-ERCO/weather-2023.json.gz'];
  for (const f of files) {
    mkdirSync(path.dirname(path.join(folder, f)), { recursive: true });
    copyFileSync(path.join(ROOT, 'examples', f), path.join(folder, f));
  }
  const scenario = parseDocument(readFileSync(path.join(ROOT, 'examples', 'texas-single-site.yaml'), 'utf8'));
  scenario.setIn(['horizon', 'start'], '2023-03-01T00:00');
  scenario.setIn(['horizon', 'end'], '2023-08-01T00:00');
  writeFileSync(path.join(folder, 'texas-single-site.yaml'), scenario.toString());
  return folder;
}

async function logIn(t: string): Promise<void> {
  await page.goto(`${server!.url}/#/login`);
  await page.getByLabel('API token').fill(t);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Waits until the run page shows `status` (it follows the run live, then draws the results). */
async function waitForStatus(status: string, timeout = WAIT_MS): Promise<void> {
  await page.locator('#run-status').getByText(status, { exact: true }).waitFor({ timeout });
}

/** Waits until at least `n` charts are drawn under `selector`. */
async function chartsDrawn(selector: string, n: number): Promise<void> {
  // (no function evaluated from a string: the dashboard's CSP forbids it)
  await page.locator(`${selector} .chart canvas`).nth(n - 1).waitFor({ timeout: WAIT_MS });
}

/**
 * Charts drawn under `selector`: each canvas's size and how many of its pixels are painted
 * (neither transparent nor white), so an empty canvas counts as not drawn.
 */
async function drawnCharts(selector: string): Promise<Array<{ width: number; height: number; painted: number }>> {
  return page.$$eval(`${selector} .chart canvas`, (els) =>
    els.map((e) => {
      // (the test's TypeScript has no DOM types: the canvas's shape, as used)
      const c = e as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 3]! > 0 && (px[i]! < 245 || px[i + 1]! < 245 || px[i + 2]! < 245)) painted++;
      return { width: c.width, height: c.height, painted: painted / (c.width * c.height) };
    }),
  );
}

beforeAll(async () => {
  if (!haveChromium) return;
  const db = path.join(dir, 'dashboard.db');
  server = await startServe(db, ['--workers', '1']);
  tokens.operator = token(db, 'operator');
  tokens.viewer = token(db, 'viewer');
  browser = await chromium.launch({ executablePath, args: ARGS });
  context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  page = await context.newPage();
  const origin = new URL(server.url).origin;
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    requested.push(r.url());
    if (new URL(r.url()).origin !== origin && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) problems.push(`request outside the server: ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    // leaving a page aborts its requests and event streams on purpose
    const reason = r.failure()?.errorText ?? '';
    if (!/ERR_ABORTED/.test(reason)) problems.push(`failed: ${r.url()}: ${reason}`);
  });
}, 90_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.kill();
  if (KEEP) console.log(`dashboard screenshots kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!haveChromium)('the dashboard in Chromium against wattshift serve', () => {
  let firstRun = '';

  it('refuses a wrong token with the reason, then logs an operator in to an empty fleet', async () => {
    await logIn('ws_this-is-not-a-token');
    const alert = page.getByRole('alert');
    await expect(alert.textContent()).resolves.toMatch(/does not accept this token/);
    await snap('wrong-token');
    expect(page.url()).toMatch(/#\/login/);
    // the browser logs the refused request itself; nothing else went wrong
    expect(problems).toEqual(['console error: Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    problems.length = 0;

    await logIn(tokens.operator);
    await page.getByRole('heading', { name: 'Fleet overview' }).waitFor();
    await page.getByText(/No site has a succeeded run yet/).waitFor();
    await expect(page.locator('header .role').textContent()).resolves.toBe('operator');
    await snap('fleet-empty');
  });

  it('uploads a scenario folder, starts a plan and follows it to the end', async () => {
    await page.getByRole('link', { name: 'New run' }).first().click();
    await page.getByRole('heading', { name: 'New run' }).waitFor();
    await page.locator('#source-upload').check();
    await page.locator('#scenario-folder').setInputFiles(exampleFolder());
    const ok = page.locator('#upload-ok');
    await ok.waitFor({ timeout: WAIT_MS });
    await expect(ok.textContent()).resolves.toMatch(/Scenario checked and stored: .*texas-single-site\.yaml, 4 files/);
    await page.locator('#command').selectOption('plan');
    await snap('new-run');
    await page.locator('#start-run').click();
    await page.waitForURL(/#\/runs\/[^/?]+$/);
    firstRun = page.url().split('#/runs/')[1]!;
    // a five-month plan (one LP with HiGHS) takes a while: the page shows it running, with progress
    await waitForStatus('running');
    await page.locator('.progress-text').first().getByText(/\d+ %/).waitFor({ timeout: WAIT_MS });
    await expect.poll(() => page.locator('#run-duration').textContent(), { timeout: WAIT_MS }).toMatch(/\d/);
    await snap('run-running');
    await waitForStatus('succeeded', PLAN_WAIT_MS);
    // the page followed the run by its event stream, opened with a short-lived ticket
    expect(requested.some((u) => u.includes(`/api/v1/runs/${firstRun}/events?ticket=`))).toBe(true);
    await expect(page.locator('.progress-text').first().textContent()).resolves.toMatch(/100/);
  }, PLAN_WAIT_MS + 30_000);

  it('draws the run\'s charts with units on their axes, and its bills', async () => {
    // the KPIs and the site's charts appear once the finished run is drawn
    await page.getByRole('heading', { name: 'KPIs' }).waitFor({ timeout: WAIT_MS });
    await expect(page.locator('.cards').first().textContent()).resolves.toMatch(/PUE.*Direct green ratio.*%.*Electricity cost.*USD/s);
    await chartsDrawn('.results', 4);
    const charts = await drawnCharts('.results');
    expect(charts.length).toBeGreaterThanOrEqual(4);
    for (const c of charts) {
      expect(c.width).toBeGreaterThan(300);
      expect(c.height).toBeGreaterThan(150);
      // axes, labels and series: more than a blank canvas, less than a filled one
      expect(c.painted).toBeGreaterThan(0.01);
      expect(c.painted).toBeLessThan(0.9);
    }
    const labels = await page.$$eval('.results .chart', (els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
    expect(labels.join('\n')).toMatch(/power/i);
    const text = await page.locator('.results').textContent();
    expect(text).toMatch(/Electricity bill/);
    expect(text).toMatch(/MWh|kW/);
    // picking a month zooms the power chart, which asks the server for that window in finer detail
    const power = page.locator('figure.power').first();
    const overview = await power.getAttribute('data-resolution');
    expect(overview).toMatch(/daily/);
    await power.getByLabel('Time window of the power chart').selectOption({ label: '2023-07' });
    await page.waitForFunction((el) => el.getAttribute('data-resolution') !== 'daily means' && el.getAttribute('aria-busy') === null, await power.elementHandle(), { timeout: WAIT_MS });
    expect(await power.getAttribute('data-resolution')).not.toBe(overview);
    expect(await power.getAttribute('data-visible-from')).toMatch(/^2023-0[67]/);
    expect(requested.some((u) => /\/charts\/power\?.*from=2023-0[4-7]/.test(decodeURIComponent(u)))).toBe(true);
    await snap('run-detail');
  });

  it('lists the run and compares it with a run of the bundled example', async () => {
    await page.goto(`${server!.url}/#/new?command=simulate`);
    await page.getByRole('heading', { name: 'New run' }).waitFor();
    await page.locator('#source-example').check();
    await page.locator('#example').selectOption('texas-single-site');
    await page.locator('#start-run').click();
    await page.waitForURL((u) => /#\/runs\/[^/?]+$/.test(u.hash) && !u.hash.endsWith(firstRun));
    const secondRun = page.url().split('#/runs/')[1]!;
    await waitForStatus('succeeded');

    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    for (const id of [firstRun, secondRun]) {
      const row = page.locator(`tr[data-run="${id}"]`);
      await row.getByText('succeeded').waitFor();
      await row.getByRole('checkbox').check();
    }
    expect(requested.some((u) => u.includes('/api/v1/runs/events?ticket='))).toBe(true);
    // two runs fit one page: no older ones to ask for
    expect(await page.getByRole('button', { name: 'Older runs' }).isVisible()).toBe(false);
    await snap('runs');
    await page.getByRole('button', { name: 'Compare the two selected runs' }).click();
    await page.waitForURL(/#\/compare\?/);
    await page.locator('table.deltas').first().waitFor({ timeout: WAIT_MS });
    const deltas = await page.locator('table.deltas').first().textContent();
    expect(deltas).toMatch(/PUE/);
    await chartsDrawn('main', 2);
    await snap('compare');
  });

  it('shows the site with its latest KPIs on the fleet page', async () => {
    await page.getByRole('link', { name: 'Fleet', exact: true }).click();
    await page.getByRole('heading', { name: 'Fleet overview' }).waitFor();
    const fleet = page.locator('table.fleet');
    await fleet.waitFor();
    const text = await fleet.textContent();
    expect(text).toMatch(/PUE/);
    expect(text).toMatch(/texas/i);
    await chartsDrawn('main', 1);
    await snap('fleet');
  });

  it('shows a DR statement and an investment case on their pages', async () => {
    // started through the API, as a script would; the pages list the succeeded runs of their command
    const start = async (body: object): Promise<string> => {
      const r = await fetch(`${server!.url}/api/v1/runs`, { method: 'POST', headers: { authorization: `Bearer ${tokens.operator}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(r.status).toBe(202);
      return ((await r.json()) as { id: string }).id;
    };
    const ids = [await start({ example: 'phoenix-2025', command: 'dr' }), await start({ example: 'texas-single-site', command: 'finance' })];
    for (const id of ids) {
      await expect
        .poll(async () => ((await (await fetch(`${server!.url}/api/v1/runs/${id}`, { headers: { authorization: `Bearer ${tokens.operator}` } })).json()) as { status: string }).status, { timeout: PLAN_WAIT_MS, interval: 500 })
        .toBe('succeeded');
    }

    await page.getByRole('link', { name: 'DR events' }).click();
    await page.getByRole('heading', { name: 'Demand-response events and statements' }).waitFor();
    await chartsDrawn('main', 1);
    const dr = await page.locator('main').textContent();
    expect(dr).toMatch(/Delivered/);
    expect(dr).toMatch(/Statement/);
    expect(dr).toMatch(/srp-2025-05-03/);
    await snap('dr');

    await page.getByRole('link', { name: 'Finance' }).click();
    await page.getByRole('heading', { name: 'Finance: investment cases' }).waitFor();
    await chartsDrawn('main', 3);
    const finance = await page.locator('main').textContent();
    expect(finance).toMatch(/Net present value/);
    expect(finance).toMatch(/Payback per AI production line/);
    for (const c of await drawnCharts('main')) expect(c.painted).toBeGreaterThan(0.01);
    await snap('finance');
  }, PLAN_WAIT_MS + 30_000);

  it('tells a viewer that starting runs needs an operator', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await logIn(tokens.viewer);
    await page.getByRole('heading', { name: 'Fleet overview' }).waitFor();
    expect(await page.getByRole('link', { name: 'New run' }).count()).toBe(0);
    await page.goto(`${server!.url}/#/new`);
    await expect(page.locator('#role-notice').textContent()).resolves.toMatch(/needs an operator or admin token/);
  });

  it('logged no errors, asked nothing of any other server and never put a token in a URL', () => {
    expect(problems).toEqual([]);
    expect(requested.length).toBeGreaterThan(20);
    for (const u of requested) for (const t of Object.values(tokens)) expect(u).not.toContain(t);
  });
});
