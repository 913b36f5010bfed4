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

/** Grouped per locale: 12,345 (zh-CN and en both group by thousands). */
export function formatNumber(n: number | null | undefined, locale: Locale, fractionDigits = 0): string {
  if (isBlank(n) || !Number.isFinite(n)) return '—';
  return numberFormat(locale, { maximumFractionDigits: fractionDigits }).format(n as number);
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
