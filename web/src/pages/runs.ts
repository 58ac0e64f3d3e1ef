/**
 * Runs: newest first, with live status and progress (one event stream for every run), a
 * status filter, cancel and rerun for operators, and two runs picked for comparison.
 */
import { api, can } from '../api.ts';
import { h, replace } from '../dom.ts';
import { duration, localTime, shortId } from '../format.ts';
import { follow } from '../live.ts';
import { go, href, type PageContext } from '../page.ts';
import type { RunPage, RunView, ScenarioView } from '../types.ts';
import { loading, note, problemBox, progressBar, select, statusBadge } from '../ui.ts';

const ACTIVE = new Set(['queued', 'running']);

/** What a run was asked to do, briefly: "plan · rolling". */
export function runTitle(r: Pick<RunView, 'command' | 'options'>): string {
  const o = r.options ?? {};
  const extra = typeof o.policy === 'string' ? o.policy : typeof o.policies === 'string' ? o.policies : Array.isArray(o.policies) ? o.policies.join(',') : typeof o.sweep === 'string' ? o.sweep : typeof o.event === 'string' ? o.event : typeof o.day === 'string' ? o.day : '';
  return extra ? `${r.command} · ${extra}` : r.command;
}

/** Scenario names by id (the first page of stored scenarios). */
export async function scenarioNames(signal: AbortSignal): Promise<Map<string, string>> {
  const page = await api<{ scenarios: ScenarioView[] }>('/scenarios', { query: { limit: 500 }, signal });
  return new Map(page.scenarios.map((s) => [s.id, s.name]));
}

function elapsed(r: RunView): number | null {
  if (!r.startedAt) return null;
  const end = r.finishedAt ? Date.parse(r.finishedAt) : Date.now();
  return end - Date.parse(r.startedAt);
}

/** The runs page. */
export async function runsPage(ctx: PageContext): Promise<void> {
  ctx.title('Runs');
  const status = ctx.query.get('status') ?? '';
  replace(ctx.main, h('h1', null, 'Runs'), loading());
  const [names, first] = await Promise.all([
    scenarioNames(ctx.scope.signal),
    api<RunPage>('/runs', { query: { limit: 50, status: status || undefined }, signal: ctx.scope.signal }),
  ]);
  const operator = can('operator');
  const rows = new Map<string, { tr: HTMLTableRowElement; run: RunView; bar: ReturnType<typeof progressBar> }>();
  const tbody = h('tbody');
  const picked = new Set<string>();
  const compareButton = h('button', { type: 'button', disabled: true, onclick: () => {
    const [a, b] = [...picked];
    go('/compare', { a, b });
  } }, 'Compare the two selected runs');
  const message = h('div', { 'aria-live': 'polite' });
  let next = first.next;

  const cells = (r: RunView, bar: ReturnType<typeof progressBar>): HTMLElement[] => {
    bar.set(r.progress, r.phase, r.status);
    const box = h('input', { type: 'checkbox', 'aria-label': `select run ${shortId(r.id)} for comparison`, checked: picked.has(r.id), disabled: r.status !== 'succeeded' || r.command === 'sweep' || r.command === 'planEvent' });
    box.addEventListener('change', () => {
      if (box.checked) picked.add(r.id);
      else picked.delete(r.id);
      compareButton.disabled = picked.size !== 2;
    });
    const actions: HTMLElement[] = [];
    if (operator && ACTIVE.has(r.status)) actions.push(h('button', { type: 'button', class: 'small', onclick: () => void act(r, 'cancel') }, 'Cancel'));
    if (operator && !ACTIVE.has(r.status)) actions.push(h('button', { type: 'button', class: 'small', onclick: () => void act(r, 'rerun') }, 'Rerun'));
    return [
      h('td', null, box),
      h('th', { scope: 'row' }, h('a', { href: href(`/runs/${r.id}`), title: r.id }, `…${shortId(r.id)}`)),
      h('td', null, localTime(r.createdAt)),
      h('td', null, names.get(r.scenarioId) ?? h('span', { class: 'muted', title: r.scenarioId }, r.scenarioId.slice(0, 10))),
      h('td', null, runTitle(r)),
      h('td', null, statusBadge(r.status)),
      h('td', null, bar.el),
      h('td', { class: 'num' }, duration(elapsed(r))),
      h('td', { class: 'actions' }, actions),
    ];
  };
  const upsert = (r: RunView, atTop = false) => {
    if (status && !status.split(',').includes(r.status)) {
      rows.get(r.id)?.tr.remove();
      rows.delete(r.id);
      return;
    }
    const known = rows.get(r.id);
    if (known) {
      known.run = r;
      known.tr.replaceChildren(...cells(r, known.bar));
      return;
    }
    const bar = progressBar(`progress of run ${shortId(r.id)}`);
    const tr = h('tr', { 'data-run': r.id });
    tr.append(...cells(r, bar));
    rows.set(r.id, { tr, run: r, bar });
    if (atTop) tbody.prepend(tr);
    else tbody.append(tr);
  };
  const act = async (r: RunView, what: 'cancel' | 'rerun') => {
    try {
      const out = await api<RunView & { id: string }>(`/runs/${r.id}/${what}`, { method: 'POST', signal: ctx.scope.signal });
      if (what === 'cancel') upsert(out);
      else go(`/runs/${out.id}`);
    } catch (e) {
      replace(message, problemBox(e, what === 'cancel' ? 'Could not cancel the run' : 'Could not rerun'));
    }
  };
  for (const r of first.runs) upsert(r);

  const more = h('button', { type: 'button', hidden: !next, onclick: () => {
    void api<RunPage>('/runs', { query: { limit: 50, cursor: next ?? undefined, status: status || undefined }, signal: ctx.scope.signal }).then((p) => {
      for (const r of p.runs) upsert(r);
      next = p.next;
      more.hidden = !next;
    });
  } }, 'Older runs');

  const filter = select({ 'aria-label': 'Show runs with status' }, [['', 'all statuses'], ['queued,running', 'queued or running'], ['succeeded', 'succeeded'], ['failed,interrupted', 'failed or interrupted'], ['cancelled', 'cancelled']], status);
  filter.addEventListener('change', () => go('/runs', { status: filter.value || undefined }));

  const tableEl = h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'data runs' },
      h('caption', null, 'Runs, newest first; status and progress update live'),
      h('thead', null, h('tr', null, ['Compare', 'Run', 'Created', 'Scenario', 'Command', 'Status', 'Progress', 'Duration', ''].map((t, i) => h('th', { scope: 'col', class: i === 7 ? 'num' : null }, t)))),
      tbody,
    ),
  );
  replace(
    ctx.main,
    h('div', { class: 'title-row' }, h('h1', null, 'Runs'), operator ? h('a', { class: 'button primary', href: '#/new' }, 'New run') : null),
    h('div', { class: 'toolbar' }, filter, compareButton),
    message,
    first.runs.length === 0 ? note('No runs yet.', operator ? ' Start one with New run.' : '') : null,
    tableEl,
    more,
  );

  follow(
    ctx.scope,
    {
      hello: () => {
        // anything that changed while the stream was closed
        void api<RunPage>('/runs', { query: { limit: 50, status: status || undefined }, signal: ctx.scope.signal }).then((p) => {
          for (const r of [...p.runs].reverse()) upsert(r, !rows.has(r.id));
        }, () => undefined);
      },
      status: (d) => upsert(d as RunView, true),
      progress: (d) => {
        const p = d as { runId: string; fraction: number; phase: string | null };
        const row = rows.get(p.runId);
        if (!row) return;
        row.run = { ...row.run, progress: p.fraction, phase: p.phase, status: row.run.status === 'queued' ? 'running' : row.run.status };
        row.bar.set(p.fraction, p.phase, row.run.status);
      },
    },
  );
  // durations of running runs tick on
  const tick = window.setInterval(() => {
    for (const { tr, run } of rows.values()) if (run.status === 'running') {
      const cell = tr.children[7];
      if (cell) cell.textContent = duration(elapsed(run));
    }
  }, 1000);
  ctx.scope.onEnd(() => window.clearInterval(tick));
}
