import { describe, expect, it } from 'vitest';
import { contributionText, displayValue, factorText, factorValue, modelTitle, riskLevel } from './factors';
import zhCN from '@/locales/zh-CN';
import en from '@/locales/en';

type Tree = { [k: string]: string | Tree };
/** A Translate over the real catalogues (vue-i18n's {name} placeholders). */
function catalogue(root: Tree) {
  const get = (key: string) => key.split('.').reduce<string | Tree | undefined>((n, k) => (n && typeof n === 'object' ? n[k] : undefined), root);
  return {
    te: (key: string) => typeof get(key) === 'string',
    t: (key: string, params: Record<string, unknown> = {}) => {
      const s = get(key);
      return typeof s === 'string' ? s.replace(/\{(\w+)\}/g, (_, p) => String(params[p])) : key;
    },
  };
}
const zh = catalogue(zhCN as unknown as Tree);
const enT = catalogue(en as unknown as Tree);
const SCIENTIFIC = /\d\.\d+e[+-]?\d+/i;

describe('churn factors in words', () => {
  it('takes the value out of feature=value', () => {
    expect(factorValue({ feature: 'zone', value: 'zone=red', contribution: 1 })).toBe('red');
    expect(factorValue({ feature: 'x', value: 'plain', contribution: 1 })).toBe('plain');
  });
  it('shows usage with its unit, grouped, never in scientific notation', () => {
    // The server writes %.6g: 82,532,400 MB arrives as 8.25324e+07.
    expect(displayValue('data_mb', '8.25324e+07', 'zh-CN', zh)).toBe('78.7 TB');
    expect(displayValue('data_mb', '1.03294e+06', 'en', enT)).toBe('1,009 GB');
    expect(displayValue('data_mb_per_member', '12288.9', 'en', enT)).toBe('12 GB');
    expect(displayValue('data_mb_per_member', '512', 'zh-CN', zh)).toBe('512 MB');
    expect(displayValue('sms', '203995', 'zh-CN', zh)).toBe('203,995 条');
    expect(displayValue('sms', '203995', 'en', enT)).toBe('203,995 SMS');
    expect(displayValue('mou', '130796', 'zh-CN', zh)).toBe('130,796分钟');
    expect(displayValue('mou', '1.30796e+06', 'en', enT)).toBe('1,307,960 min');
    expect(displayValue('bill_yuan', '1145.11', 'zh-CN', zh)).toBe('¥1,145.11');
    expect(displayValue('contract_days_left', '12', 'en', enT)).toBe('12 days');
    expect(displayValue('zero_call_days', '12.75', 'zh-CN', zh)).toBe('12.8天');
    expect(displayValue('zero_call_days', '2.75', 'zh-CN', zh)).toBe('2.75天');
    expect(displayValue('zero_call_days_change', '4.6', 'en', enT)).toBe('+4.6 days');
    expect(displayValue('tenure_months', '24', 'zh-CN', zh)).toBe('24个月');
    expect(displayValue('members_active', '1234', 'en', enT)).toBe('1,234');
    expect(displayValue('a_column_of_theirs', '8.25324e+07', 'en', enT)).toBe('82,532,400');
    expect(displayValue('a_column_of_theirs', '1.5e-05', 'en', enT)).toBe('0');
    for (const v of ['8.25324e+07', '1e+21', '3.2e-07']) expect(displayValue('data_mb', v, 'en', enT)).not.toMatch(SCIENTIFIC);
  });
  it('shows trends as signed percentages and shares as percentages', () => {
    expect(displayValue('bill_trend_3m', '-0.4213', 'zh-CN', zh)).toBe('-42.1%');
    expect(displayValue('members_change_3m', '0.25', 'en', enT)).toBe('+25.0%');
    expect(displayValue('suspended_share', '0.25', 'en', enT)).toBe('25.0%');
    expect(displayValue('bill_trend_3m', 'NA', 'en', enT)).toBe('NA');
  });
  it('says missing values and enums in the reader’s language; data stays as it is', () => {
    expect(displayValue('bill_trend_3m', '(missing)', 'en', enT)).toBe('no data');
    expect(displayValue('bill_trend_3m', '(missing)', 'zh-CN', zh)).toBe('无数据');
    expect(displayValue('org_type', 'government', 'en', enT)).toBe('Government');
    expect(displayValue('org_type', 'government', 'zh-CN', zh)).toBe('政府机关');
    expect(displayValue('value_tier', 'bronze', 'en', enT)).toBe('Bronze');
    expect(displayValue('region', '南京市', 'en', enT)).toBe('南京市');
  });
  it('labels known features from the catalogue and keeps unknown names', () => {
    expect(factorText({ feature: 'bill_trend_3m', value: 'bill_trend_3m=-0.5', contribution: 0.8 }, 'en', enT))
      .toBe('Bill vs 3-month average -50.0%');
    expect(factorText({ feature: 'data_mb', value: 'data_mb=8.25324e+07', contribution: 0.8 }, 'zh-CN', zh)).toBe('流量 78.7 TB');
    expect(factorText({ feature: 'sms', value: 'sms=203995', contribution: 0.8 }, 'zh-CN', zh)).toBe('短信 203,995 条');
    expect(factorText({ feature: 'plan', value: 'plan=gold', contribution: 0.3 }, 'en', enT)).toBe('plan gold');
  });
  it('shows contributions signed with two decimals', () => {
    expect(contributionText(1.6494, 'en')).toBe('+1.65');
    expect(contributionText(0.1, 'zh-CN')).toBe('+0.1');
  });
  it('bands scores', () => {
    expect(riskLevel(0.7)).toBe('high');
    expect(riskLevel(0.3)).toBe('medium');
    expect(riskLevel(0.05)).toBe('low');
  });
});

describe('a churn model’s name', () => {
  const history = {
    name: 'history to 2026-07, churn within 3 months', source: 'usage',
    evaluation: { dataset: { last_cutoff: '2026-07', horizon: 3 } },
  };
  it('says the server-made name of a history model from its fields, in both languages', () => {
    expect(modelTitle(history, 'zh-CN', zh)).toBe('截至 2026-07 的历史，预测 3个月内流失');
    expect(modelTitle(history, 'en', enT)).toBe('History to 2026-07, churn within 3 months');
    expect(modelTitle({ ...history, evaluation: { dataset: { last_cutoff: '2026-07', horizon: 1 } }, name: 'history to 2026-07, churn within 1 months' }, 'en', enT))
      .toBe('History to 2026-07, churn within 1 month');
  });
  it('reads the figures from the fixed name where only the name is at hand (the 360 card)', () => {
    expect(modelTitle({ name: 'history to 2026-08, churn within 6 months' }, 'zh-CN', zh)).toBe('截至 2026-08 的历史，预测 6个月内流失');
  });
  it('keeps a name somebody gave, and uploaded models’ names', () => {
    expect(modelTitle({ ...history, name: '十一月模型' }, 'en', enT)).toBe('十一月模型');
    expect(modelTitle({ name: 'history to 2026-07, churn within 3 months', source: 'upload' }, 'zh-CN', zh))
      .toBe('history to 2026-07, churn within 3 months');
  });
});
