/**
 * A run: what it was asked, its live status and progress, its error when it failed, and when
 * it succeeded its results: KPIs and workloads, each site's charts (power with zoom, prices
 * and state of charge; energy flows; monthly PUE, green ratio, energy and cost; bills), and
 * what its command adds (policies compared, DR statement, investment case, flexibility
 * envelope, sweep), the text the CLI prints and every file to download.
 */
import { api, apiText, can, download } from '../api.ts';
import { parseCsv } from '../csv.ts';
import { h, replace, type Child } from '../dom.ts';
import { bytes, duration, localTime, percent } from '../format.ts';
import { follow } from '../live.ts';
import { go, href, type PageContext } from '../page.ts';
import type { RunFile, RunView, ScenarioView, SiteBill, Summary } from '../types.ts';
import { card, loading, note, num, problemBox, progressBar, section, statusBadge, table } from '../ui.ts';
import { drView } from '../views/dr.ts';
import { financeView, sweepTable, type FinanceDoc } from '../views/finance.ts';
import { jobsTable, kpiTable } from '../views/kpis.ts';
import { siteSection } from '../views/site.ts';
import { runTitle } from './runs.ts';

/** Commands whose runs keep a summary (and a ledger, bills and charts). */
export const WITH_SUMMARY = new Set(['simulate', 'plan', 'compare', 'flex', 'dr', 'finance']);

/** A CSV file of the run as a table (headers carry their units, as the CLI writes them). */
function csvTable(text: string, caption: string): HTMLElement {
  const rows = parseCsv(text);
  const cols = Object.keys(rows[0] ?? {});
  const isNum = (k: string) => rows.every((r) => r[k] === '' || Number.isFinite(Number(r[k])));
  return table(
    cols.map((k) => ({ label: k, num: isNum(k), value: (r: Record<string, string>) => (isNum(k) && r[k] !== '' ? num(Number(r[k]), 4) : (r[k] ?? '')) })),
    rows,
    { caption },
  );
}

interface CompareRow {
  policy: string;
  energyCost: number;
  operatingCost: number;
  co2Tonnes: number;
  directGreenRatio: number;
  pue: number;
  peakImportMW: number;
  qosWeighted: number | null;
  unservedWork: number;
  lateJobs: number;
  runSeconds: number;
  savingVsFirst: number;
  savingVsFirstPercent: number;
}

function policiesTable(doc: { currency: string; policies: CompareRow[] }): HTMLElement {
  const c = doc.currency;
  return table<CompareRow>(
    [
      { label: 'Policy', value: (r) => r.policy },
      { label: 'Operating cost', unit: c, num: true, value: (r) => num(r.operatingCost, 0) },
      { label: 'Saving vs first', unit: c, num: true, value: (r) => num(r.savingVsFirst, 0) },
      { label: 'Saving vs first', unit: '%', num: true, value: (r) => num(r.savingVsFirstPercent, 2) },
      { label: 'PUE', num: true, value: (r) => num(r.pue, 3, 3) },
      { label: 'Direct green', unit: '%', num: true, value: (r) => percent(r.directGreenRatio) },
      { label: 'CO₂', unit: 't', num: true, value: (r) => num(r.co2Tonnes, 1) },
      { label: 'Peak import', unit: 'MW', num: true, value: (r) => num(r.peakImportMW, 2) },
      { label: 'Weighted QoS', num: true, value: (r) => num(r.qosWeighted, 3) },
      { label: 'Unserved work', unit: 'GPU-h', num: true, value: (r) => num(r.unservedWork, 1) },
      { label: 'Late jobs', num: true, value: (r) => num(r.lateJobs, 0) },
      { label: 'Time', unit: 's', num: true, value: (r) => num(r.runSeconds, 1) },
    ],
    doc.policies,
    { caption: 'Policies side by side on the same scenario (the site charts below show the cheapest)' },
  );
}

function filesList(files: RunFile[]): HTMLElement {
  return h(
    'ul',
    { class: 'files' },
    files.map((f) =>
      h('li', null, h('button', { type: 'button', class: 'link', onclick: () => void download(f.href.replace(/^\/api\/v1/, ''), f.name.split('/').pop()!) }, f.name), h('span', { class: 'muted' }, ` ${f.mediaType.split(';')[0]}${f.sizeBytes ? `, ${bytes(f.sizeBytes)}` : ''}`)),
    ),
  );
}

/** The run page. */
export async function runPage(ctx: PageContext): Promise<void> {
  const id = ctx.params.id!;
  ctx.title(`Run ${id}`);
  replace(ctx.main, h('h1', null, 'Run'), loading());
  const run = await api<RunView>(`/runs/${id}`, { signal: ctx.scope.signal });
  const scenario = await api<ScenarioView>(`/scenarios/${run.scenarioId}`, { signal: ctx.scope.signal }).catch(() => null);
  const operator = can('operator');
  const active = run.status === 'queued' || run.status === 'running';
  const message = h('div', { 'aria-live': 'polite' });
  const bar = progressBar('progress of this run');
  bar.set(run.progress, run.phase, run.status);
  const statusEl = h('span', { id: 'run-status' }, statusBadge(run.status));
  const act = async (what: 'cancel' | 'rerun') => {
    try {
      const out = await api<{ id: string }>(`/runs/${id}/${what}`, { method: 'POST', signal: ctx.scope.signal });
      go(`/runs/${what === 'rerun' ? out.id : id}`);
    } catch (e) {
      replace(message, problemBox(e, what === 'cancel' ? 'Could not cancel the run' : 'Could not rerun'));
    }
  };
  const actions: Child[] = [];
  if (operator && active) actions.push(h('button', { type: 'button', onclick: () => void act('cancel') }, 'Cancel run'));
  if (operator && !active) actions.push(h('button', { type: 'button', onclick: () => void act('rerun') }, 'Run again'));
  if (run.status === 'succeeded' && WITH_SUMMARY.has(run.command)) actions.push(h('a', { class: 'button', href: href('/compare', { a: id }) }, 'Compare with another run…'));
  // how long it ran (or has been running: kept up to date while the page follows the run)
  let started = run.startedAt ? Date.parse(run.startedAt) : null;
  let finished = run.finishedAt ? Date.parse(run.finishedAt) : null;
  const ranFor = h('dd', { id: 'run-duration' });
  const showDuration = () => {
    ranFor.textContent = started ? duration((finished ?? Date.now()) - started) : 'not started';
  };
  showDuration();
  const facts = h(
    'dl',
    { class: 'facts' },
    h('dt', null, 'Scenario'), h('dd', null, scenario ? `${scenario.name} (${scenario.entry})` : run.scenarioId),
    h('dt', null, 'Command'), h('dd', null, runTitle(run), Object.keys(run.options).length ? h('code', { class: 'options' }, JSON.stringify(run.options)) : null),
    h('dt', null, 'Status'), h('dd', null, statusEl, ' ', bar.el),
    h('dt', null, 'Created'), h('dd', null, localTime(run.createdAt)),
    h('dt', null, 'Ran for'), ranFor,
    run.rerunOf ? [h('dt', null, 'Rerun of'), h('dd', null, h('a', { href: href(`/runs/${run.rerunOf}`) }, run.rerunOf))] : null,
    run.note ? [h('dt', null, 'Note'), h('dd', null, run.note)] : null,
  );
  const results = h('div', { class: 'results' });
  replace(
    ctx.main,
    h('div', { class: 'title-row' }, h('h1', null, 'Run ', h('span', { class: 'mono', title: id }, id)), h('div', { class: 'actions' }, actions)),
    facts,
    message,
    run.error ? problemBox(run.error, run.status === 'interrupted' ? 'The run was interrupted' : run.status === 'cancelled' ? 'The run was cancelled' : 'The run failed') : null,
    results,
  );

  if (active) {
    results.appendChild(note('Results appear here when the run has finished; this page follows it live.'));
    const tick = window.setInterval(showDuration, 1000);
    ctx.scope.onEnd(() => window.clearInterval(tick));
    follow(
      ctx.scope,
      {
        status: (d) => {
          const r = d as RunView;
          replace(statusEl, statusBadge(r.status));
          bar.set(r.progress, r.phase, r.status);
          started = r.startedAt ? Date.parse(r.startedAt) : started;
          finished = r.finishedAt ? Date.parse(r.finishedAt) : finished;
          showDuration();
        },
        progress: (d) => {
          const p = d as { fraction: number; phase: string | null };
          bar.set(p.fraction, p.phase, 'running');
        },
        end: () => {
          // draw the finished run
          window.setTimeout(() => {
            if (!ctx.scope.ended) go(`/runs/${id}`);
          }, 100);
        },
      },
      { runId: id, endEvent: 'end' },
    );
    return;
  }
  if (run.status !== 'succeeded') return;
  await drawResults(ctx, run, results);
}

async function drawResults(ctx: PageContext, run: RunView, host: HTMLElement): Promise<void> {
  const { scope } = ctx;
  const id = run.id;
  const filesP = api<{ files: RunFile[] }>(`/runs/${id}/files`, { signal: scope.signal });
  const textP = apiText(`/runs/${id}/files/output.txt`, { signal: scope.signal }).catch(() => '');
  const parts: HTMLElement[] = [];
  const add = (el: HTMLElement) => {
    parts.push(el);
    host.appendChild(el);
  };
  const guarded = async (title: string, f: (el: HTMLElement) => Promise<void>) => {
    const el = section(title);
    add(el);
    try {
      await f(el);
    } catch (e) {
      if (!scope.ended) el.appendChild(problemBox(e, `The ${title.toLowerCase()} could not be shown`));
    }
  };

  if (run.command === 'compare') {
    await guarded('Policies compared', async (el) => {
      el.appendChild(policiesTable(await api<{ currency: string; policies: CompareRow[] }>(`/runs/${id}/comparison`, { signal: scope.signal })));
    });
  } else if (run.command === 'dr') {
    await guarded('Demand-response statement', (el) => drView(scope, el, id));
  } else if (run.command === 'finance') {
    await guarded('Investment case', (el) => financeView(scope, el, id));
  } else if (run.command === 'flex') {
    await guarded('Flexibility envelope', async (el) => {
      el.appendChild(csvTable(await apiText(`/runs/${id}/flex`, { query: { format: 'csv' }, signal: scope.signal }), 'What each site can hold, for how long, at what cost'));
    });
  } else if (run.command === 'sweep') {
    await guarded('Sweep', async (el) => {
      const doc = await api<NonNullable<FinanceDoc['sweep']> & { currency?: string }>(`/runs/${id}/result`, { signal: scope.signal });
      el.appendChild(sweepTable(doc, doc.currency ?? ''));
    });
  }

  if (WITH_SUMMARY.has(run.command)) {
    const summary = await api<Summary>(`/runs/${id}/summary`, { signal: scope.signal });
    const bills = api<SiteBill[]>(`/runs/${id}/bills`, { signal: scope.signal }).catch(() => null);
    const f = summary.fleet;
    add(
      h(
        'div',
        { class: 'cards' },
        card('PUE', num(f.pue, 3, 3)),
        card('Direct green ratio', percent(f.directGreenRatio), '%'),
        card('Electricity cost', num(f.energyCost, 0), summary.currency),
        card('Tokens per joule (IT)', num(f.tokensPerJouleIT, 3), 'tokens/J'),
        card('CO₂', num(f.co2Tonnes, 1), 't'),
        card('Peak grid import', num(f.peakImportMW, 2), 'MW'),
      ),
    );
    add(section(run.command === 'dr' ? 'KPIs after the events' : run.command === 'compare' ? 'KPIs of the cheapest policy' : 'KPIs', kpiTable(summary), jobsTable(summary)));
    if (summary.warnings?.length) add(section('Warnings', h('ul', null, summary.warnings.map((w) => h('li', null, w)))));
    add(section(summary.sites.length > 1 ? 'Sites' : `Site ${summary.sites[0]?.name ?? ''}`, siteSection(scope, id, summary, bills)));
  }
  const text = await textP;
  if (text) add(section('What the command printed', h('details', null, h('summary', null, 'Show the text'), h('pre', { class: 'output' }, text))));
  const files = await filesP;
  add(section('Files', note('What `--out` writes for this command, plus the --json document and the printed text; downloads use your token.'), filesList(files.files)));
  if (parts.length === 0) host.appendChild(note('This run has no results to show.'));
}
