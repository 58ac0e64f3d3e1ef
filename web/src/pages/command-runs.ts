/**
 * Pages that show one kind of result across runs (DR events, finance): the succeeded runs of
 * that command, newest first, and the picked one (the newest by default) drawn by its view.
 */
import { api, can } from '../api.ts';
import { h, replace } from '../dom.ts';
import { localTime, shortId } from '../format.ts';
import { go, href, type PageContext, type Scope } from '../page.ts';
import type { RunPage } from '../types.ts';
import { loading, note, select } from '../ui.ts';
import { runTitle, scenarioNames } from './runs.ts';

/** What differs between the pages. */
export interface CommandPage {
  command: string;
  path: string;
  title: string;
  /** Said when there is no such run; how to make one. */
  empty: string;
  view: (scope: Scope, host: HTMLElement, runId: string) => Promise<void>;
}

/** Draws a command page. */
export async function commandRunsPage(ctx: PageContext, p: CommandPage): Promise<void> {
  ctx.title(p.title);
  replace(ctx.main, h('h1', null, p.title), loading());
  const [names, page] = await Promise.all([scenarioNames(ctx.scope.signal), api<RunPage>('/runs', { query: { command: p.command, status: 'succeeded', limit: 100 }, signal: ctx.scope.signal })]);
  if (page.runs.length === 0) {
    replace(ctx.main, h('h1', null, p.title), note(p.empty, ' ', can('operator') ? h('a', { href: href('/new', { command: p.command }) }, `Start a ${p.command} run`) : 'An operator can start one.'));
    return;
  }
  const id = ctx.params.id ?? page.runs[0]!.id;
  const picker = select(
    { id: 'run-picker' },
    page.runs.map((r) => [r.id, `${names.get(r.scenarioId) ?? r.scenarioId.slice(0, 8)} · ${runTitle(r)} · finished ${localTime(r.finishedAt)} · …${shortId(r.id)}`]),
    id,
  );
  picker.addEventListener('change', () => go(`${p.path}/${picker.value}`));
  const body = h('div');
  replace(
    ctx.main,
    h('h1', null, p.title),
    h('div', { class: 'toolbar' }, h('label', { for: 'run-picker' }, 'Run'), picker, h('a', { href: href(`/runs/${id}`) }, 'The whole run')),
    body,
  );
  body.appendChild(loading());
  await p.view(ctx.scope, body, id);
}
