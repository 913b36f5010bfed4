// ECharts options for the workbench's summaries.
import type { EChartsCoreOption } from 'echarts/core';

export interface Slice {
  name: string;
  value: number;
  key?: string;
  itemStyle?: { color?: string };
}

export function pieOption(data: Slice[]): EChartsCoreOption {
  return {
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { bottom: 0, type: 'scroll' },
    series: [{
      type: 'pie', radius: ['40%', '68%'], center: ['50%', '44%'], avoidLabelOverlap: true,
      minShowLabelAngle: 10, label: { formatter: '{b} {c}' }, data,
    }],
  };
}

export function barOption(data: Slice[]): EChartsCoreOption {
  const sorted = [...data].sort((a, b) => a.value - b.value);
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 28, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: sorted.map((d) => d.name), axisLabel: { width: 90, overflow: 'truncate', interval: 0, fontSize: 11 } },
    series: [{
      type: 'bar', barMaxWidth: 16, itemStyle: { color: '#3d7be0', borderRadius: [0, 3, 3, 0] },
      label: { show: true, position: 'right' },
      data: sorted.map((d) => ({ value: d.value, key: d.key })),
    }],
  };
}
