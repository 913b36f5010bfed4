// Usage imports, value, grading, lifecycle and the value analysis (SPEC §2): the API's "usage"
// and "analysis" tags. Money in *_fen; months as YYYY-MM.
import { api, uploadFile, withQuery, type Query } from './client';
import type { Extend, Page, Refine, Schemas as S, Sent } from './schema';

export type Tier = 'gold' | 'silver' | 'bronze' | 'do_not_serve';
export type Risk = 'low' | 'medium' | 'high';
export type Stage = 'acquisition' | 'growth' | 'maturity' | 'decline' | 'churn';
export const TIERS: Tier[] = ['gold', 'silver', 'bronze', 'do_not_serve'];
export const RISKS: Risk[] = ['low', 'medium', 'high'];
export const STAGES: Stage[] = ['acquisition', 'growth', 'maturity', 'decline', 'churn'];
export const GRADES = ['important', 'extra_large', 'ordinary', 'small', 'individual'];
export const SERVICES = ['voice', 'data', 'sms', 'other'] as const;
export type Service = (typeof SERVICES)[number];

export type UsageImport = Extend<Refine<Sent<S['UsageImport']>, { progress: { done: number; total: number } }>, {
  size_bytes: number;
  allow_unknown_numbers: boolean;
  columns_ignored: string[];
  created_by: number | null;
  created_at: string | null;
  started_at: string | null;
  finished_at: string | null;
}>;
export type ImportIssue = UsageImport['issues'][number];

// The usage periods, a customer's value and usage and the value analysis: their schemas are
// objects without properties (or lists of them), so their rows are written out here.

export interface UsagePeriod {
  period: string;
  rows: number;
  customers: number;
  bill_fen: number;
  fields: string[];
  imported_at: string;
  computed_at: string | null;
}
export type UsagePeriods = Refine<Sent<S['UsagePeriods']>, { months: UsagePeriod[]; days: UsagePeriod[] }>;

export type ValueConfigDoc = Extend<Sent<S['ValueConfig']>, { updated_at: string | null }>;
export type ValueRun = Sent<S['ValueRun'], 'seconds'>;

export interface Scores {
  revenue: number;
  margin: number;
  collection: number;
  loyalty: number;
  total: number;
}

export interface ValueMonth {
  month: string;
  members_total: number;
  members_active: number;
  members_key: number;
  members_new: number;
  members_churned: number;
  revenue_fen: number;
  revenue_by_service_fen: Record<Service, number>;
  cost_fen: number;
  margin_fen: number;
  arrears_fen: number;
  mou: number;
  data_mb: number;
  sms: number;
  scores: Scores;
  rank: number;
  tier: Tier;
  grade: string;
  stage: Stage;
  risk: Risk;
  clv_fen: number;
  revenue_prev_fen: number | null;
  revenue_yoy_fen: number | null;
  rank_of?: number;
}

export type CustomerValue = Refine<NonNullable<Sent<S['CustomerValue']>>, {
  latest: ValueMonth & { rank_of: number };
  history: ValueMonth[];
}>;

export interface MemberUsageRow {
  member_id: number;
  number: string;
  name: string | null;
  stage: Stage;
  key_member: boolean;
  period: string;
  bill_fen: number;
  mou?: number;
  data_mb?: number;
  sms?: number;
  status?: string;
  arrears_fen?: number;
  [field: string]: unknown;
}

export type CustomerUsage = Refine<Sent<S['CustomerUsage']>, { value: CustomerValue | null; members: MemberUsageRow[] }>;

type MemberMonth = Omit<MemberUsageRow, 'member_id' | 'number' | 'name' | 'stage' | 'key_member'>;
/** A member's months (and days, when asked for them). */
export type MemberUsage = Extend<Refine<Sent<S['MemberUsage'], 'days' | 'months'>, {
  months?: MemberMonth[];
  days?: Record<string, unknown>[];
}>, { customer_id: number }>;

export interface Totals {
  customers: number;
  revenue_fen: number;
  margin_fen: number;
  arrears_fen: number;
  clv_fen: number;
  members_active: number;
  members_key: number;
  mou: number;
  data_mb: number;
}

export interface Breakdown {
  customers: number;
  revenue_fen: number;
  margin_fen: number;
}

export interface AnalysisSummary {
  month: string;
  current: Totals;
  previous: Totals;
  year_ago: Totals;
  revenue_mom_pct: number;
  revenue_yoy_pct: number;
  by_tier: Record<string, Breakdown>;
  by_grade: Record<string, Breakdown>;
  by_stage: Record<string, Breakdown>;
  by_risk: Record<string, Breakdown>;
  months: string[];
}

export interface ParetoPoint {
  customers_pct: number;
  cumulative_pct: number;
}

export interface Pareto {
  month: string;
  measure: 'revenue' | 'margin';
  customers: number;
  total_fen: number;
  top20_share_pct: number;
  customers_for_80_pct: number;
  customers_for_80_share_pct: number;
  points: ParetoPoint[];
}

export interface TrendItem extends Totals {
  month: string;
  revenue_by_service_fen: Record<Service, number>;
  members_new: number;
  members_churned: number;
}

export interface Trend {
  from: string;
  to: string;
  items: TrendItem[];
}

export const DIMENSIONS = ['manager', 'region', 'district', 'industry', 'org_type', 'grade', 'tier', 'stage', 'risk'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface CompareItem {
  key: string | null;
  label: string;
  value_fen: number;
  previous_fen: number;
  year_ago_fen: number;
  mom_pct: number;
  yoy_pct: number;
  customers: number;
  members_active: number;
  mou: number;
  data_mb: number;
  revenue_by_service_fen: Record<Service, number>;
}

export interface Compare {
  month: string;
  dimension: Dimension;
  measure: 'revenue' | 'margin';
  items: CompareItem[];
}

export interface MatrixCell {
  tier: string;
  risk: string;
  customers: number;
  revenue_fen: number;
  clv_fen: number;
}

export interface Matrix {
  month: string;
  tiers: string[];
  risks: string[];
  cells: MatrixCell[];
}

/** A row of GET /analysis/customers (schema AnalysisCustomer, an object without properties). */
export interface RankedCustomer {
  customer_id: number;
  name: string;
  kind: string;
  industry: string;
  account_manager_name: string;
  rank: number;
  tier: Tier;
  grade: string;
  stage: Stage;
  risk: Risk;
  revenue_fen: number;
  margin_fen: number;
  clv_fen: number;
  total_score: number;
  members_active: number;
  revenue_prev_fen: number | null;
}

export const valueApi = {
  periods: () => api.get<UsagePeriods>('/usage/periods'),
  imports: (limit = 20) => api.get<Page<UsageImport>>('/usage/imports', { limit }),
  import: (id: number) => api.get<UsageImport>(`/usage/imports/${id}`),
  upload: (file: Blob, fileName: string, allowUnknown: boolean, onProgress?: (loaded: number, total: number) => void) =>
    uploadFile<UsageImport>(
      withQuery('/usage/imports', { file_name: fileName, allow_unknown_numbers: allowUnknown ? 'true' : undefined }),
      file, 'text/csv', onProgress),
  config: () => api.get<ValueConfigDoc>('/value/config'),
  saveConfig: (config: Record<string, unknown>, version: number) => api.put<ValueConfigDoc>('/value/config', { config, version }),
  run: (range: { from?: string; to?: string } = {}) => api.post<ValueRun>('/value/runs', range),
  customerValue: (id: number, months = 12) => api.get<CustomerValue | null>(`/customers/${id}/value`, { months }),
  customerUsage: (id: number, months = 1) => api.get<CustomerUsage>(`/customers/${id}/usage`, { months }),
  memberUsage: (id: number, months = 24) => api.get<MemberUsage>(`/members/${id}/usage`, { months }),
};

export const analysisApi = {
  summary: (month?: string) => api.get<AnalysisSummary>('/analysis/summary', { month }),
  pareto: (month: string, measure: string) => api.get<Pareto>('/analysis/pareto', { month, measure }),
  trend: (to: string, from?: string) => api.get<Trend>('/analysis/trend', { to, from }),
  compare: (month: string, dimension: string, measure: string) => api.get<Compare>('/analysis/compare', { month, dimension, measure }),
  matrix: (month: string) => api.get<Matrix>('/analysis/matrix', { month }),
  customers: (q: Query, signal?: AbortSignal) => api.get<Page<RankedCustomer>>('/analysis/customers', q, signal),
  /** The workbook as bytes (a failure is an ApiError like any other call). */
  exportXlsx: (month: string, lang: string) => api.blob(withQuery('/analysis/export.xlsx', { month, lang })),
};
