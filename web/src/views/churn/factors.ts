// Words for a churn factor: the feature's label from the catalogue and its value, e.g.
// "通话较前3月均值 -0.42" / "Contract days left 12". Unknown features (an uploaded table's own
// columns) keep their name.
import type { ChurnFactor } from '@/api/churn';

export type Translate = { t: (key: string) => string; te: (key: string) => boolean };

/** The value part of "feature=value". */
export function factorValue(f: ChurnFactor): string {
  const prefix = `${f.feature}=`;
  return f.value.startsWith(prefix) ? f.value.slice(prefix.length) : f.value;
}

export function featureLabel(feature: string, i18n: Translate): string {
  const key = `churn.feature.${feature}`;
  return i18n.te(key) ? i18n.t(key) : feature;
}

/** Ratios stored as -0.42 read better as -42%. */
export function displayValue(feature: string, value: string): string {
  const n = Number(value);
  if (value !== '' && Number.isFinite(n) && (/_trend_|_change_3m$|_share$/.test(feature))) {
    const pct = Math.round(n * 1000) / 10;
    return `${pct > 0 ? '+' : ''}${pct}%`;
  }
  return value;
}

export function factorText(f: ChurnFactor, i18n: Translate): string {
  return `${featureLabel(f.feature, i18n)} ${displayValue(f.feature, factorValue(f))}`;
}

/** Risk band of a probability, for the tag colour. */
export function riskLevel(score: number): 'high' | 'medium' | 'low' {
  return score >= 0.5 ? 'high' : score >= 0.2 ? 'medium' : 'low';
}
