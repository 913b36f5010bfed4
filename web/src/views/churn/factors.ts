// Words for a churn factor: the feature's label from the catalogue and its value in the reader's
// language with its unit, e.g. "流量 78.7 TB" / "Bill vs 3-month average -42.1%" / "Contract days
// left 12 days". The server sends "feature=value" with the value as C's %.6g (8.25324e+07) and
// "(missing)" / "(blank)" for no value; unknown features (an uploaded table's own columns) keep
// their name and show numbers grouped, never in scientific notation.
import type { ChurnFactor } from '@/api/churn';
import {
  formatDataMb, formatDays, formatMinutes, formatMoney, formatMonths, formatNumber, formatPct, formatSms, type Locale,
} from '@/utils/format';

export type Translate = { t: (key: string, params?: Record<string, unknown>) => string; te: (key: string) => boolean };

/** How a feature's value reads: its kind of quantity. */
type Kind = 'change' | 'share' | 'count' | 'yuan' | 'mb' | 'minutes' | 'sms' | 'days' | 'signedDays' | 'months' | 'number';

const KIND: Record<string, Kind> = {
  members_active: 'count',
  members_change_3m: 'change',
  suspended_share: 'share',
  leaving_members_3m: 'count',
  bill_yuan: 'yuan',
  bill_per_member: 'yuan',
  mou: 'minutes',
  mou_per_member: 'minutes',
  data_mb: 'mb',
  data_mb_per_member: 'mb',
  sms: 'sms',
  sms_per_member: 'sms',
  zero_call_days: 'days',
  zero_call_days_change: 'signedDays',
  competitor_calls: 'count',
  competitor_calls_3m: 'count',
  arrears_yuan: 'yuan',
  arrears_share: 'share',
  min_spend_gap_yuan: 'yuan',
  contract_days_left: 'days',
  points_per_member: 'count',
  tenure_months: 'months',
};

/** Text features whose values are enums of the catalogue. */
const ENUM_KEY: Record<string, (v: string) => string> = {
  kind: (v) => `enums.customerKind.${v}`,
  org_type: (v) => `enums.orgType.${v}`,
  value_tier: (v) => `enums.tier.${v}`,
  zone: (v) => `warn.zone.${v}`,
};

function kindOf(feature: string): Kind {
  if (KIND[feature]) return KIND[feature];
  if (/_trend_\dm$|_change_\dm$/.test(feature)) return 'change';
  if (/_share$/.test(feature)) return 'share';
  return 'number';
}

/** The value part of "feature=value". */
export function factorValue(f: ChurnFactor): string {
  const prefix = `${f.feature}=`;
  return f.value.startsWith(prefix) ? f.value.slice(prefix.length) : f.value;
}

export function featureLabel(feature: string, i18n: Translate): string {
  const key = `churn.feature.${feature}`;
  return i18n.te(key) ? i18n.t(key) : feature;
}

/** Fewer decimals for bigger figures: 0.42 / 4.2 / 42 / 4,200. */
const digitsFor = (n: number) => (Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2);

/** A factor's value in the reader's language, with its unit. */
export function displayValue(feature: string, value: string, locale: Locale, i18n: Translate): string {
  if (value === '(missing)') return i18n.t('churn.value.missing');
  if (value === '(blank)') return i18n.t('churn.value.blank');
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    const key = ENUM_KEY[feature]?.(value);
    return key && i18n.te(key) ? i18n.t(key) : value;
  }
  switch (kindOf(feature)) {
    case 'change': return formatPct(n * 100, locale, true);
    case 'share': return formatPct(n * 100, locale);
    case 'count': return formatNumber(n, locale, digitsFor(n));
    case 'yuan': return formatMoney(Math.round(n * 100), locale);
    case 'mb': return formatDataMb(n, locale);
    case 'minutes': return formatMinutes(n, locale, digitsFor(n));
    case 'sms': return formatSms(n, locale, digitsFor(n));
    case 'days': return formatDays(n, locale, digitsFor(n));
    case 'signedDays': return `${n > 0 ? '+' : ''}${formatDays(n, locale, digitsFor(n))}`;
    case 'months': return formatMonths(n, locale, digitsFor(n));
    default: return formatNumber(n, locale, Math.abs(n) >= 100 ? 2 : 4);
  }
}

export function factorText(f: ChurnFactor, locale: Locale, i18n: Translate): string {
  return `${featureLabel(f.feature, i18n)} ${displayValue(f.feature, factorValue(f), locale, i18n)}`;
}

/** How much a factor raises the log-odds of churn, for the bar beside it: +1.65. */
export function contributionText(c: number, locale: Locale): string {
  return `${c > 0 ? '+' : ''}${formatNumber(c, locale, 2)}`;
}

/** Risk band of a probability, for the tag colour. */
export function riskLevel(score: number): 'high' | 'medium' | 'low' {
  return score >= 0.5 ? 'high' : score >= 0.2 ? 'medium' : 'low';
}

/** The name the server gives a model trained from the history when nobody named it. */
const HISTORY_NAME = /^history to (\d{4}-\d{2}), churn within (\d+) months?$/;

export interface ModelLike {
  name: string;
  source?: string;
  evaluation?: { dataset?: { last_cutoff?: string; horizon?: number } };
}

/**
 * A model's name in the reader's language. A model trained from the history without a name is
 * called by the server "history to 2026-07, churn within 3 months"; it is said again from the
 * model's own fields (the dataset's last cutoff month and horizon) — or, where only the name is at
 * hand (a customer's churn card), from the two figures in that fixed name. A name somebody gave
 * is data and stays as it is.
 */
export function modelTitle(m: ModelLike, locale: Locale, i18n: Translate): string {
  const named = HISTORY_NAME.exec(m.name);
  if (!named || (m.source !== undefined && m.source !== 'usage')) return m.name;
  const ds = m.evaluation?.dataset;
  return i18n.t('churn.modelName.history', {
    month: ds?.last_cutoff ?? named[1], horizon: formatMonths(ds?.horizon ?? Number(named[2]), locale),
  });
}
