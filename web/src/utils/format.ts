// Display formatting, one place for the whole workspace. Money arrives as integer fen, instants
// as ISO-8601 UTC, calendar dates as YYYY-MM-DD; the business runs on Asia/Shanghai time.

import { serverDate } from './serverClock';

export type Locale = 'zh-CN' | 'en';

export const BUSINESS_TZ = 'Asia/Shanghai';
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000; // no daylight saving since 1991

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function numberFormat(locale: Locale, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = 'n' + locale + JSON.stringify(opts);
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.NumberFormat(locale, opts)));
  return f;
}
function dateFormat(locale: Locale, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = 'd' + locale + JSON.stringify(opts);
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, opts)));
  return f;
}

const isBlank = (v: unknown) => v === null || v === undefined || v === '';

/** ¥1,234.56 from 123456 fen; exact for any integer fen a double holds. */
export function formatMoney(fen: number | null | undefined, locale: Locale): string {
  if (isBlank(fen) || !Number.isFinite(fen)) return '—';
  const n = fen as number;
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(n));
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  const int = numberFormat(locale, { maximumFractionDigits: 0 }).format(yuan);
  const dec = numberFormat(locale, { minimumFractionDigits: 1 }).formatToParts(1.5).find((p) => p.type === 'decimal');
  return `${sign}¥${int}${dec?.value ?? '.'}${String(cents).padStart(2, '0')}`;
}

/** Grouped per locale: 12,345 (zh-CN and en both group by thousands). Never in scientific notation. */
export function formatNumber(n: number | null | undefined, locale: Locale, fractionDigits = 0): string {
  if (isBlank(n) || !Number.isFinite(n)) return '—';
  return numberFormat(locale, { maximumFractionDigits: fractionDigits }).format(n as number);
}

/** Exactly `digits` decimals, grouped: 0.9500 for a score read as a figure (AUC, log-loss). */
export function formatFixed(n: number | null | undefined, locale: Locale, digits: number): string {
  if (isBlank(n) || !Number.isFinite(n)) return '—';
  return numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n as number);
}

/** Without the binary noise of float arithmetic (0.07 * 100 = 7.000000000000001 → 7). */
const clean = (n: number) => Number(n.toPrecision(12));

/**
 * A tick of a chart's value axis: grouped, with as many decimals as the tick has (up to six), so
 * that two different ticks never read the same (0.5 / 1 / 1.5, not 1 / 1 / 2).
 */
export function formatAxisNumber(n: number | null | undefined, locale: Locale): string {
  if (isBlank(n) || !Number.isFinite(n)) return '';
  return numberFormat(locale, { maximumFractionDigits: 6 }).format(clean(n as number));
}

/** A tick of a ratio axis (0.005 → 0.5%, 0.25 → 25%), as many decimals as the tick needs. */
export function formatAxisRatio(r: number | null | undefined, locale: Locale): string {
  if (isBlank(r) || !Number.isFinite(r)) return '';
  return `${formatAxisNumber(clean((r as number) * 100), locale)}%`;
}

/** A tick of a money axis: short like formatMoneyCompact, with the decimals the tick needs (¥1.25万). */
export function formatMoneyAxis(fen: number | null | undefined, locale: Locale): string {
  if (isBlank(fen) || !Number.isFinite(fen)) return '';
  const yuan = clean((fen as number) / 100);
  const body = numberFormat(locale, { notation: 'compact', maximumFractionDigits: 4 }).format(Math.abs(yuan));
  return `${yuan < 0 ? '-' : ''}¥${body}`;
}

// Quantities with their unit. Minutes, days, months and hours come from Intl (分钟 / min); an SMS
// count has no Intl unit.
function unitFormat(locale: Locale, unit: string, digits: number, display: 'short' | 'long' | 'narrow' = 'short'): Intl.NumberFormat {
  return numberFormat(locale, { style: 'unit', unit, unitDisplay: display, maximumFractionDigits: digits });
}

/** Data volume from megabytes: 850 MB, 1.5 GB, 80,598 GB, 78.7 TB (1 GB = 1,024 MB, as on a bill). */
export function formatDataMb(mb: number | null | undefined, locale: Locale): string {
  if (isBlank(mb) || !Number.isFinite(mb)) return '—';
  const v = mb as number;
  const abs = Math.abs(v);
  const digits = (x: number) => (Math.abs(x) < 10 ? 2 : Math.abs(x) < 100 ? 1 : 0);
  if (abs < 1024) return unitFormat(locale, 'megabyte', abs < 10 ? 1 : 0).format(v);
  if (abs < 1024 * 1024) return unitFormat(locale, 'gigabyte', digits(v / 1024)).format(v / 1024);
  return unitFormat(locale, 'terabyte', digits(v / 1024 / 1024)).format(v / 1024 / 1024);
}

/** Call minutes: 1,234分钟 / 1,234 min. */
export function formatMinutes(n: number | null | undefined, locale: Locale, fractionDigits = 0): string {
  if (isBlank(n) || !Number.isFinite(n)) return '—';
  return unitFormat(locale, 'minute', fractionDigits).format(n as number);
}

/** A count of text messages: 1,234 条 / 1,234 SMS. */
export function formatSms(n: number | null | undefined, locale: Locale, fractionDigits = 0): string {
  if (isBlank(n) || !Number.isFinite(n)) return '—';
  return `${formatNumber(n, locale, fractionDigits)} ${locale === 'en' ? 'SMS' : '条'}`;
}

/** Days: 12天 / 12 days. */
export function formatDays(n: number | null | undefined, locale: Locale, fractionDigits = 0): string {
  if (isBlank(n) || !Number.isFinite(n)) return '—';
  return unitFormat(locale, 'day', fractionDigits, 'long').format(n as number);
}

/** Months: 24个月 / 24 months. */
export function formatMonths(n: number | null | undefined, locale: Locale, fractionDigits = 0): string {
  if (isBlank(n) || !Number.isFinite(n)) return '—';
  return unitFormat(locale, 'month', fractionDigits, 'long').format(n as number);
}

/** Hours: 20.4小时 / 20.4h. */
export function formatHours(n: number | null | undefined, locale: Locale, fractionDigits = 1): string {
  if (isBlank(n) || !Number.isFinite(n)) return '—';
  return unitFormat(locale, 'hour', fractionDigits, 'narrow').format(n as number);
}

/** An instant (ISO-8601, UTC) as a Shanghai date and time: 2026/11/24 15:30 or Nov 24, 2026, 3:30 PM. */
export function formatDateTime(iso: string | null | undefined, locale: Locale): string {
  if (isBlank(iso)) return '—';
  const d = new Date(iso as string);
  if (Number.isNaN(d.getTime())) return String(iso);
  return dateFormat(locale, {
    timeZone: BUSINESS_TZ, year: 'numeric', month: locale === 'en' ? 'short' : '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(d);
}

/** A calendar date (YYYY-MM-DD, or the Shanghai day of an instant) per locale. */
export function formatDate(value: string | null | undefined, locale: Locale): string {
  if (isBlank(value)) return '—';
  const s = value as string;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  // A bare date has no time zone: pin it to UTC noon so no zone can move it to another day.
  const d = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], 12)) : new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return dateFormat(locale, {
    timeZone: m ? 'UTC' : BUSINESS_TZ, year: 'numeric', month: locale === 'en' ? 'short' : '2-digit', day: '2-digit',
  }).format(d);
}

/** "2026-11-24 15:30" read as Shanghai wall-clock time → "2026-11-24T07:30:00Z". */
export function shanghaiWallToIso(wall: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall.trim());
  if (!m) throw new Error(`not a date and time: ${wall}`);
  const utc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0)) - SHANGHAI_OFFSET_MS;
  return new Date(utc).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The Shanghai wall-clock time of an instant, "YYYY-MM-DD HH:mm" (for pickers). */
export function isoToShanghaiWall(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const s = new Date(d.getTime() + SHANGHAI_OFFSET_MS).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
}

/** Today's date in Shanghai, YYYY-MM-DD. */
export function shanghaiToday(now: Date = serverDate()): string {
  return isoToShanghaiWall(now).slice(0, 10);
}

/** Yuan typed by a person ("1,234.5") → integer fen, or null when it is not an amount. */
export function parseYuanToFen(text: string): number | null {
  const t = text.replace(/[,，\s¥￥]/g, '');
  if (!/^-?\d+(\.\d{1,2})?$/.test(t)) return null;
  const [int, dec = ''] = t.replace('-', '').split('.');
  const fen = Number(int) * 100 + Number(dec.padEnd(2, '0'));
  return t.startsWith('-') ? -fen : fen;
}

/** A percentage with one decimal: 12.3% (signed: +12.3% / -4.0%); a dash when there is none. */
export function formatPct(p: number | null | undefined, locale: Locale, signed = false): string {
  if (isBlank(p) || !Number.isFinite(p)) return '—';
  const n = Math.round((p as number) * 10) / 10;
  const body = numberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Math.abs(n));
  const sign = n < 0 ? '-' : signed && n > 0 ? '+' : '';
  return `${sign}${body}%`;
}

/** The change from `before` to `now` in percent; null when there is nothing to compare with. */
export function changePct(now: number | null | undefined, before: number | null | undefined): number | null {
  if (isBlank(now) || isBlank(before) || !before) return null;
  return (((now as number) - (before as number)) * 100) / Math.abs(before as number);
}

/** Short money for chart axes: ¥1.2万 / ¥3.4亿 (zh-CN), ¥12K / ¥1.2M (en). Tooltips use formatMoney. */
export function formatMoneyCompact(fen: number | null | undefined, locale: Locale): string {
  if (isBlank(fen) || !Number.isFinite(fen)) return '—';
  const yuan = (fen as number) / 100;
  const body = numberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(Math.abs(yuan));
  return `${yuan < 0 ? '-' : ''}¥${body}`;
}
