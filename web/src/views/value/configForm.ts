// The value rules (GET|PUT /value/config) as a form people can read: amounts in yuan instead of
// fen, rates as percentages instead of fractions, the CLV retention per stage as separate
// fields. Conversions both ways are exact to the API's precision (fen; six decimals for rates),
// so an untouched field never counts as changed.
import { STAGES } from '@/api/value';

export type Unit = 'yuan' | 'percent' | 'points' | 'months' | 'pct' | 'list';
export type Group = 'grading' | 'scorecard' | 'tiers' | 'lifecycle' | 'clv';

export interface FieldDef {
  /** The form's key; `clv_retention.growth` for a stage's retention. */
  key: string;
  group: Group;
  unit: Unit;
  /** Bounds in the form's unit (the API checks them again). */
  min?: number;
  max?: number;
  precision?: number;
  step?: number;
}

export const FIELDS: FieldDef[] = [
  { key: 'important_org_types', group: 'grading', unit: 'list' },
  { key: 'ordinary_min_fen', group: 'grading', unit: 'yuan', min: 0, precision: 2, step: 50 },
  { key: 'extra_large_min_fen', group: 'grading', unit: 'yuan', min: 0, precision: 2, step: 100 },
  { key: 'key_member_min_fen', group: 'grading', unit: 'yuan', min: 0, precision: 2, step: 10 },
  { key: 'key_member_top_share', group: 'grading', unit: 'percent', min: 0, max: 100, precision: 1, step: 5 },
  { key: 'weight_revenue', group: 'scorecard', unit: 'points', min: 0, max: 100, precision: 1, step: 5 },
  { key: 'weight_margin', group: 'scorecard', unit: 'points', min: 0, max: 100, precision: 1, step: 5 },
  { key: 'weight_collection', group: 'scorecard', unit: 'points', min: 0, max: 100, precision: 1, step: 5 },
  { key: 'weight_loyalty', group: 'scorecard', unit: 'points', min: 0, max: 100, precision: 1, step: 5 },
  { key: 'target_margin_rate', group: 'scorecard', unit: 'percent', min: 1, max: 100, precision: 1, step: 5 },
  { key: 'loyalty_full_months', group: 'scorecard', unit: 'months', min: 1, max: 600, precision: 0, step: 6 },
  { key: 'default_service_cost_rate', group: 'scorecard', unit: 'percent', min: 0, max: 100, precision: 1, step: 1 },
  { key: 'tier_gold', group: 'tiers', unit: 'points', min: 0, max: 100, precision: 1, step: 1 },
  { key: 'tier_silver', group: 'tiers', unit: 'points', min: 0, max: 100, precision: 1, step: 1 },
  { key: 'tier_bronze', group: 'tiers', unit: 'points', min: 0, max: 100, precision: 1, step: 1 },
  { key: 'acquisition_months', group: 'lifecycle', unit: 'months', min: 0, max: 60, precision: 0, step: 1 },
  { key: 'trend_months', group: 'lifecycle', unit: 'months', min: 1, max: 12, precision: 0, step: 1 },
  { key: 'growth_pct', group: 'lifecycle', unit: 'pct', min: 0, max: 1000, precision: 1, step: 1 },
  { key: 'decline_pct', group: 'lifecycle', unit: 'pct', min: -100, max: 0, precision: 1, step: 1 },
  { key: 'clv_horizon_months', group: 'clv', unit: 'months', min: 1, max: 240, precision: 0, step: 12 },
  { key: 'clv_annual_discount_rate', group: 'clv', unit: 'percent', min: 0, max: 100, precision: 1, step: 0.5 },
  ...STAGES.map((s): FieldDef => ({ key: `clv_retention.${s}`, group: 'clv', unit: 'percent', min: 0, max: 100, precision: 1, step: 0.5 })),
];

export const GROUPS: Group[] = ['grading', 'scorecard', 'tiers', 'lifecycle', 'clv'];

export type FormValue = number | string[] | null;
export type ConfigForm = Record<string, FormValue>;
type Config = Record<string, unknown>;

const byKey = new Map(FIELDS.map((d) => [d.key, d]));

function read(config: Config, key: string): unknown {
  const [head, sub] = key.split('.');
  const v = config[head];
  return sub ? (v as Record<string, unknown> | undefined)?.[sub] : v;
}

/** An API value in the form's unit. */
export function toDisplay(def: FieldDef, v: unknown): FormValue {
  if (def.unit === 'list') return Array.isArray(v) ? (v as string[]).slice() : [];
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  if (def.unit === 'yuan') return v / 100;
  if (def.unit === 'percent') return Math.round(v * 100 * 1e4) / 1e4;
  return v;
}

/** A form value in the API's unit. */
export function fromDisplay(def: FieldDef, v: FormValue): unknown {
  if (def.unit === 'list') return Array.isArray(v) ? v.slice() : [];
  if (v === null || typeof v !== 'number' || !Number.isFinite(v)) return null;
  if (def.unit === 'yuan') return Math.round(v * 100);
  if (def.unit === 'percent') return Number((v / 100).toFixed(6));
  return v;
}

export function toForm(config: Config): ConfigForm {
  const form: ConfigForm = {};
  for (const d of FIELDS) form[d.key] = toDisplay(d, read(config, d.key));
  return form;
}

/** The configuration to send: the form over the configuration that was read (keeps unknown keys). */
export function fromForm(form: ConfigForm, base: Config = {}): Config {
  const out: Config = JSON.parse(JSON.stringify(base));
  for (const d of FIELDS) {
    const v = fromDisplay(d, form[d.key] ?? null);
    if (v === null) continue; // an emptied field keeps what was read
    const [head, sub] = d.key.split('.');
    if (sub) out[head] = { ...((out[head] as Config | undefined) ?? {}), [sub]: v };
    else out[head] = v;
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && [...a].sort().join('\u0001') === [...b].sort().join('\u0001');
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 1e-9;
  return a === b;
}

/** Form keys whose value differs from the configuration (in the API's unit). */
export function changedKeys(form: ConfigForm, config: Config): string[] {
  return FIELDS.filter((d) => {
    const v = fromDisplay(d, form[d.key] ?? null);
    return v !== null && !same(v, read(config, d.key));
  }).map((d) => d.key);
}

/** Does a form field hold the default? */
export function isDefault(key: string, form: ConfigForm, defaults: Config): boolean {
  const d = byKey.get(key);
  if (!d) return true;
  return same(fromDisplay(d, form[key] ?? null), read(defaults, key));
}

/** The form field an API error names (`clv_retention.growth`, `tier_silver` …), or null. */
export function fieldForError(apiField: string | null | undefined): string | null {
  if (!apiField) return null;
  if (byKey.has(apiField)) return apiField;
  const head = apiField.replace(/^config\./, '');
  if (byKey.has(head)) return head;
  if (head === 'clv_retention') return `clv_retention.${STAGES[0]}`;
  return null;
}

/** The sum of the four weights (points), for the form's hint. */
export function weightSum(form: ConfigForm): number {
  return ['weight_revenue', 'weight_margin', 'weight_collection', 'weight_loyalty']
    .reduce((a, k) => a + (typeof form[k] === 'number' ? (form[k] as number) : 0), 0);
}

export const fieldDef = (key: string) => byKey.get(key);
