// The formatters bound to the current language, for templates.
import { useLocaleStore } from '@/stores/locale';
import {
  formatAxisNumber, formatAxisRatio, formatDataMb, formatDate, formatDateTime, formatDays, formatFixed, formatHours, formatMinutes,
  formatMoney, formatMoneyAxis, formatMoneyCompact, formatMonths, formatNumber, formatPct, formatSms,
} from './format';
import { i18n } from '@/locales';

export function useFormat() {
  const store = useLocaleStore();
  return {
    money: (fen: number | null | undefined) => formatMoney(fen, store.locale),
    num: (n: number | null | undefined, digits = 0) => formatNumber(n, store.locale, digits),
    /** Percent with one decimal; `signed` puts + before growth. */
    pct: (p: number | null | undefined, signed = false) => formatPct(p, store.locale, signed),
    moneyShort: (fen: number | null | undefined) => formatMoneyCompact(fen, store.locale),
    /** An amount in yuan (a decimal, as some figures arrive) as money. */
    yuan: (y: number | null | undefined) => formatMoney(y === null || y === undefined ? y : Math.round(y * 100), store.locale),
    /** Exactly `digits` decimals (AUC 0.9500). */
    fixed: (n: number | null | undefined, digits: number) => formatFixed(n, store.locale, digits),
    dataMb: (mb: number | null | undefined) => formatDataMb(mb, store.locale),
    minutes: (n: number | null | undefined, digits = 0) => formatMinutes(n, store.locale, digits),
    sms: (n: number | null | undefined, digits = 0) => formatSms(n, store.locale, digits),
    days: (n: number | null | undefined, digits = 0) => formatDays(n, store.locale, digits),
    months: (n: number | null | undefined, digits = 0) => formatMonths(n, store.locale, digits),
    hours: (n: number | null | undefined, digits = 1) => formatHours(n, store.locale, digits),
    /** Chart axis ticks: numbers, ratios (0.25 → 25%) and money, with the decimals each tick needs. */
    axisNum: (n: number) => formatAxisNumber(n, store.locale),
    axisRatio: (r: number) => formatAxisRatio(r, store.locale),
    moneyAxis: (fen: number) => formatMoneyAxis(fen, store.locale),
    date: (d: string | null | undefined) => formatDate(d, store.locale),
    dateTime: (d: string | null | undefined) => formatDateTime(d, store.locale),
    /** An enum value through its catalogue (enums.<group>.<value>), the raw value if unknown. */
    label: (group: string, value: string | null | undefined) => {
      if (value === null || value === undefined || value === '') return '—';
      const key = `enums.${group}.${value}`;
      return i18n.global.te(key) ? i18n.global.t(key) : value;
    },
  };
}
