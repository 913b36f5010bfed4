// ECharts options for the workbench's summaries. Counts are shown through the locale's
// formatters (grouped, integer axis ticks).
import type { EChartsCoreOption } from 'echarts/core';

/** The formatters the charts need (useFormat() gives them in the current language). */
export interface CountFmt {
  num: (n: number) => string;
  pct: (p: number) => string;
  axisNum: (n: number) => string;
}

export interface Slice {
  name: string;
  value: number;
  key?: string;
  itemStyle?: { color?: string };
}

type PieParams = { name: string; value: number; percent: number };

export function pieOption(data: Slice[], f: CountFmt): EChartsCoreOption {
  return {
    tooltip: { trigger: 'item', formatter: (p: PieParams) => `${p.name}: ${f.num(p.value)} (${f.pct(p.percent)})` },
    legend: { bottom: 0, type: 'scroll' },
    series: [{
      type: 'pie', radius: ['40%', '68%'], center: ['50%', '44%'], avoidLabelOverlap: true,
      minShowLabelAngle: 10, label: { formatter: (p: PieParams) => `${p.name} ${f.num(p.value)}` }, data,
    }],
  };
}

export function barOption(data: Slice[], f: CountFmt): EChartsCoreOption {
  const sorted = [...data].sort((a, b) => a.value - b.value);
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => f.num(v) },
    grid: { left: 8, right: 28, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => f.axisNum(v) } },
    yAxis: { type: 'category', data: sorted.map((d) => d.name), axisLabel: { width: 90, overflow: 'truncate', interval: 0, fontSize: 11 } },
    series: [{
      type: 'bar', barMaxWidth: 16, itemStyle: { color: '#3d7be0', borderRadius: [0, 3, 3, 0] },
      label: { show: true, position: 'right', formatter: (p: { value: number }) => f.num(p.value) },
      data: sorted.map((d) => ({ value: d.value, key: d.key })),
    }],
  };
}
