import { describe, expect, it } from 'vitest';
import { displayValue, factorText, factorValue, riskLevel } from './factors';

const i18n = {
  te: (k: string) => k === 'churn.feature.bill_trend_3m',
  t: (k: string) => (k === 'churn.feature.bill_trend_3m' ? 'Bill vs 3-month average' : k),
};

describe('churn factors in words', () => {
  it('takes the value out of feature=value', () => {
    expect(factorValue({ feature: 'zone', value: 'zone=red', contribution: 1 })).toBe('red');
    expect(factorValue({ feature: 'x', value: 'plain', contribution: 1 })).toBe('plain');
  });
  it('shows trends and shares as signed percentages, other values as they are', () => {
    expect(displayValue('bill_trend_3m', '-0.4213')).toBe('-42.1%');
    expect(displayValue('suspended_share', '0.25')).toBe('+25%');
    expect(displayValue('contract_days_left', '12')).toBe('12');
    expect(displayValue('bill_trend_3m', 'NA')).toBe('NA');
  });
  it('labels known features from the catalogue and keeps unknown names', () => {
    expect(factorText({ feature: 'bill_trend_3m', value: 'bill_trend_3m=-0.5', contribution: 0.8 }, i18n))
      .toBe('Bill vs 3-month average -50%');
    expect(factorText({ feature: 'plan', value: 'plan=gold', contribution: 0.3 }, i18n)).toBe('plan gold');
  });
  it('bands scores', () => {
    expect(riskLevel(0.7)).toBe('high');
    expect(riskLevel(0.3)).toBe('medium');
    expect(riskLevel(0.05)).toBe('low');
  });
});
