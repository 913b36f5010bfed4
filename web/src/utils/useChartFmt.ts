// The formatters charts need (money, numbers, percentages, enum labels, messages), rebuilt when
// the language changes so every chart redraws in the new language.
import { computed } from 'vue';
import { i18n } from '@/locales';
import { useLocaleStore } from '@/stores/locale';
import { useFormat } from './useLocaleFormat';
import type { Fmt } from '@/views/analysis/charts';

export function useChartFmt() {
  const locale = useLocaleStore();
  const f = useFormat();
  return computed<Fmt>(() => {
    void locale.locale;
    const t = i18n.global.t;
    return {
      money: (v) => f.money(v), moneyShort: (v) => f.moneyShort(v), num: (v, d) => f.num(v, d), pct: (p, s) => f.pct(p, s),
      label: (g, v) => f.label(g, v), t: (k, p) => (p ? t(k, p) : t(k)),
      axisNum: (v) => f.axisNum(v), moneyAxis: (v) => f.moneyAxis(v),
      dataMb: (v) => f.dataMb(v), minutes: (v) => f.minutes(v), sms: (v) => f.sms(v),
    };
  });
}
