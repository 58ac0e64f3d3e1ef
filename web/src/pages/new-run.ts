/**
 * New run (operators and admins): pick a bundled example or a stored scenario, or upload one
 * (a YAML or JSON file; with its series files, or a folder; or a tar/tar.gz archive), which the
 * server checks at once with the same located errors as `wattshift validate`; choose the
 * command and its options (the CLI's flags); start, then follow the run on its page.
 */
import { ApiError, api, can, session } from '../api.ts';
import { h, replace } from '../dom.ts';
import { bytes, localTime } from '../format.ts';
import { go, type PageContext } from '../page.ts';
import type { ScenarioStored, ScenarioView } from '../types.ts';
import { field, loading, note, problemBox, select } from '../ui.ts';

/** An option field of a command: the CLI flag in camelCase, how to ask for it. */
interface OptionField {
  name: string;
  label: string;
  kind: 'text' | 'number' | 'select' | 'checkbox';
  choices?: string[];
  /** The default, shown as a placeholder (empty fields are not sent). */
  placeholder?: string;
  hint?: string;
  required?: boolean;
  /** Checkbox default. */
  checked?: boolean;
}

const planning: OptionField[] = [
  { name: 'lookahead', label: 'Look-ahead (rolling)', kind: 'number', placeholder: '48', hint: 'hours each window looks ahead' },
  { name: 'commit', label: 'Commit (rolling)', kind: 'number', placeholder: '24', hint: 'hours of each window that are kept' },
  { name: 'forecast', label: 'Forecast (rolling)', kind: 'select', choices: ['', 'perfect', 'persistence', 'noise'], hint: 'what the planner knows ahead (default perfect)' },
  { name: 'timeLimit', label: 'Solver time limit', kind: 'number', hint: 'seconds per model (default none)' },
];

/** The commands and their options, as `wattshift <command> --help` lists them. */
export const COMMANDS: Array<{ name: string; label: string; about: string; options: OptionField[] }> = [
  { name: 'simulate', label: 'simulate', about: 'run a policy over the horizon and settle the bills', options: [{ name: 'policy', label: 'Policy', kind: 'select', choices: ['', 'naive', 'greedy', 'optimal', 'rolling'], hint: 'default naive' }] },
  { name: 'plan', label: 'plan', about: 'optimise the dispatch (HiGHS), then simulate the plan; savings against naive', options: [{ name: 'policy', label: 'Policy', kind: 'select', choices: ['', 'optimal', 'rolling'], hint: 'default optimal: one LP over the horizon' }, ...planning] },
  { name: 'compare', label: 'compare', about: 'policies side by side on the same scenario', options: [{ name: 'policies', label: 'Policies', kind: 'text', placeholder: 'naive,rolling,optimal', hint: 'comma-separated, in order' }, ...planning] },
  { name: 'dr', label: 'dr', about: 'replay grid events, settle them against baselines (pay, penalties, work lost)', options: [
    { name: 'event', label: 'Event', kind: 'text', placeholder: 'the program\'s own', hint: 'START/HOURS in the horizon\'s time zone, e.g. 2025-05-03T16:00/3; empty: the program\'s events' },
    { name: 'targetPercent', label: 'Target', kind: 'number', hint: 'change as % of the baseline' },
    { name: 'targetMw', label: 'Target (MW)', kind: 'number', hint: 'fleet change against the baseline, MW' },
    { name: 'baseline', label: 'Baseline method', kind: 'select', choices: ['', 'caiso-10-of-10', 'high-4-of-5', 'pjm-same-day-3-2', 'beijing-top-5-of-10', 'jiangsu-5-working-days', 'jiangsu-15-min', 'meter-before'], hint: 'default: the program\'s' },
    { name: 'annual', label: 'Settle every event of the program over the horizon, with capacity pay', kind: 'checkbox' },
    { name: 'policy', label: 'Base policy', kind: 'select', choices: ['', 'naive', 'greedy', 'optimal', 'rolling'], hint: 'default naive' },
  ] },
  { name: 'finance', label: 'finance', about: 'value the investment: cash flows, NPV, IRR, payback per production line, tornado', options: [
    { name: 'sweep', label: 'Design sweep', kind: 'text', placeholder: 'storage.energyMWh=0,50,100', hint: 'optional: scenario paths and values to try' },
    { name: 'dr', label: 'Include the scenario\'s grid-program revenue', kind: 'checkbox', checked: true },
    { name: 'policy', label: 'Policy', kind: 'select', choices: ['', 'naive', 'greedy', 'optimal', 'rolling'], hint: 'default naive' },
  ] },
  { name: 'flex', label: 'flex', about: 'the flexibility envelope: what each site can shed or add, for how long, at what cost', options: [
    { name: 'day', label: 'Day', kind: 'text', placeholder: 'the first day', hint: 'local day YYYY-MM-DD' },
    { name: 'durations', label: 'Durations', kind: 'text', placeholder: '1,2,3,4', hint: 'hours' },
    { name: 'policy', label: 'Base policy', kind: 'select', choices: ['', 'naive', 'greedy', 'optimal', 'rolling'], hint: 'default naive' },
  ] },
  { name: 'sweep', label: 'sweep', about: 'evaluate design variants (each a full simulation)', options: [{ name: 'sweep', label: 'Sweep', kind: 'text', required: true, placeholder: 'storage.energyMWh=0,50,100', hint: 'paths and values; ";" between dimensions' }, { name: 'policy', label: 'Policy', kind: 'select', choices: ['', 'naive', 'greedy'] }] },
  { name: 'bid', label: 'bid', about: 'a day-ahead market bid for one market day (energy, and reserves where the market has them)', options: [
    { name: 'day', label: 'Market day', kind: 'text', required: true, placeholder: 'YYYY-MM-DD', hint: 'in the market\'s time zone, inside the scenario\'s horizon' },
    { name: 'market', label: 'Market', kind: 'text', placeholder: 'the scenario\'s only market', hint: 'market id' },
    { name: 'perSite', label: 'One bid per site instead of one for the portfolio', kind: 'checkbox' },
    { name: 'reserves', label: 'Offer reserves where the market has products', kind: 'checkbox', checked: true },
  ] },
  { name: 'planEvent', label: 'plan an event', about: 'plan the fleet through one grid event: the deepest reduction with every QoS floor met', options: [
    { name: 'event', label: 'Event window', kind: 'text', required: true, placeholder: '2025-05-03T16:00/3', hint: 'START/HOURS in the horizon\'s time zone' },
    { name: 'reduce', label: 'Reduction', kind: 'number', placeholder: '25', hint: '% below normal power' },
    { name: 'measure', label: 'Measured on', kind: 'select', choices: ['', 'gpu', 'it', 'facility', 'grid'], hint: 'default gpu' },
    { name: 'maxReduction', label: 'Also find the deepest reduction holdable', kind: 'checkbox' },
  ] },
];

/** A file's content as base64. */
function base64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error ?? new Error(`could not read ${file.name}`));
    r.readAsDataURL(file);
  });
}

const isArchive = (n: string) => /\.(tar|tar\.gz|tgz)$/i.test(n);
const isScenario = (n: string) => /\.(ya?ml|json)$/i.test(n);

/** Path of a picked file inside the bundle: relative to the picked folder, or its name. */
function bundlePathOf(f: File): string {
  const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath;
  return rel ? rel.split('/').slice(1).join('/') : f.name;
}

/** Uploads the picked files as one scenario. */
async function upload(files: File[], signal: AbortSignal): Promise<ScenarioStored> {
  const archive = files.find((f) => isArchive(f.name));
  if (archive) {
    if (files.length > 1) throw new Error('pick an archive alone, or the scenario and its files without an archive');
    return api<ScenarioStored>('/scenarios/archive', { method: 'POST', body: archive, contentType: /\.tar$/i.test(archive.name) ? 'application/x-tar' : 'application/gzip', signal });
  }
  const scenarios = files.filter((f) => isScenario(f.name));
  // the scenario is the YAML or JSON file nearest the top of what was picked
  const entryFile = scenarios.sort((a, b) => bundlePathOf(a).split('/').length - bundlePathOf(b).split('/').length)[0];
  if (!entryFile) throw new Error('pick a scenario file (.yaml, .yml or .json), with the series files it names, or a .tar.gz archive');
  const body: { entry: string; files: Record<string, { text: string } | { base64: string }> } = { entry: bundlePathOf(entryFile), files: {} };
  for (const f of files) {
    const p = bundlePathOf(f);
    body.files[p] = f === entryFile ? { text: await f.text() } : { base64: await base64(f) };
  }
  return api<ScenarioStored>('/scenarios', { method: 'POST', body, signal });
}

/** The new-run page. */
export async function newRunPage(ctx: PageContext): Promise<void> {
  ctx.title('New run');
  if (!can('operator')) {
    replace(
      ctx.main,
      h('h1', null, 'New run'),
      h('p', { class: 'alert', role: 'alert', id: 'role-notice' }, `Your token has the role ${session()?.role ?? 'viewer'}: it can see every run and result, but starting runs and uploading scenarios needs an operator or admin token.`),
      h('p', null, 'Ask an administrator for one (', h('code', null, 'wattshift token create --role operator'), '), then log out and in again.'),
    );
    return;
  }
  replace(ctx.main, h('h1', null, 'New run'), loading());
  const [examples, stored] = await Promise.all([
    api<{ examples: Array<{ name: string }> }>('/examples', { signal: ctx.scope.signal }),
    api<{ scenarios: ScenarioView[] }>('/scenarios', { query: { limit: 200 }, signal: ctx.scope.signal }),
  ]);
  const uploaded = ctx.query.get('scenario');
  let source: 'example' | 'stored' | 'upload' = uploaded ? 'stored' : examples.examples.length ? 'example' : 'upload';
  let uploadedId: string | null = null;

  const exampleSel = select({ name: 'example', id: 'example' }, examples.examples.map((e) => [e.name, e.name]));
  const storedSel = select({ name: 'scenarioId', id: 'scenario-id' }, stored.scenarios.map((s) => [s.id, `${s.name} (${s.entry}, ${bytes(s.sizeBytes)}, ${localTime(s.createdAt)})`]), uploaded ?? undefined);
  const fileInput = h('input', { type: 'file', id: 'scenario-file', multiple: true, accept: '.yaml,.yml,.json,.csv,.gz,.tar,.tgz' });
  const folderInput = h('input', { type: 'file', id: 'scenario-folder', webkitdirectory: true });
  const uploadOut = h('div', { class: 'upload-result', 'aria-live': 'polite' });

  const radio = (value: typeof source, label: string) => {
    const r = h('input', { type: 'radio', name: 'source', value, id: `source-${value}`, checked: source === value });
    r.addEventListener('change', () => {
      source = value;
      syncSource();
    });
    return h('label', { class: 'radio', for: `source-${value}` }, r, ' ', label);
  };
  const exampleBox = h('div', { class: 'source-box' }, field('Example', exampleSel, 'scenarios shipped with wattshift, with their data'));
  const storedBox = h('div', { class: 'source-box' }, stored.scenarios.length ? field('Scenario', storedSel, 'scenarios uploaded before (stored by content)') : note('No scenario has been uploaded yet.'));
  const uploadBox = h(
    'div',
    { class: 'source-box' },
    field('Scenario files', fileInput, 'a YAML or JSON scenario with the series files it names (same relative paths), or one .tar.gz archive; files under the server\'s --data-root need not be sent'),
    field('Or a folder', folderInput, 'the scenario file at the top of the folder, series files below it'),
    uploadOut,
  );
  const syncSource = () => {
    exampleBox.hidden = source !== 'example';
    storedBox.hidden = source !== 'stored';
    uploadBox.hidden = source !== 'upload';
  };
  syncSource();

  const onFiles = (input: HTMLInputElement) => () => {
    const files = [...(input.files ?? [])];
    if (!files.length) return;
    uploadedId = null;
    startButton.disabled = true;
    replace(uploadOut, loading(`Uploading and checking ${files.length} file${files.length > 1 ? 's' : ''}…`));
    upload(files, ctx.scope.signal)
      .then((r) => {
        uploadedId = r.scenario.id;
        const v = r.validation;
        replace(
          uploadOut,
          h(
            'div',
            { class: 'ok-box', id: 'upload-ok' },
            h('strong', null, r.created ? 'Scenario checked and stored: ' : 'Already stored: '),
            `${r.scenario.name} (${r.scenario.entry}, ${r.scenario.fileCount ?? r.scenario.files?.length ?? files.length} files, ${bytes(r.scenario.sizeBytes)})`,
            v?.steps ? `; ${v.steps} time steps` : '',
            v?.warnings?.length ? h('ul', null, v.warnings.map((w) => h('li', null, w))) : null,
          ),
        );
        startButton.disabled = false;
      })
      .catch((e: unknown) => {
        replace(uploadOut, problemBox(e, e instanceof ApiError && e.status >= 400 && e.status < 500 ? 'The scenario has problems' : 'The upload failed'));
        startButton.disabled = false;
      });
  };
  fileInput.addEventListener('change', onFiles(fileInput));
  folderInput.addEventListener('change', onFiles(folderInput));

  // command and options
  const preset = ctx.query.get('command');
  const commandSel = select({ name: 'command', id: 'command' }, COMMANDS.map((c) => [c.name, `${c.label}: ${c.about}`]), COMMANDS.some((c) => c.name === preset) ? preset! : 'simulate');
  const optionsBox = h('fieldset', { class: 'options' });
  let controls = new Map<string, { f: OptionField; el: HTMLInputElement | HTMLSelectElement; wrap: HTMLElement }>();
  const drawOptions = () => {
    const c = COMMANDS.find((x) => x.name === commandSel.value)!;
    controls = new Map();
    const fields = c.options.map((f) => {
      let el: HTMLInputElement | HTMLSelectElement;
      if (f.kind === 'select') el = select({ name: f.name }, f.choices!.map((v) => [v, v === '' ? 'default' : v]));
      else if (f.kind === 'checkbox') el = h('input', { type: 'checkbox', name: f.name, checked: f.checked ?? false });
      else el = h('input', { type: f.kind === 'number' ? 'text' : 'text', inputmode: f.kind === 'number' ? 'decimal' : null, name: f.name, placeholder: f.placeholder ?? '', required: f.required ?? false });
      el.id = `opt-${f.name}`;
      const wrap = f.kind === 'checkbox' ? h('div', { class: 'field check' }, el, h('label', { for: el.id }, f.label)) : field(`${f.label}${f.required ? ' (required)' : ''}`, el, f.hint);
      controls.set(f.name, { f, el, wrap });
      return wrap;
    });
    replace(optionsBox, h('legend', null, `Options of ${c.label}`), fields.length ? fields : note('This command has no options.'));
  };
  commandSel.addEventListener('change', drawOptions);
  drawOptions();

  const out = h('div', { 'aria-live': 'polite' });
  const startButton = h('button', { type: 'submit', class: 'primary', id: 'start-run' }, 'Start run');
  const form = h(
    'form',
    { class: 'new-run', novalidate: true },
    h('fieldset', null, h('legend', null, 'Scenario'), h('div', { class: 'radios' }, radio('example', 'A bundled example'), radio('stored', 'A stored scenario'), radio('upload', 'Upload a scenario')), exampleBox, storedBox, uploadBox),
    h('fieldset', null, h('legend', null, 'Command'), field('Command', commandSel)),
    optionsBox,
    startButton,
    out,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    for (const { wrap } of controls.values()) wrap.classList.remove('invalid');
    const options: Record<string, unknown> = {};
    for (const [name, { f, el }] of controls) {
      if (f.kind === 'checkbox') {
        if ((el as HTMLInputElement).checked !== (f.checked ?? false)) options[name] = (el as HTMLInputElement).checked;
      } else if (el.value.trim() !== '') options[name] = el.value.trim();
    }
    const body: Record<string, unknown> = { command: commandSel.value, options };
    if (source === 'example') body.example = exampleSel.value;
    else if (source === 'stored') body.scenarioId = storedSel.value;
    else if (uploadedId) body.scenarioId = uploadedId;
    else {
      replace(out, problemBox(new Error('pick the scenario files first; they are checked as soon as they are picked'), 'No scenario uploaded'));
      return;
    }
    if (!body.example && !body.scenarioId) {
      replace(out, problemBox(new Error('pick a scenario'), 'No scenario'));
      return;
    }
    startButton.disabled = true;
    replace(out, loading('Starting…'));
    api<{ id: string }>('/runs', { method: 'POST', body, signal: ctx.scope.signal })
      .then((r) => go(`/runs/${r.id}`))
      .catch((err: unknown) => {
        startButton.disabled = false;
        replace(out, problemBox(err, 'The run was not started'));
        // point at the option the server named
        const path = err instanceof ApiError ? err.problem.location?.path : undefined;
        const m = path ? /^body\.options\.(\w+)/.exec(path) : null;
        const c = m ? controls.get(m[1]!) : undefined;
        if (c) {
          c.wrap.classList.add('invalid');
          c.el.focus();
        }
      });
  });
  replace(ctx.main, h('h1', null, 'New run'), form);
}
