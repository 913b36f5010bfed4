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
