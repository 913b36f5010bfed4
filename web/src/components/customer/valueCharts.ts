// Chart options of the 360 view's value panel and the member usage drawer.
import type { EChartsCoreOption } from 'echarts/core';
import type { MemberUsage, Scores, Service, ValueMonth } from '@/api/value';
import { SERVICES } from '@/api/value';
import { SERVICE_COLORS, type Fmt } from '@/views/analysis/charts';

export const SCORE_PARTS = ['revenue', 'margin', 'collection', 'loyalty'] as const;
const SCORE_COLORS = ['#1f5fbf', '#2fb0a8', '#e0a030', '#9b6ad6'];

export function scoreOption(s: Scores, f: Fmt): EChartsCoreOption {
  const names = SCORE_PARTS.map((p) => f.t(`value.scores.${p}`));
  return {
    animationDuration: 300,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => f.num(v, 1) },
    grid: { left: 4, right: 36, top: 6, bottom: 4, containLabel: true },
    xAxis: {
      type: 'value', min: 0, max: (v: { max: number }) => Math.max(40, Math.ceil(v.max / 10) * 10), splitLine: { lineStyle: { color: '#eef1f4' } },
      axisLabel: { formatter: (v: number) => f.axisNum(v) },
    },
    yAxis: { type: 'category', data: names, inverse: true, axisTick: { show: false } },
    series: [{
      type: 'bar', barMaxWidth: 16, label: { show: true, position: 'right', formatter: (p: { value: number }) => f.num(p.value, 1) },
      data: SCORE_PARTS.map((p, i) => ({ value: Math.round(s[p] * 10) / 10, itemStyle: { color: SCORE_COLORS[i], borderRadius: [0, 3, 3, 0] } })),
    }],
  };
}

export function serviceOption(byService: Record<Service, number>, f: Fmt): EChartsCoreOption {
  const data = SERVICES.map((s) => ({ name: f.label('service', s), value: byService[s] ?? 0, itemStyle: { color: SERVICE_COLORS[s] } }))
    .filter((d) => d.value > 0);
  return {
    animationDuration: 300,
    tooltip: { trigger: 'item', formatter: (p: { name: string; value: number; percent: number }) => `${p.name}: ${f.money(p.value)} (${f.pct(p.percent)})` },
    legend: { bottom: 0, itemWidth: 12, itemHeight: 8 },
    series: [{
      type: 'pie', radius: ['36%', '60%'], center: ['50%', '42%'], minShowLabelAngle: 12,
      label: { formatter: (p: { percent: number }) => f.pct(p.percent), fontSize: 11, overflow: 'none' },
      labelLine: { length: 6, length2: 6 }, data,
    }],
  };
}

/** Revenue bars and margin line over the customer's stored months. */
export function historyOption(history: ValueMonth[], f: Fmt): EChartsCoreOption {
  return {
    animationDuration: 300,
    tooltip: {
      trigger: 'axis',
      formatter: (ps: { marker: string; seriesName: string; value: number; axisValue: string }[]) =>
        [`<b>${ps[0]?.axisValue ?? ''}</b>`, ...ps.map((p) => `${p.marker}${p.seriesName}: ${f.money(p.value)}`)].join('<br/>'),
    },
    legend: { top: 0, itemWidth: 12, itemHeight: 8 },
    grid: { left: 4, right: 8, top: 26, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: history.map((h) => h.month.slice(2)), axisLabel: { fontSize: 10 } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => f.moneyAxis(v), fontSize: 10 }, splitLine: { lineStyle: { color: '#eef1f4' } } },
    series: [
      { name: f.t('analysis.revenue'), type: 'bar', barMaxWidth: 14, itemStyle: { color: '#9fb8dd' }, data: history.map((h) => h.revenue_fen) },
      { name: f.t('analysis.measure.margin'), type: 'line', smooth: true, symbolSize: 4, itemStyle: { color: '#2f9e62' }, data: history.map((h) => h.margin_fen) },
    ],
  };
}

/** A member's months: bill (yuan, left axis), minutes and data MB (right axis); the tooltip shows data as MB/GB. */
export function memberUsageOption(u: MemberUsage, f: Fmt): EChartsCoreOption {
  const months = u.months ?? [];
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    animationDuration: 300,
    tooltip: {
      trigger: 'axis',
      formatter: (ps: { marker: string; seriesName: string; value: number; axisValue: string; seriesIndex: number }[]) =>
        [`<b>${ps[0]?.axisValue ?? ''}</b>`,
          ...ps.map((p) => `${p.marker}${p.seriesName}: ${[f.money, f.num, f.dataMb][p.seriesIndex]?.(p.value) ?? f.num(p.value)}`)].join('<br/>'),
    },
    legend: { top: 0 },
    grid: { left: 4, right: 4, top: 28, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: months.map((m) => m.period), axisLabel: { fontSize: 10 } },
    yAxis: [
      { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => f.moneyAxis(v), fontSize: 10 }, splitLine: { lineStyle: { color: '#eef1f4' } } },
      { type: 'value', axisLabel: { formatter: (v: number) => f.axisNum(v), fontSize: 10 }, splitLine: { show: false } },
    ],
    series: [
      { name: f.t('value.members.bill'), type: 'bar', barMaxWidth: 14, itemStyle: { color: '#9fb8dd' }, data: months.map((m) => num(m.bill_fen)) },
      { name: f.t('value.members.mou'), type: 'line', yAxisIndex: 1, smooth: true, symbolSize: 4, itemStyle: { color: '#e0a030' }, data: months.map((m) => num(m.mou)) },
      { name: f.t('value.members.dataMb'), type: 'line', yAxisIndex: 1, smooth: true, symbolSize: 4, itemStyle: { color: '#2fb0a8' }, data: months.map((m) => num(m.data_mb)) },
    ],
  };
}
