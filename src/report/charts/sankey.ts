/**
 * Option builder of the energy-flow Sankey of a site: energy over the horizon from sources
 * (renewables, grid import, storage discharge) through the site to its uses (IT by workload
 * class, cooling, losses, fixed loads, storage charge, export, curtailment). Browser-safe: no
 * Node imports.
 */
import { escapeHtml, formatNumber } from '../format.ts';
import { COLORS, TOOLTIP_CLASS, type ChartOption } from './theme.ts';
import type { ChartView } from './monthly.ts';

/** A node of the flow graph; `name` is also its id. */
export interface EnergyNode {
  name: string;
  color: string;
}

/** Energy from one node to another over the period, in the graph's unit. */
export interface EnergyLink {
  source: string;
  target: string;
  value: number;
}

/** A directed acyclic graph of energy flows; every inner node passes on what it receives. */
export interface EnergyFlowGraph {
  title: string;
  unit: 'kWh' | 'MWh';
  nodes: EnergyNode[];
  links: EnergyLink[];
}

/** Default size of the Sankey chart, px. */
export const SANKEY_CHART_SIZE = { width: 960, height: 420 } as const;

/** Significant decimals for energy labels: 3 significant figures below 100, whole numbers above. */
function energyDecimals(v: number): number {
  const a = Math.abs(v);
  return a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
}

/** Energy with its unit, e.g. "1,234 MWh". */
export function energyText(v: number, unit: string): string {
  return `${formatNumber(v, energyDecimals(v))} ${unit}`;
}

interface SankeyParam {
  dataType?: string;
  name?: string;
  value?: unknown;
  data?: { source?: string; target?: string; value?: number };
}

/** The ECharts option of the Sankey; node labels carry their energy and unit. */
export function energySankeyOption(g: EnergyFlowGraph, view: ChartView = {}): ChartOption {
  const interactive = view.interactive === true;
  const width = view.width ?? SANKEY_CHART_SIZE.width;
  const totals = new Map<string, { in: number; out: number }>();
  for (const n of g.nodes) totals.set(n.name, { in: 0, out: 0 });
  for (const l of g.links) {
    totals.get(l.source)!.out += l.value;
    totals.get(l.target)!.in += l.value;
  }
  const through = (name: string) => {
    const t = totals.get(name);
    return t ? Math.max(t.in, t.out) : 0;
  };
  const option: ChartOption = {
    title: { text: g.title, left: 16, top: 4, textStyle: { fontSize: 14, width: width - 32, overflow: 'truncate' } },
    series: [
      {
        type: 'sankey',
        left: 16,
        right: 200,
        top: 40,
        bottom: 16,
        nodeWidth: 14,
        nodeGap: 12,
        layoutIterations: 32,
        draggable: false,
        silent: !interactive,
        emphasis: interactive ? { focus: 'adjacency' } : { disabled: true },
        label: {
          fontSize: 11,
          color: '#333',
          formatter: (p: { name?: string }) => `${p.name ?? ''}  ${energyText(through(p.name ?? ''), g.unit)}`,
        },
        lineStyle: { color: 'gradient', opacity: 0.35, curveness: 0.5 },
        data: g.nodes.map((n) => ({ name: n.name, itemStyle: { color: n.color, borderColor: n.color } })),
        links: g.links.map((l) => ({ source: l.source, target: l.target, value: Math.round(l.value * 1e6) / 1e6 })),
      },
    ],
  };
  if (interactive) {
    option.tooltip = {
      trigger: 'item',
      confine: true,
      className: TOOLTIP_CLASS,
      backgroundColor: 'rgba(255,255,255,0.96)',
      textStyle: { color: '#222', fontSize: 12 },
      formatter: (raw: unknown) => {
        const p = raw as SankeyParam;
        if (p.dataType === 'edge' && p.data) {
          const share = through(p.data.source ?? '') > 0 ? ` (${formatNumber((100 * (p.data.value ?? 0)) / through(p.data.source ?? ''), 1)} % of ${escapeHtml(p.data.source ?? '')})` : '';
          return `${escapeHtml(p.data.source ?? '')} → ${escapeHtml(p.data.target ?? '')}<br><strong>${escapeHtml(energyText(p.data.value ?? 0, g.unit))}</strong>${share}`;
        }
        const t = totals.get(p.name ?? '');
        if (!t) return '';
        const parts = [t.in > 0 ? `in ${energyText(t.in, g.unit)}` : '', t.out > 0 ? `out ${energyText(t.out, g.unit)}` : ''].filter(Boolean);
        return `<strong>${escapeHtml(p.name ?? '')}</strong><br>${escapeHtml(parts.join(', '))}`;
      },
    };
  }
  return option;
}

/** Colours of the flow nodes, matching the power-flow chart. */
export const NODE_COLORS: Record<string, string> = {
  Renewables: COLORS.green,
  'Grid import': COLORS.blue,
  'Storage discharge': COLORS.orange,
  'Shortfall (unsupplied)': COLORS.vermillion,
  'Site bus': '#777777',
  Facility: '#555555',
  IT: '#332288',
  Cooling: COLORS.skyBlue,
  'UPS & distribution losses': COLORS.purple,
  'Fixed loads': COLORS.grey,
  'Storage charge': COLORS.orange,
  'Grid export': '#C9BC1C',
  Curtailed: COLORS.lightGrey,
  'Backup generators': COLORS.black,
  'Other loads (buildings)': '#9A8F6B',
  'Facility load series': '#B5B5B5',
};
