// The value analysis as chart options, and the little bits of logic the charts need (where the
// Pareto marks go, which matrix cell was clicked). Pure functions of the API's answers: labels
// and formatters come in from the page, so the tests run without a browser.
import type { EChartsCoreOption } from 'echarts/core';
import type { Breakdown, Matrix, Pareto, ParetoPoint, TrendItem, CompareItem } from '@/api/value';
import { SERVICES, TIERS, STAGES } from '@/api/value';

export interface Fmt {
  money: (fen: number) => string;
  moneyShort: (fen: number) => string;
  num: (n: number, digits?: number) => string;
  pct: (p: number | null, signed?: boolean) => string;
  /** An enum value in words (tier, risk, stage, service …). */
  label: (group: string, value: string) => string;
  t: (key: string, params?: Record<string, unknown>) => string;
  /** Ticks of value axes: as many decimals as the tick has, so no two ticks read the same. */
  axisNum: (n: number) => string;
  /** Ticks of a money axis (fen), short: ¥1.25万 / ¥12.5K. */
  moneyAxis: (fen: number) => string;
  /** Quantities with their unit: data from MB (MB/GB/TB), call minutes, SMS count. */
  dataMb: (mb: number) => string;
  minutes: (n: number) => string;
  sms: (n: number) => string;
}

export const TIER_COLORS: Record<string, string> = { gold: '#d4a017', silver: '#8e9aa8', bronze: '#b8733d', do_not_serve: '#d9534f' };
export const STAGE_COLORS: Record<string, string> = {
  acquisition: '#3d7be0', growth: '#2f9e62', maturity: '#5b6b82', decline: '#e0a030', churn: '#d9534f',
};
export const SERVICE_COLORS: Record<string, string> = { voice: '#3d7be0', data: '#2fb0a8', sms: '#9b6ad6', other: '#a0a8b3' };
export const RISK_COLORS: Record<string, string> = { low: '#2f9e62', medium: '#e0a030', high: '#d9534f' };

// ---------------------------------------------------------------------------------------------
// Pareto

/** The cumulative share at a customer share x (linear between the curve's points). */
export function shareAt(points: ParetoPoint[], x: number): number {
  if (!points.length) return 0;
  const sorted = [...points].sort((a, b) => a.customers_pct - b.customers_pct);
  if (x <= sorted[0].customers_pct) return sorted[0].cumulative_pct;
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1], b = sorted[i];
    if (x <= b.customers_pct) {
      const span = b.customers_pct - a.customers_pct;
      return span <= 0 ? b.cumulative_pct : a.cumulative_pct + ((x - a.customers_pct) / span) * (b.cumulative_pct - a.cumulative_pct);
    }
  }
  return sorted[sorted.length - 1].cumulative_pct;
}

/** The smallest customer share whose cumulative share reaches y (linear between points). */
export function reachOf(points: ParetoPoint[], y: number): number {
  const sorted = [...points].sort((a, b) => a.customers_pct - b.customers_pct);
  for (let i = 0; i < sorted.length; i++) {
    const b = sorted[i];
    if (b.cumulative_pct >= y) {
      if (i === 0) return b.customers_pct;
      const a = sorted[i - 1];
      const rise = b.cumulative_pct - a.cumulative_pct;
      return rise <= 0 ? b.customers_pct : a.customers_pct + ((y - a.cumulative_pct) / rise) * (b.customers_pct - a.customers_pct);
    }
  }
  return 100;
}

export interface ParetoMarks {
  /** The 20 % point: [20, share of the measure held by the top 20 % of customers]. */
  top20: [number, number];
  /** Where the curve crosses 80 %: [share of customers, 80]. */
  reach80: [number, number];
  /** How many customers make up 80 %. */
  customersFor80: number;
}

/** Where the 80 % line and the 20 % point go: the API's exact figures, the curve when it has none. */
export function paretoMarks(p: Pareto): ParetoMarks {
  const hasCustomers = p.customers > 0 && p.points.length > 1;
  const top20 = hasCustomers && Number.isFinite(p.top20_share_pct) && p.top20_share_pct > 0 ? p.top20_share_pct : shareAt(p.points, 20);
  const reach = hasCustomers && p.customers_for_80_pct > 0 ? p.customers_for_80_share_pct : reachOf(p.points, 80);
  return {
    top20: [20, round1(top20)],
    reach80: [round1(reach), 80],
    customersFor80: p.customers_for_80_pct || Math.ceil((reach / 100) * p.customers),
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function paretoOption(p: Pareto, f: Fmt): EChartsCoreOption {
  const m = paretoMarks(p);
  const name = f.t(`analysis.measure.${p.measure}`);
  return {
    animationDuration: 400,
    tooltip: {
      trigger: 'axis',
      formatter: (ps: { data: [number, number] }[]) => {
        const d = ps[0]?.data;
        return d ? f.t('analysis.pareto.tooltip', { customers: f.pct(d[0]), share: f.pct(d[1]), measure: name }) : '';
      },
    },
    grid: { left: 8, right: 24, top: 16, bottom: 26, containLabel: true },
    xAxis: {
      type: 'value', min: 0, max: 100, name: f.t('analysis.pareto.xAxis'), nameLocation: 'middle', nameGap: 26,
      nameTextStyle: { color: '#6b7785', fontSize: 11 }, axisLabel: { formatter: (v: number) => `${f.axisNum(v)}%` },
    },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: (v: number) => `${f.axisNum(v)}%` } },
    series: [
      {
        name, type: 'line', showSymbol: false, smooth: false, lineStyle: { width: 2, color: '#1f5fbf' },
        areaStyle: { color: 'rgba(31,95,191,0.10)' },
        data: p.points.map((q) => [q.customers_pct, q.cumulative_pct]),
        markLine: {
          symbol: 'none', silent: true,
          lineStyle: { type: 'dashed', color: '#d9534f' },
          label: { formatter: '{b}', position: 'insideEndTop', color: '#d9534f' },
          data: [
            { name: '80%', yAxis: 80 },
            // The crossing is said in words under the chart; a label here would cross the curve.
            { name: f.t('analysis.pareto.reach80', { pct: f.pct(m.reach80[0]) }), xAxis: m.reach80[0], label: { show: false } },
          ],
        },
        markPoint: {
          symbol: 'circle', symbolSize: 9, itemStyle: { color: '#e0a030' },
          label: {
            show: true, position: 'right', color: '#7a4d00', fontWeight: 600, backgroundColor: 'rgba(255,255,255,0.85)', padding: [2, 4],
            formatter: () => f.t('analysis.pareto.top20', { share: f.pct(m.top20[1]) }),
          },
          data: [{ name: 'top20', coord: m.top20, value: m.top20[1] }],
        },
      },
      {
        name: f.t('analysis.pareto.even'), type: 'line', showSymbol: false, silent: true,
        lineStyle: { type: 'dotted', color: '#a0a8b3', width: 1 }, data: [[0, 0], [100, 100]], tooltip: { show: false },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Distributions

/** Tiers in their fixed order (gold first), with zeros for tiers nobody is in. */
export function tierRows(byTier: Record<string, Breakdown>): { tier: string; customers: number; revenue_fen: number }[] {
  return TIERS.map((tier) => ({ tier, customers: byTier[tier]?.customers ?? 0, revenue_fen: byTier[tier]?.revenue_fen ?? 0 }));
}

export function tierOption(byTier: Record<string, Breakdown>, f: Fmt): EChartsCoreOption {
  const rows = tierRows(byTier);
  const names = rows.map((r) => f.label('tier', r.tier));
  return {
    animationDuration: 400,
    tooltip: {
      trigger: 'axis', axisPointer: { type: 'shadow' },
      formatter: (ps: { dataIndex: number }[]) => {
        const r = rows[ps[0]?.dataIndex ?? 0];
        return `${f.label('tier', r.tier)}<br/>${f.t('analysis.customers')}: ${f.num(r.customers)}<br/>${f.t('analysis.revenue')}: ${f.money(r.revenue_fen)}`;
      },
    },
    legend: { top: 0, data: [f.t('analysis.customers'), f.t('analysis.revenue')] },
    grid: { left: 8, right: 8, top: 30, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, fontSize: 11, width: 56, overflow: 'break', lineHeight: 13 } },
    yAxis: [
      { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => f.axisNum(v) }, splitLine: { lineStyle: { color: '#eef1f4' } } },
      { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => f.moneyAxis(v) }, splitLine: { show: false } },
    ],
    series: [
      {
        name: f.t('analysis.customers'), type: 'bar', barMaxWidth: 26,
        label: { show: true, position: 'top', formatter: (p: { value: number }) => f.num(p.value) },
        data: rows.map((r) => ({ value: r.customers, key: r.tier, itemStyle: { color: TIER_COLORS[r.tier] } })),
      },
      {
        name: f.t('analysis.revenue'), type: 'bar', yAxisIndex: 1, barMaxWidth: 26,
        itemStyle: { color: '#9fb8dd' },
        data: rows.map((r) => ({ value: r.revenue_fen, key: r.tier })),
      },
    ],
  };
}

/** What ECharts gives a pie's label and tooltip formatters. */
interface PieParams { name: string; value: number; percent: number }

export function stageOption(byStage: Record<string, Breakdown>, f: Fmt): EChartsCoreOption {
  const data = STAGES.map((s) => ({
    name: f.label('stage', s), value: byStage[s]?.customers ?? 0, key: s, itemStyle: { color: STAGE_COLORS[s] },
  })).filter((d) => d.value > 0);
  return {
    animationDuration: 400,
    tooltip: { trigger: 'item', formatter: (p: PieParams) => `${p.name}: ${f.num(p.value)} (${f.pct(p.percent)})` },
    legend: { bottom: 0, itemWidth: 10, itemHeight: 8, itemGap: 8, textStyle: { fontSize: 11 } },
    series: [{
      type: 'pie', radius: ['34%', '56%'], center: ['50%', '42%'], minShowLabelAngle: 8,
      label: { formatter: (p: PieParams) => `${p.name}\n${f.num(p.value)}`, fontSize: 11, overflow: 'none' }, labelLine: { length: 8, length2: 6 }, data,
    }],
  };
}

// ---------------------------------------------------------------------------------------------
// Trend

export function trendOption(items: TrendItem[], f: Fmt): EChartsCoreOption {
  const months = items.map((i) => i.month);
  return {
    animationDuration: 400,
    tooltip: {
      trigger: 'axis',
      formatter: (ps: { seriesName: string; value: number; marker: string; seriesIndex: number }[]) => {
        if (!ps.length) return '';
        const i = items[(ps[0] as unknown as { dataIndex: number }).dataIndex];
        const lines = ps.map((p) => `${p.marker}${p.seriesName}: ${p.seriesIndex < SERVICES.length ? f.money(p.value) : f.num(p.value)}`);
        return [`<b>${i.month}</b> · ${f.t('analysis.revenue')} ${f.money(i.revenue_fen)}`, ...lines].join('<br/>');
      },
    },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 8, right: 8, top: 32, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: months, axisLabel: { fontSize: 11 } },
    yAxis: [
      { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => f.moneyAxis(v) }, splitLine: { lineStyle: { color: '#eef1f4' } } },
      { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => f.axisNum(v) }, splitLine: { show: false } },
    ],
    series: [
      ...SERVICES.map((s) => ({
        name: f.label('service', s), type: 'bar', stack: 'revenue', barMaxWidth: 22, itemStyle: { color: SERVICE_COLORS[s] },
        data: items.map((i) => i.revenue_by_service_fen[s] ?? 0),
      })),
      {
        name: f.t('analysis.customers'), type: 'line', yAxisIndex: 1, smooth: true, symbolSize: 5,
        itemStyle: { color: '#e0a030' }, data: items.map((i) => i.customers),
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Comparison

/** Green for growth, red for a fall, grey when flat or without a base. */
export function changeClass(p: number | null | undefined): 'up' | 'down' | 'flat' {
  if (p === null || p === undefined || !Number.isFinite(p) || Math.abs(p) < 0.05) return 'flat';
  return p > 0 ? 'up' : 'down';
}

/** The comparison's change against a base that may be zero (then there is no percentage). */
export const momOf = (i: CompareItem) => (i.previous_fen ? i.mom_pct : null);
export const yoyOf = (i: CompareItem) => (i.year_ago_fen ? i.yoy_pct : null);

export function compareOption(items: CompareItem[], f: Fmt, labelOf: (i: CompareItem) => string, limit = 12): EChartsCoreOption {
  const top = items.slice(0, limit).reverse();
  const names = top.map(labelOf);
  const series = [
    { key: 'year_ago_fen', name: f.t('analysis.compare.yearAgo'), color: '#c9d3e0' },
    { key: 'previous_fen', name: f.t('analysis.compare.previous'), color: '#9fb8dd' },
    { key: 'value_fen', name: f.t('analysis.compare.current'), color: '#1f5fbf' },
  ] as const;
  return {
    animationDuration: 300,
    tooltip: {
      trigger: 'axis', axisPointer: { type: 'shadow' },
      formatter: (ps: { dataIndex: number }[]) => {
        const i = top[ps[0]?.dataIndex ?? 0];
        return [
          `<b>${labelOf(i)}</b>`,
          `${f.t('analysis.compare.current')}: ${f.money(i.value_fen)}`,
          `${f.t('analysis.compare.mom')}: ${f.pct(momOf(i), true)} · ${f.t('analysis.compare.yoy')}: ${f.pct(yoyOf(i), true)}`,
        ].join('<br/>');
      },
    },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 28, bottom: 4, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => f.moneyAxis(v) } },
    yAxis: { type: 'category', data: names, axisLabel: { width: 110, overflow: 'truncate', interval: 0, fontSize: 11 } },
    series: series.map((s) => ({
      name: s.name, type: 'bar', barMaxWidth: 10, barGap: '10%', itemStyle: { color: s.color },
      data: top.map((i) => i[s.key]),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Value × risk matrix

export interface MatrixGrid {
  /** Columns: risks, low → high. */
  x: string[];
  /** Rows: tiers, gold → do_not_serve. */
  y: string[];
  /** [column, row, customers, revenue_fen] for every cell, zeros included. */
  data: [number, number, number, number][];
  max: number;
}

export function matrixGrid(m: Matrix): MatrixGrid {
  const x = m.risks.length ? m.risks : ['low', 'medium', 'high'];
  const y = m.tiers.length ? m.tiers : [...TIERS];
  const data: MatrixGrid['data'] = [];
  let max = 0;
  y.forEach((tier, row) => x.forEach((risk, col) => {
    const c = m.cells.find((k) => k.tier === tier && k.risk === risk);
    const n = c?.customers ?? 0;
    max = Math.max(max, n);
    data.push([col, row, n, c?.revenue_fen ?? 0]);
  }));
  return { x, y, data, max };
}

/** The tier and risk of a clicked heatmap cell (ECharts gives the cell's [column, row, …]). */
export function matrixCellAt(m: Matrix, value: unknown): { tier: string; risk: string } | null {
  if (!Array.isArray(value) || value.length < 2) return null;
  const g = matrixGrid(m);
  const [col, row] = value as number[];
  const risk = g.x[col], tier = g.y[row];
  return risk && tier ? { tier, risk } : null;
}

export function matrixOption(m: Matrix, f: Fmt): EChartsCoreOption {
  const g = matrixGrid(m);
  return {
    animationDuration: 300,
    tooltip: {
      formatter: (p: { value: [number, number, number, number] }) => {
        const [c, r, n, rev] = p.value;
        return `${f.label('tier', g.y[r])} × ${f.label('risk', g.x[c])}<br/>${f.t('analysis.customers')}: ${f.num(n)}<br/>${f.t('analysis.revenue')}: ${f.money(rev)}`;
      },
    },
    grid: { left: 8, right: 8, top: 8, bottom: 36, containLabel: true },
    xAxis: { type: 'category', data: g.x.map((r) => f.label('risk', r)), splitArea: { show: true } },
    yAxis: { type: 'category', data: g.y.map((t) => f.label('tier', t)), inverse: true, splitArea: { show: true } },
    visualMap: {
      // Colour by customers (the third value of a cell; the fourth is revenue).
      dimension: 2, min: 0, max: Math.max(1, g.max), calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, itemWidth: 10,
      inRange: { color: ['#f2f6fc', '#9fb8dd', '#1f5fbf'] }, textStyle: { fontSize: 11 },
    },
    series: [{
      type: 'heatmap', data: g.data, cursor: 'pointer',
      label: {
        show: true, fontSize: 11, lineHeight: 15,
        formatter: (p: { value: [number, number, number, number] }) => `${f.num(p.value[2])}\n${f.moneyShort(p.value[3])}`,
      },
      itemStyle: { borderColor: '#fff', borderWidth: 2 },
      emphasis: { itemStyle: { borderColor: '#e0a030', borderWidth: 2 } },
    }],
  };
}
