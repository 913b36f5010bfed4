import { describe, expect, it } from 'vitest';
import type { Matrix, Pareto } from '@/api/value';
import {
  changeClass, matrixCellAt, matrixGrid, matrixOption, paretoMarks, paretoOption, reachOf, shareAt, tierRows, type Fmt,
} from './charts';

const fmt: Fmt = {
  money: (v) => `¥${v / 100}`, moneyShort: (v) => `¥${v / 100}`, num: (v) => String(v), pct: (p) => (p === null ? '—' : `${p}%`),
  label: (g, v) => `${g}:${v}`, t: (k, p) => (p ? `${k} ${JSON.stringify(p)}` : k),
  axisNum: (v) => String(v), moneyAxis: (v) => `¥${v / 100}`, dataMb: (v) => `${v} MB`, minutes: (v) => `${v} min`, sms: (v) => `${v} SMS`,
};

// Ten customers holding 50, 20, 10, 5, 5, 4, 3, 2, 1, 0 (of 100).
const points = [0, 50, 70, 80, 85, 90, 94, 97, 99, 100, 100].map((c, i) => ({ customers_pct: i * 10, cumulative_pct: c }));
const pareto: Pareto = {
  month: '2026-10', measure: 'revenue', customers: 10, total_fen: 10000, top20_share_pct: 70,
  customers_for_80_pct: 3, customers_for_80_share_pct: 30, points,
};

describe('the Pareto curve', () => {
  it('reads the share at any customer share, between the points', () => {
    expect(shareAt(points, 20)).toBe(70);
    expect(shareAt(points, 25)).toBe(75);
    expect(shareAt(points, 0)).toBe(0);
    expect(shareAt(points, 150)).toBe(100);
    expect(shareAt([], 20)).toBe(0);
  });
  it('finds where the curve reaches a share', () => {
    expect(reachOf(points, 80)).toBe(30);
    expect(reachOf(points, 60)).toBe(15);
    expect(reachOf(points, 100)).toBe(90);
  });
  it('marks the 20 % point and the 80 % line with the API’s figures', () => {
    const m = paretoMarks(pareto);
    expect(m.top20).toEqual([20, 70]);
    expect(m.reach80).toEqual([30, 80]);
    expect(m.customersFor80).toBe(3);
  });
  it('falls back to the curve when the API has no exact figures', () => {
    const m = paretoMarks({ ...pareto, top20_share_pct: 0, customers_for_80_pct: 0, customers_for_80_share_pct: 0 });
    expect(m.top20).toEqual([20, 70]);
    expect(m.reach80).toEqual([30, 80]);
    expect(m.customersFor80).toBe(3);
  });
  it('draws the curve with the 80 % line, the crossing and the 20 % point', () => {
    const o = paretoOption(pareto, fmt) as { series: { data: unknown[]; markLine?: { data: { yAxis?: number; xAxis?: number }[] }; markPoint?: { data: { coord: number[] }[] } }[] };
    const curve = o.series[0];
    expect(curve.data).toHaveLength(points.length);
    expect(curve.markLine!.data.map((d) => d.yAxis ?? d.xAxis)).toEqual([80, 30]);
    expect(curve.markPoint!.data[0].coord).toEqual([20, 70]);
  });
});

describe('the value × risk matrix', () => {
  const matrix: Matrix = {
    month: '2026-10', tiers: ['gold', 'silver', 'bronze', 'do_not_serve'], risks: ['low', 'medium', 'high'],
    cells: [
      { tier: 'gold', risk: 'low', customers: 4, revenue_fen: 400, clv_fen: 0 },
      { tier: 'bronze', risk: 'high', customers: 7, revenue_fen: 70, clv_fen: 0 },
    ],
  };
  it('has every cell, empty ones as zero, tiers as rows and risks as columns', () => {
    const g = matrixGrid(matrix);
    expect(g.data).toHaveLength(12);
    expect(g.data).toContainEqual([0, 0, 4, 400]);
    expect(g.data).toContainEqual([2, 2, 7, 70]);
    expect(g.data).toContainEqual([1, 3, 0, 0]);
    expect(g.max).toBe(7);
  });
  it('maps a clicked cell back to its tier and risk', () => {
    expect(matrixCellAt(matrix, [2, 2, 7, 70])).toEqual({ tier: 'bronze', risk: 'high' });
    expect(matrixCellAt(matrix, [0, 3, 0, 0])).toEqual({ tier: 'do_not_serve', risk: 'low' });
    expect(matrixCellAt(matrix, [5, 0])).toBeNull();
    expect(matrixCellAt(matrix, 'x')).toBeNull();
  });
  it('draws gold at the top and labels the cells with customers and revenue', () => {
    const o = matrixOption(matrix, fmt) as { yAxis: { data: string[]; inverse: boolean }; series: { label: { formatter: (p: unknown) => string } }[] };
    expect(o.yAxis.data[0]).toBe('tier:gold');
    expect(o.yAxis.inverse).toBe(true);
    expect(o.series[0].label.formatter({ value: [0, 0, 4, 400] })).toBe('4\n¥4');
  });
});

describe('distributions and changes', () => {
  it('lists every tier in order, with zeros', () => {
    expect(tierRows({ silver: { customers: 2, revenue_fen: 5, margin_fen: 1 } }).map((r) => [r.tier, r.customers])).toEqual([
      ['gold', 0], ['silver', 2], ['bronze', 0], ['do_not_serve', 0],
    ]);
  });
  it('colours growth, falls and no change', () => {
    expect(changeClass(3.2)).toBe('up');
    expect(changeClass(-0.1)).toBe('down');
    expect(changeClass(0.01)).toBe('flat');
    expect(changeClass(null)).toBe('flat');
  });
});
