// The formatters bound to the current language, for templates.
import { useLocaleStore } from '@/stores/locale';
import { formatDate, formatDateTime, formatMoney, formatMoneyCompact, formatNumber, formatPct } from './format';
import { i18n } from '@/locales';

export function useFormat() {
  const store = useLocaleStore();
  return {
    money: (fen: number | null | undefined) => formatMoney(fen, store.locale),
    num: (n: number | null | undefined, digits = 0) => formatNumber(n, store.locale, digits),
    /** Percent with one decimal; `signed` puts + before growth. */
    pct: (p: number | null | undefined, signed = false) => formatPct(p, store.locale, signed),
    moneyShort: (fen: number | null | undefined) => formatMoneyCompact(fen, store.locale),
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
