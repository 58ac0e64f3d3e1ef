/**
 * Grid events: read from the scenario's schedule, from schedule files (CSV, YAML, JSON or
 * OpenADR 3.1 event JSON), from a command-line spec (`2025-05-03T16:00/3h`), or generated from
 * a grid-stress series (the top N days or hours of load, price or temperature, non-overlapping,
 * respecting notice and the program window). `checkEvents` refuses overlapping events,
 * windows outside the horizon or off the meter grid, short notice, and targets above capacity.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from '../errors/index.ts';
import { InputFileError, readInputText, type PathPolicy } from '../files/input-file.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { EventSpec as EventSpecSchema, type DrProgram, type EventSpec } from '../scenario/schema/grid-programs.ts';
import { loadSeries } from '../series/index.ts';
import { parseCsv, findColumn } from '../series/csv.ts';
import type { Calendar, TimeGrid } from '../time/grid.ts';
import { calendarOf, gridEndMs, stepStartMs } from '../time/grid.ts';
import { parseTimestamp } from '../time/parse.ts';
import { formatLocalIso, offsetMinutesAt } from '../time/zone.ts';
import { looksLikeOpenAdrEvent, MAX_EVENT_MS, openAdrToEvent, parseIsoDuration } from './openadr/event.ts';
import type { Direction, GridEvent, ResolvedProgram, TargetPiece } from './types.ts';

/** What reading events needs to know. */
export interface EventContext {
  grid: TimeGrid;
  direction: Direction;
  siteIds: string[];
  programIds: string[];
  /** Folder relative file names are read from. */
  baseDir?: string;
  /** Where files may be read from (default: any regular file). */
  policy?: PathPolicy;
}

const H = 3_600_000;

function eventError(message: string, where: { file?: string; path?: string; line?: number }): InputError {
  return new InputError('EVENT_INVALID', message, { file: where.file, line: where.line, path: where.path });
}

/** Local ISO time of `ms` in the grid's zone, for messages. */
export function localTime(grid: TimeGrid, ms: number): string {
  return formatLocalIso(ms, offsetMinutesAt(grid.timeZone, ms)).slice(0, 16).replace('T', ' ');
}

function time(text: string, ctx: Pick<EventContext, 'grid'>, where: { file?: string; path: string; line?: number }): number {
  const ms = parseTimestamp(text, ctx.grid.timeZone);
  if (!Number.isFinite(ms)) throw eventError(`"${text}" is not a valid time; write e.g. 2025-05-03T16:00 (local, ${ctx.grid.timeZone}) or 2025-05-03T16:00-07:00`, where);
  return ms;
}

function targetsOf(spec: Pick<EventSpec, 'targetMW' | 'targetPercent' | 'importLimitMW'>, startMs: number, endMs: number): TargetPiece[] {
  if (spec.targetMW !== undefined) return [{ startMs, endMs, kind: 'kw', value: spec.targetMW * 1000 }];
  if (spec.targetPercent !== undefined) return [{ startMs, endMs, kind: 'fraction', value: spec.targetPercent / 100 }];
  if (spec.importLimitMW !== undefined) return [{ startMs, endMs, kind: 'limitKW', value: spec.importLimitMW * 1000 }];
  return [];
}

/** Turns checked schedule entries into events. */
export function eventsFromSpecs(specs: EventSpec[], ctx: EventContext, where: { file?: string; path: string; lines?: number[]; paths?: string[] }, source: string, programId?: string): GridEvent[] {
  return specs.map((s, i) => {
    const path = where.paths?.[i] ?? `${where.path}[${i}]`;
    const w = { file: where.file, line: where.lines?.[i], path };
    const startMs = time(s.start, ctx, { ...w, path: `${path}.start` });
    const endMs = s.end !== undefined ? time(s.end, ctx, { ...w, path: `${path}.end` }) : startMs + (s.durationHours as number) * H;
    if (!(endMs > startMs)) throw eventError(`the event ends (${s.end}) before or at its start (${s.start})`, { ...w, path: `${path}.end` });
    return {
      id: s.id ?? `${programId ?? 'event'}-${i + 1}`,
      programId,
      direction: ctx.direction,
      startMs,
      endMs,
      issuedMs: s.issued !== undefined ? time(s.issued, ctx, { ...w, path: `${path}.issued` }) : undefined,
      targets: targetsOf(s, startMs, endMs),
      sites: s.sites,
      source,
      path,
      file: where.file,
    };
  });
}

function zodToEvent(e: { issues: Array<{ path: PropertyKey[]; message: string }> }, prefix: string, file: string | undefined, line?: number): InputError {
  const issues = e.issues.map((i) => ({ path: `${prefix}${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`, message: i.message }));
  const first = issues[0]!;
  return new InputError('EVENT_INVALID', first.message, { file, line, path: first.path }, issues.length > 1 ? issues.slice(1, 20).map((i) => `${i.path}: ${i.message}`) : []);
}

const CSV_COLUMNS = ['id', 'program', 'start', 'end', 'durationHours', 'issued', 'targetMW', 'targetPercent', 'importLimitMW', 'sites'] as const;
const CSV_ALIASES: Record<string, string> = { duration_hours: 'durationHours', target_mw: 'targetMW', target_percent: 'targetPercent', import_limit_mw: 'importLimitMW' };

function parseCsvEvents(text: string, file: string, ctx: EventContext): GridEvent[] {
  let table;
  try {
    table = parseCsv(text, { file, path: 'events' });
  } catch (e) {
    if (e instanceof InputError) throw new InputError('EVENT_INVALID', e.message, e.location, e.details);
    throw e;
  }
  const header = table.header.map((h) => CSV_ALIASES[h.trim().toLowerCase()] ?? h.trim());
  const known = new Set<string>(CSV_COLUMNS);
  const unknown = header.filter((h) => !known.has(h) && findColumn([...CSV_COLUMNS], h) < 0);
  if (unknown.length > 0) {
    throw eventError(`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; event CSV columns: ${CSV_COLUMNS.join(', ')}`, { file, line: table.headerLine });
  }
  const col = (name: string) => findColumn(header, name);
  if (col('start') < 0) throw eventError(`the event file has no "start" column; columns: ${CSV_COLUMNS.join(', ')}`, { file, line: table.headerLine });
  const events: GridEvent[] = [];
  table.rows.forEach((row, r) => {
    const line = table.lines[r]!;
    const cell = (name: string): string | undefined => {
      const c = col(name);
      const v = c >= 0 ? row[c]?.trim() : undefined;
      return v === undefined || v === '' ? undefined : v;
    };
    const num = (name: string): number | undefined => {
      const v = cell(name);
      if (v === undefined) return undefined;
      const x = Number(v);
      if (!Number.isFinite(x)) throw eventError(`column "${name}": "${v.slice(0, 40)}" is not a number`, { file, line, path: `events[${r}].${name}` });
      return x;
    };
    const raw = {
      id: cell('id'),
      start: cell('start'),
      end: cell('end'),
      durationHours: num('durationHours'),
      issued: cell('issued'),
      targetMW: num('targetMW'),
      targetPercent: num('targetPercent'),
      importLimitMW: num('importLimitMW'),
      sites: cell('sites')?.split(/[;\s|]+/).filter(Boolean),
    };
    const clean = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
    const parsed = EventSpecSchema.safeParse(clean);
    if (!parsed.success) throw zodToEvent(parsed.error, `events[${r}]`, file, line);
    const program = cell('program');
    if (program !== undefined && !ctx.programIds.includes(program)) {
      throw eventError(`program "${program}" is not in the scenario; programs: ${ctx.programIds.join(', ') || '(none)'}`, { file, line, path: `events[${r}].program` });
    }
    events.push(...eventsFromSpecs([parsed.data], ctx, { file, path: 'events', paths: [`events[${r}]`], lines: [line] }, `schedule file ${file}`, program).map((e) => ({ ...e, id: parsed.data.id ?? `event-${r + 1}` })));
  });
  return events;
}

function parseStructuredEvents(text: string, file: string, ctx: EventContext): GridEvent[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: true });
  } catch (e) {
    if (e instanceof YAMLParseError) throw eventError(`syntax error: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, { file, line: e.linePos?.[0]?.line });
    throw eventError(`cannot parse the event file: ${(e as Error).message}`, { file });
  }
  const isOpenAdr = Array.isArray(doc) ? doc.length > 0 && doc.every(looksLikeOpenAdrEvent) : looksLikeOpenAdrEvent(doc);
  if (isOpenAdr) {
    const list = Array.isArray(doc) ? doc : [doc];
    return list.map((d, i) => openAdrToEvent(d, { file, path: Array.isArray(doc) ? `[${i}]` : '' }, ctx));
  }
  let list: unknown = doc;
  let prefix = '';
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && 'events' in doc) {
    list = (doc as { events: unknown }).events;
    prefix = 'events';
    const extra = Object.keys(doc).filter((k) => k !== 'events');
    if (extra.length > 0) throw eventError(`unknown key "${extra[0]}"; an event file holds "events" (a list)`, { file, path: extra[0] });
  }
  if (!Array.isArray(list)) {
    throw eventError('an event file holds a list of events (start, end or durationHours, targetMW or targetPercent), an object with "events", or an OpenADR 3 event object', { file, path: prefix || undefined });
  }
  if (list.length === 0) throw eventError('the event file has no events', { file, path: prefix || undefined });
  const specs: EventSpec[] = [];
  const programs: Array<string | undefined> = [];
  list.forEach((item, i) => {
    const p = `${prefix}[${i}]`;
    let program: string | undefined;
    let body = item;
    if (item !== null && typeof item === 'object' && !Array.isArray(item) && 'program' in item) {
      const { program: pr, ...rest } = item as Record<string, unknown>;
      if (typeof pr !== 'string' || !ctx.programIds.includes(pr)) {
        throw eventError(`program ${JSON.stringify(pr)} is not in the scenario; programs: ${ctx.programIds.join(', ') || '(none)'}`, { file, path: `${p}.program` });
      }
      program = pr;
      body = rest;
    }
    const parsed = EventSpecSchema.safeParse(body);
    if (!parsed.success) throw zodToEvent(parsed.error, p, file);
    specs.push(parsed.data);
    programs.push(program);
  });
  return specs.flatMap((s, i) => eventsFromSpecs([s], ctx, { file, path: prefix, paths: [`${prefix}[${i}]`] }, `schedule file ${file}`, programs[i]).map((e) => ({ ...e, id: s.id ?? `event-${i + 1}` })));
}

/** Parses the text of an event file; the format follows the extension (.csv, else YAML/JSON). */
export function parseEventText(text: string, file: string, ctx: EventContext): GridEvent[] {
  if (/\.csv$/i.test(file)) return parseCsvEvents(text, file, ctx);
  return parseStructuredEvents(text, file, ctx);
}

/** Reads an event file (relative to ctx.baseDir when given). */
export function readEventFile(file: string, ctx: EventContext): GridEvent[] {
  let text: string;
  try {
    text = readInputText(file, { baseDir: ctx.baseDir, policy: ctx.policy });
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    throw new InputError(e.notFound ? 'FILE_NOT_FOUND' : 'EVENT_INVALID', `event file "${file}" ${e.message}`, { file });
  }
  return parseEventText(text, file, ctx);
}

/** True when `text` reads as an event spec rather than a file name. */
export function isEventSpec(text: string): boolean {
  return /^(\d{4}-\d{2}-\d{2}[T ])?\d{1,2}:\d{2}.*(\/|\.\.)/.test(text);
}

/** The event grammar of `--event` in `plan` and `dr`, for help texts and messages. */
export const EVENT_SPEC_GRAMMAR =
  'START/DURATION (2025-05-03T16:00/3, 16:00/3h, 16:00/90m, 16:00/PT3H) or START..END (2025-05-03T16:00..19:00); ' +
  'START and END are local wall-clock times in the horizon time zone unless they carry an offset, and HH:MM alone is on the horizon\'s first day';

/**
 * Start and end of an event written on the command line, the one grammar of `plan --event` and
 * `dr --event`: `START/DURATION` or `START..END`. START and END are local wall-clock times in the
 * horizon zone (`2025-05-03T16:00`), times with an offset, or `HH:MM` on the horizon's first
 * local day (an END of `HH:MM` is on START's local day); DURATION is hours (`3`, `1.5`), `3h`,
 * `90m`, `90min` or ISO 8601 (`PT3H`, `PT1H30M`).
 */
export function parseEventTimes(text: string, grid: TimeGrid, cal: Calendar, path = '--event'): { startMs: number; endMs: number } {
  const where = { path };
  const ctx = { grid };
  const firstDay = cal.dayKeys[0]!;
  const at = (s: string): number => {
    const t = s.trim();
    return time(/^\d{1,2}:\d{2}$/.test(t) ? `${firstDay}T${t.padStart(5, '0')}` : t, ctx, where);
  };
  let startMs: number;
  let endMs: number;
  const dots = text.indexOf('..');
  if (dots > 0) {
    startMs = at(text.slice(0, dots));
    const endText = text.slice(dots + 2).trim();
    endMs = /^\d{1,2}:\d{2}$/.test(endText) ? at(`${formatLocalIso(startMs, offsetMinutesAt(grid.timeZone, startMs)).slice(0, 10)}T${endText.padStart(5, '0')}`) : at(endText);
  } else {
    const slash = text.lastIndexOf('/');
    if (slash <= 0) throw eventError(`"${text}" is not an event; write ${EVENT_SPEC_GRAMMAR}`, where);
    startMs = at(text.slice(0, slash));
    const d = text.slice(slash + 1).trim();
    const short = /^(\d+(?:\.\d+)?)\s*(h|m|min)?$/i.exec(d);
    if (short) {
      const ms = parseFloat(short[1]!) * (short[2] === undefined || short[2].toLowerCase() === 'h' ? H : 60_000);
      if (!(ms <= MAX_EVENT_MS)) throw eventError(`duration "${d.slice(0, 24)}" is longer than the longest horizon (${MAX_EVENT_MS / H} hours)`, where);
      endMs = startMs + ms;
    } else {
      const iso = parseIsoDuration(d.toUpperCase());
      if ('error' in iso) throw eventError(`duration ${iso.error.replace(/^"[^"]*" /, `"${d}" `)}; or write hours (3, 1.5), 3h or 90m`, where);
      endMs = startMs + iso.ms;
    }
  }
  if (!(endMs > startMs)) throw eventError(`the event "${text}" ends before or at its start (${localTime(grid, endMs)} ≤ ${localTime(grid, startMs)}, ${grid.timeZone})`, where);
  return { startMs, endMs };
}

/** Parses the command-line event grammar ({@link parseEventTimes}) into an event without a target. */
export function parseEventSpec(text: string, ctx: EventContext, cal: Calendar, index = 0): GridEvent {
  const { startMs, endMs } = parseEventTimes(text, ctx.grid, cal);
  return { id: `event-${index + 1}`, direction: ctx.direction, startMs, endMs, targets: [], source: `--event ${text}`, path: '--event' };
}

/** The top-N rule of a generator. */
export interface GeneratorRule {
  count: number;
  per: 'day' | 'hour';
  durationHours: number;
  minGapHours: number;
  targetMW?: number;
  targetPercent?: number;
}

/** True when step `t` may hold an event of the program (window, months, day type). */
function inWindow(program: ResolvedProgram, cal: Calendar, t: number): boolean {
  const w = program.window;
  if (!w) return true;
  if (w.months && !w.months.includes(cal.month[t]!)) return false;
  if (w.days !== 'all') {
    const key = cal.dayKeys[cal.dayIndex[t]!]!;
    const wd = cal.weekday[t]!;
    const work = program.extraWorkdays.has(key) || (!program.holidays.has(key) && wd >= 1 && wd <= 5);
    if ((w.days === 'workdays') !== work) return false;
  }
  const minute = cal.hour[t]! * 60 + cal.minute[t]!;
  return w.fromMinute <= w.toMinute ? minute >= w.fromMinute && minute < w.toMinute : minute >= w.fromMinute || minute < w.toMinute;
}

/**
 * Events on the top `rule.count` days (or blocks) of a stress signal on the grid: blocks of
 * `durationHours` inside the program window, starting on meter-interval boundaries, at least
 * the notice after the horizon start, scored by their mean signal; never overlapping and at
 * least `minGapHours` apart. Returns fewer events (with a note) when fewer fit.
 */
export function generateEvents(signal: Float64Array, grid: TimeGrid, cal: Calendar, program: ResolvedProgram, rule: GeneratorRule, source: string, path: string): { events: GridEvent[]; notes: string[] } {
  const n = grid.steps;
  const stepsPer = Math.round((rule.durationHours * 60) / grid.stepMinutes);
  const align = Math.max(1, Math.round(program.measurementIntervalMinutes / grid.stepMinutes));
  const earliest = grid.startMs + program.noticeHours * H;
  if (stepsPer < 1 || Math.abs(stepsPer * grid.stepMinutes - rule.durationHours * 60) > 1e-6) {
    throw new InputError('SCENARIO_INVALID', `durationHours ${rule.durationHours} is not a whole number of ${grid.stepMinutes}-minute steps`, { path: `${path}.durationHours` });
  }
  // prefix sums make every block mean O(1)
  const prefix = new Float64Array(n + 1);
  for (let t = 0; t < n; t++) prefix[t + 1] = prefix[t]! + (Number.isFinite(signal[t]!) ? signal[t]! : NaN);
  const ok = new Uint8Array(n);
  for (let t = 0; t < n; t++) ok[t] = inWindow(program, cal, t) ? 1 : 0;
  const blocks: Array<{ start: number; score: number; day: number }> = [];
  for (let s = 0; s + stepsPer <= n; s += 1) {
    if (s % align !== 0 || stepStartMs(grid, s) < earliest) continue;
    let all = true;
    for (let t = s; t < s + stepsPer; t++) if (!ok[t]) { all = false; break; }
    if (!all) continue;
    const score = (prefix[s + stepsPer]! - prefix[s]!) / stepsPer;
    if (!Number.isFinite(score)) continue;
    blocks.push({ start: s, score, day: cal.dayIndex[s]! });
  }
  let ranked: typeof blocks;
  if (rule.per === 'day') {
    const best = new Map<number, (typeof blocks)[number]>();
    for (const b of blocks) {
      const cur = best.get(b.day);
      if (!cur || b.score > cur.score) best.set(b.day, b);
    }
    ranked = [...best.values()];
  } else ranked = blocks;
  ranked.sort((a, b) => b.score - a.score || a.start - b.start);
  const gap = Math.round((rule.minGapHours * 60) / grid.stepMinutes);
  const chosen: typeof blocks = [];
  for (const b of ranked) {
    if (chosen.length >= rule.count) break;
    if (chosen.some((c) => b.start < c.start + stepsPer + gap && c.start < b.start + stepsPer + gap)) continue;
    chosen.push(b);
  }
  chosen.sort((a, b) => a.start - b.start);
  const notes: string[] = [];
  if (chosen.length < rule.count) notes.push(`only ${chosen.length} of the ${rule.count} requested events fit the program window, notice and gaps`);
  const events = chosen.map((b, i): GridEvent => {
    const startMs = stepStartMs(grid, b.start);
    const endMs = startMs + stepsPer * grid.stepMinutes * 60_000;
    return {
      id: `${program.id}-${String(i + 1).padStart(3, '0')}`,
      programId: program.id,
      direction: program.direction,
      startMs,
      endMs,
      issuedMs: startMs - program.noticeHours * H,
      targets: targetsOf({ targetMW: rule.targetMW, targetPercent: rule.targetPercent }, startMs, endMs),
      source: `${source} (score ${b.score.toFixed(3)})`,
      path,
    };
  });
  return { events, notes };
}

/** Facts `checkEvents` needs about the fleet. */
export interface CheckContext {
  grid: TimeGrid;
  program: ResolvedProgram;
  siteIds: string[];
  /** Capacity of each site (by index), kW. */
  siteCapacityKW: number[];
}

/**
 * Refuses events that cannot be replayed: outside the horizon, off the meter-interval grid,
 * shorter or longer than the program allows, outside its window, notified too late, calling
 * sites not enrolled, asking for more than the called sites can draw, or overlapping.
 */
export function checkEvents(events: GridEvent[], c: CheckContext): void {
  const { grid, program } = c;
  const intervalMs = program.measurementIntervalMinutes * 60_000;
  const end = gridEndMs(grid);
  const lt = (ms: number) => localTime(grid, ms);
  for (const e of events) {
    const where = { file: e.file, path: e.path };
    if (e.startMs < grid.startMs || e.endMs > end) {
      throw eventError(`event "${e.id}" (${lt(e.startMs)} to ${lt(e.endMs)}) is outside the horizon ${lt(grid.startMs)} to ${lt(end)} (${grid.timeZone}); move it inside, or widen the horizon`, where);
    }
    for (const [what, ms] of [['start', e.startMs], ['end', e.endMs]] as const) {
      if ((ms - grid.startMs) % intervalMs !== 0) {
        throw eventError(`event "${e.id}" ${what}s at ${lt(ms)}, which is not on the ${program.measurementIntervalMinutes}-minute meter grid (intervals start at ${lt(grid.startMs)} + k × ${program.measurementIntervalMinutes} min)`, where);
      }
    }
    for (const p of e.targets) {
      if ((p.startMs - grid.startMs) % intervalMs !== 0 || (p.endMs - grid.startMs) % intervalMs !== 0) {
        throw eventError(`event "${e.id}" has a target interval ${lt(p.startMs)} to ${lt(p.endMs)} that is not on the ${program.measurementIntervalMinutes}-minute meter grid`, where);
      }
      if (!(Number.isFinite(p.value) && p.value >= 0)) throw eventError(`event "${e.id}" has a target of ${p.value}; targets must be ≥ 0`, where);
    }
    const hours = (e.endMs - e.startMs) / H;
    if (hours < program.minDurationHours - 1e-9 || hours > program.maxDurationHours + 1e-9) {
      throw eventError(`event "${e.id}" lasts ${hours} h; program "${program.id}" calls events of ${program.minDurationHours} to ${program.maxDurationHours} h`, where);
    }
    if (program.window) {
      const cal = calOfRange(grid, e.startMs, e.endMs);
      for (let t = cal.from; t < cal.to; t++) {
        if (!inWindow(program, cal.cal, t)) {
          const w = program.window;
          const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
          throw eventError(`event "${e.id}" runs at ${lt(stepStartMs(grid, t))}, outside the program window ${hm(w.fromMinute)}–${hm(w.toMinute)}${w.months ? ` in months ${w.months.join(',')}` : ''}${w.days !== 'all' ? ` on ${w.days}` : ''}`, where);
        }
      }
    }
    if (e.issuedMs !== undefined) {
      const notice = (e.startMs - e.issuedMs) / H;
      if (notice < program.noticeHours - 1e-9) {
        throw eventError(`event "${e.id}" was notified ${notice.toFixed(2)} h before it starts; program "${program.id}" gives at least ${program.noticeHours} h notice`, where);
      }
    }
    if (e.sites) {
      const enrolled = program.siteIndices.map((s) => c.siteIds[s]!);
      for (const s of e.sites) {
        if (!enrolled.includes(s)) throw eventError(`event "${e.id}" calls site "${s}", which is not enrolled in program "${program.id}"; enrolled: ${enrolled.join(', ')}`, where);
      }
    }
    const called = e.sites ? e.sites.map((s) => c.siteIds.indexOf(s)) : program.siteIndices;
    const cap = called.reduce((a, s) => a + (c.siteCapacityKW[s] ?? 0), 0);
    for (const p of e.targets) {
      if (p.kind === 'kw' && p.value > cap + 1e-6) {
        throw eventError(`event "${e.id}" asks for ${(p.value / 1000).toFixed(3)} MW, above the ${(cap / 1000).toFixed(3)} MW the called sites can draw at most; lower the target`, where);
      }
      if (p.kind === 'fraction' && p.value > 1) throw eventError(`event "${e.id}" asks for ${(p.value * 100).toFixed(1)} % of the baseline; at most 100 %`, where);
    }
  }
  const sorted = [...events].sort((a, b) => a.startMs - b.startMs);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.startMs < a.endMs) {
      throw eventError(`events "${a.id}" (${lt(a.startMs)} to ${lt(a.endMs)}) and "${b.id}" (${lt(b.startMs)} to ${lt(b.endMs)}) overlap; a site can answer one event at a time`, { file: b.file, path: b.path });
    }
  }
}

function calOfRange(grid: TimeGrid, startMs: number, endMs: number): { cal: Calendar; from: number; to: number } {
  // steps of the horizon grid in its own zone; the caller checked the range is inside
  const from = Math.round((startMs - grid.startMs) / (grid.stepMinutes * 60_000));
  const to = Math.round((endMs - grid.startMs) / (grid.stepMinutes * 60_000));
  return { cal: calendarOf(grid, grid.timeZone), from, to };
}

/** The program's own events: its schedule, its schedule file and its generator, in time order. */
export function programEvents(model: FleetModel, program: ResolvedProgram, spec: DrProgram | undefined): { events: GridEvent[]; notes: string[] } {
  if (!spec) return { events: [], notes: [] };
  const ctx: EventContext = {
    grid: model.grid,
    direction: program.direction,
    siteIds: model.sites.map((s) => s.id),
    programIds: scenarioProgramIds(model),
    baseDir: model.resolved.baseDir,
    ...(model.resolved.pathPolicy ? { policy: model.resolved.pathPolicy } : {}),
  };
  const events: GridEvent[] = [];
  const notes: string[] = [];
  const p = program.path;
  events.push(...eventsFromSpecs(spec.events.schedule, ctx, { file: model.resolved.file, path: `${p}.events.schedule` }, `program "${program.id}" schedule`, program.id));
  if (spec.events.file) {
    const fromFile = readEventFile(spec.events.file, ctx).filter((e) => e.programId === undefined || e.programId === program.id);
    events.push(...fromFile.map((e) => ({ ...e, programId: program.id })));
  }
  const g = spec.events.generate;
  if (g) {
    const gp = `${p}.events.generate`;
    let signal: Float64Array;
    let what: string;
    if (g.signal === 'series') {
      signal = loadSeries(g.series!, {
        baseDir: model.resolved.baseDir, policy: model.resolved.pathPolicy, grid: model.grid, quantity: g.seriesQuantity, name: `${gp}.series`,
        currency: model.currency, defaultTimeZone: model.grid.timeZone,
      }).values;
      what = 'the stress series';
    } else {
      const id = g.site ?? model.sites[program.siteIndices[0]!]!.id;
      const site = model.sites.find((s) => s.id === id);
      if (!site) throw new InputError('SCENARIO_REFERENCE', `site "${id}" does not exist; sites: ${model.sites.map((s) => s.id).join(', ')}`, { path: `${gp}.site` });
      if (g.signal === 'temperature') {
        if (!site.temperatureC) throw new InputError('SCENARIO_INVALID', `site "${id}" has no weather series, so events cannot follow its temperature; give the site weather or use signal "price" or "series"`, { path: `${gp}.signal` });
        signal = site.temperatureC;
      } else signal = site.importPrice;
      what = `${g.signal} at ${id}`;
    }
    const r = generateEvents(signal, model.grid, calendarOf(model.grid, model.grid.timeZone), program, g, `generated: top ${g.count} ${g.per === 'day' ? 'days' : 'blocks'} of ${what}`, gp);
    events.push(...r.events);
    notes.push(...r.notes);
  }
  events.sort((a, b) => a.startMs - b.startMs);
  return { events, notes };
}

/** Ids of the scenario's programs. */
function scenarioProgramIds(model: FleetModel): string[] {
  return (model.resolved.scenario.gridPrograms?.programs ?? []).map((p) => p.id);
}
