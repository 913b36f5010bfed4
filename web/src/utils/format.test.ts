import { describe, expect, it } from 'vitest';
import {
  formatDate, formatDateTime, formatMoney, formatNumber, isoToShanghaiWall, parseYuanToFen, shanghaiToday, shanghaiWallToIso,
} from './format';

describe('formatMoney', () => {
  it('shows yuan with fen and thousands separators', () => {
    expect(formatMoney(123456, 'zh-CN')).toBe('¥1,234.56');
    expect(formatMoney(123456, 'en')).toBe('¥1,234.56');
    expect(formatMoney(5, 'zh-CN')).toBe('¥0.05');
    expect(formatMoney(0, 'en')).toBe('¥0.00');
    expect(formatMoney(-1999, 'en')).toBe('-¥19.99');
  });
  it('is exact for large amounts (no floating-point drift)', () => {
    expect(formatMoney(100000000001, 'zh-CN')).toBe('¥1,000,000,000.01');
    expect(formatMoney(1_000_000_000_000_07, 'en')).toBe('¥1,000,000,000,000.07');
  });
  it('shows a dash for missing amounts', () => {
    expect(formatMoney(null, 'zh-CN')).toBe('—');
    expect(formatMoney(undefined, 'en')).toBe('—');
  });
});

describe('formatNumber', () => {
  it('groups per locale', () => {
    expect(formatNumber(1234567, 'zh-CN')).toBe('1,234,567');
    expect(formatNumber(1234567, 'en')).toBe('1,234,567');
    expect(formatNumber(3.14159, 'en', 2)).toBe('3.14');
    expect(formatNumber(null, 'en')).toBe('—');
  });
});

describe('dates in Asia/Shanghai', () => {
  it('shows an instant in Shanghai time, whatever the machine zone', () => {
    // 23:30 UTC is 07:30 the next morning in Shanghai.
    expect(formatDateTime('2026-11-24T23:30:00Z', 'zh-CN')).toBe('2026/11/25 07:30');
    expect(formatDateTime('2026-11-24T23:30:00Z', 'en')).toBe('Nov 25, 2026, 07:30');
  });
  it('keeps a calendar date on its day', () => {
    expect(formatDate('2026-12-13', 'zh-CN')).toBe('2026/12/13');
    expect(formatDate('2026-12-13', 'en')).toBe('Dec 13, 2026');
    expect(formatDate('2026-11-24T20:00:00Z', 'zh-CN')).toBe('2026/11/25');
  });
  it('converts Shanghai wall time to UTC and back', () => {
    expect(shanghaiWallToIso('2026-11-24 15:30')).toBe('2026-11-24T07:30:00Z');
    expect(shanghaiWallToIso('2026-01-01 03:00')).toBe('2025-12-31T19:00:00Z');
    expect(isoToShanghaiWall('2025-12-31T19:00:00Z')).toBe('2026-01-01 03:00');
    expect(shanghaiToday(new Date('2026-11-24T16:00:00Z'))).toBe('2026-11-25');
    expect(() => shanghaiWallToIso('tomorrow')).toThrow();
  });
  it('passes through what it cannot read', () => {
    expect(formatDate('', 'en')).toBe('—');
    expect(formatDateTime('not a time', 'en')).toBe('not a time');
  });
});

describe('parseYuanToFen', () => {
  it('reads amounts people type', () => {
    expect(parseYuanToFen('1,234.5')).toBe(123450);
    expect(parseYuanToFen('¥ 0.07')).toBe(7);
    expect(parseYuanToFen('12')).toBe(1200);
    expect(parseYuanToFen('-3.10')).toBe(-310);
    expect(parseYuanToFen('1.234')).toBeNull();
    expect(parseYuanToFen('abc')).toBeNull();
  });
});

describe('percentages and short money', () => {
  it('shows one decimal, signed when asked', async () => {
    const { formatPct } = await import('./format');
    expect(formatPct(12.345, 'zh-CN')).toBe('12.3%');
    expect(formatPct(3, 'en', true)).toBe('+3.0%');
    expect(formatPct(-0.04, 'en', true)).toBe('0.0%');
    expect(formatPct(-4.06, 'en', true)).toBe('-4.1%');
    expect(formatPct(0, 'en', true)).toBe('0.0%');
    expect(formatPct(null, 'en')).toBe('—');
  });
  it('computes a change only when there is something to compare with', async () => {
    const { changePct } = await import('./format');
    expect(changePct(110, 100)).toBeCloseTo(10);
    expect(changePct(90, 100)).toBeCloseTo(-10);
    expect(changePct(5, 0)).toBeNull();
    expect(changePct(5, null)).toBeNull();
  });
  it('shortens axis amounts per locale', async () => {
    const { formatMoneyCompact } = await import('./format');
    expect(formatMoneyCompact(12345600, 'zh-CN')).toBe('¥12.3万');
    expect(formatMoneyCompact(12345600, 'en')).toBe('¥123.5K');
    expect(formatMoneyCompact(-50000, 'en')).toBe('-¥500');
  });
});

describe('quantities with their unit', () => {
  it('shows data from megabytes as MB, GB or TB', async () => {
    const { formatDataMb } = await import('./format');
    expect(formatDataMb(850, 'zh-CN')).toBe('850 MB');
    expect(formatDataMb(1536, 'en')).toBe('1.5 GB');
    expect(formatDataMb(1032940, 'en')).toBe('1,009 GB');
    expect(formatDataMb(82532400, 'zh-CN')).toBe('78.7 TB');
    expect(formatDataMb(null, 'en')).toBe('—');
  });
  it('says minutes, SMS, days, months and hours per locale', async () => {
    const { formatMinutes, formatSms, formatDays, formatMonths, formatHours } = await import('./format');
    expect(formatMinutes(130796, 'zh-CN')).toBe('130,796分钟');
    expect(formatMinutes(130796, 'en')).toBe('130,796 min');
    expect(formatSms(203995, 'zh-CN')).toBe('203,995 条');
    expect(formatSms(203995, 'en')).toBe('203,995 SMS');
    expect(formatDays(1, 'en')).toBe('1 day');
    expect(formatDays(12, 'zh-CN')).toBe('12天');
    expect(formatMonths(3, 'en')).toBe('3 months');
    expect(formatMonths(3, 'zh-CN')).toBe('3个月');
    expect(formatHours(602.12, 'zh-CN')).toBe('602.1小时');
    expect(formatHours(602.12, 'en')).toBe('602.1h');
  });
  it('never writes scientific notation, however large or small', async () => {
    const { formatNumber, formatDataMb, formatAxisNumber } = await import('./format');
    for (const n of [8.25324e7, 1e21, 3.2e-7, -4.5e12]) {
      for (const l of ['zh-CN', 'en'] as const) {
        expect(formatNumber(n, l, 4)).not.toMatch(/\d\.\d+e[+-]?\d+/i);
        expect(formatDataMb(n, l)).not.toMatch(/\d\.\d+e[+-]?\d+/i);
        expect(formatAxisNumber(n, l)).not.toMatch(/\d\.\d+e[+-]?\d+/i);
      }
    }
  });
  it('shows fixed decimals', async () => {
    const { formatFixed } = await import('./format');
    expect(formatFixed(0.95, 'en', 4)).toBe('0.9500');
    expect(formatFixed(null, 'en', 4)).toBe('—');
  });
});

describe('chart axis ticks', () => {
  // ECharts' ticks are nice steps (1, 2, 2.5, 5 × 10ⁿ); every step of every size must read differently.
  const steps = [0.0001, 0.0002, 0.00025, 0.0005, 0.001, 0.002, 0.0025, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 25, 50, 100, 1000, 2500, 12500, 1e6];
  const ticks = (step: number, from = 0) => Array.from({ length: 6 }, (_, i) => Number(((from + i) * step).toPrecision(12)));
  const distinct = (labels: string[]) => labels.every((l, i) => i === 0 || l !== labels[i - 1]);
  it('ratio ticks keep the decimals they need (0.5%, 1%, 1.5%, not 1% 1% 2%)', async () => {
    const { formatAxisRatio } = await import('./format');
    expect(ticks(0.005).map((v) => formatAxisRatio(v, 'zh-CN'))).toEqual(['0%', '0.5%', '1%', '1.5%', '2%', '2.5%']);
    for (const s of steps.filter((x) => x <= 1)) for (const l of ['zh-CN', 'en'] as const) {
      expect(distinct(ticks(s).map((v) => formatAxisRatio(v, l))), `${s} ${l}`).toBe(true);
    }
  });
  it('number and money ticks too, with thousands separators', async () => {
    const { formatAxisNumber, formatMoneyAxis } = await import('./format');
    expect(formatAxisNumber(1234567.5, 'en')).toBe('1,234,567.5');
    expect(ticks(1250000).map((v) => formatMoneyAxis(v, 'zh-CN'))).toEqual(['¥0', '¥1.25万', '¥2.5万', '¥3.75万', '¥5万', '¥6.25万']);
    expect(formatMoneyAxis(1250000, 'en')).toBe('¥12.5K');
    for (const s of steps) for (const l of ['zh-CN', 'en'] as const) {
      expect(distinct(ticks(s, 3).map((v) => formatAxisNumber(v, l))), `${s} ${l}`).toBe(true);
      // Money axes are in fen and step at least one fen (minInterval).
      if (s >= 1) expect(distinct(ticks(s, 7).map((v) => formatMoneyAxis(v, l))), `money ${s} ${l}`).toBe(true);
    }
  });
});
