import { describe, expect, it } from 'vitest';
import { changedKeys, fieldForError, fromForm, isDefault, toForm, weightSum, FIELDS } from './configForm';

// The API's defaults (domain/value_rules.h).
const defaults = {
  important_org_types: ['government', 'police', 'enterprise', 'education'], ordinary_min_fen: 30000, extra_large_min_fen: 100000,
  key_member_min_fen: 20000, key_member_top_share: 0.2, weight_revenue: 40, weight_margin: 20, weight_collection: 20, weight_loyalty: 20,
  target_margin_rate: 0.6, loyalty_full_months: 60, default_service_cost_rate: 0.15, tier_gold: 88, tier_silver: 75, tier_bronze: 60,
  clv_horizon_months: 60, clv_annual_discount_rate: 0.08,
  clv_retention: { acquisition: 0.97, growth: 0.985, maturity: 0.99, decline: 0.93, churn: 0 },
  acquisition_months: 6, trend_months: 3, growth_pct: 10, decline_pct: -15,
};

describe('the value rules form', () => {
  it('shows yuan for fen and percent for fractions', () => {
    const form = toForm(defaults);
    expect(form.ordinary_min_fen).toBe(300);
    expect(form.key_member_top_share).toBe(20);
    expect(form.default_service_cost_rate).toBe(15);
    expect(form['clv_retention.growth']).toBe(98.5);
    expect(form.decline_pct).toBe(-15);
    expect(form.important_org_types).toEqual(['government', 'police', 'enterprise', 'education']);
  });
  it('round-trips exactly: an untouched form changes nothing', () => {
    const form = toForm(defaults);
    expect(changedKeys(form, defaults)).toEqual([]);
    expect(fromForm(form, defaults)).toEqual(defaults);
    for (const d of FIELDS) expect(isDefault(d.key, form, defaults), d.key).toBe(true);
  });
  it('sends changed values in the API’s units and lists what changed', () => {
    const form = toForm(defaults);
    form.ordinary_min_fen = 350.5;
    form.target_margin_rate = 55;
    form['clv_retention.decline'] = 90.5;
    form.important_org_types = ['education', 'government'];
    const sent = fromForm(form, defaults) as typeof defaults;
    expect(sent.ordinary_min_fen).toBe(35050);
    expect(sent.target_margin_rate).toBe(0.55);
    expect(sent.clv_retention).toEqual({ ...defaults.clv_retention, decline: 0.905 });
    expect(changedKeys(form, defaults).sort()).toEqual(['clv_retention.decline', 'important_org_types', 'ordinary_min_fen', 'target_margin_rate']);
    expect(isDefault('ordinary_min_fen', form, defaults)).toBe(false);
  });
  it('treats the same organisation types in another order as unchanged', () => {
    const form = toForm(defaults);
    form.important_org_types = ['police', 'education', 'government', 'enterprise'];
    expect(changedKeys(form, defaults)).toEqual([]);
  });
  it('keeps what was read when a field is emptied, and keys it does not know', () => {
    const form = toForm(defaults);
    form.tier_gold = null;
    expect((fromForm(form, { ...defaults, future_key: 1 }) as Record<string, unknown>).tier_gold).toBe(88);
    expect((fromForm(form, { ...defaults, future_key: 1 }) as Record<string, unknown>).future_key).toBe(1);
  });
  it('puts an API error on its field', () => {
    expect(fieldForError('tier_silver')).toBe('tier_silver');
    expect(fieldForError('clv_retention.growth')).toBe('clv_retention.growth');
    expect(fieldForError('config.weight_revenue')).toBe('weight_revenue');
    expect(fieldForError('clv_retention')).toBe('clv_retention.acquisition');
    expect(fieldForError('version')).toBeNull();
    expect(fieldForError(null)).toBeNull();
  });
  it('adds up the weights', () => {
    expect(weightSum(toForm(defaults))).toBe(100);
  });
});
