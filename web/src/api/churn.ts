// Churn propensity (SPEC §3): the API's "churn" tag. Model versions with their cross-validated
// figures and lift chart, training from the stored history (a background job) or from an
// uploaded CSV, monthly scores with the factors behind each, a customer's "why at risk".
import { api, uploadFile, withQuery } from './client';

export interface ChurnFactor {
  feature: string;
  value: string; // "feature=value"
  contribution: number; // raises the log-odds of churn by this much
}

export interface LiftPoint {
  bucket: number;
  rows: number;
  churn_rate: number;
  lift: number;
  cumulative_capture: number;
  mean_score: number;
}

export interface ChurnEvaluation {
  folds?: number;
  auc?: number;
  auc_sd?: number;
  log_loss?: number;
  top10?: { share: number; rows: number; precision: number; recall: number; lift: number };
  lift?: LiftPoint[];
  dataset?: { first_cutoff?: string; last_cutoff?: string; horizon?: number; rows?: number; churned?: number };
}

export interface ChurnModel {
  id: number;
  name: string;
  source: 'upload' | 'usage' | 'cli';
  label_column: string;
  id_column: string | null;
  rows: number;
  churned: number;
  features: { name: string; type: string; categories?: number }[];
  ignored: { column: string; reason: string }[];
  notes: string[];
  auc: number | null;
  auc_sd: number | null;
  evaluation: ChurnEvaluation;
  trees: number;
  train_seconds: number;
  model_size: number;
  is_current: boolean;
  created_by: number | null;
  created_at: string;
  activated_at: string | null;
}

export interface ChurnJob {
  id: number;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  phase: string | null;
  progress: { done: number; total: number };
  params: Record<string, unknown>;
  dataset: Record<string, unknown>;
  model_id: number | null;
  message: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface ScoreRow {
  customer_id: number;
  name: string;
  kind: string;
  score: number;
  previous_score: number | null;
  factors: ChurnFactor[];
}

export interface ScoreList {
  month: string | null;
  total: number;
  model: { id: number; name: string; auc: number | null } | null;
  items: ScoreRow[];
}

export interface CustomerChurn {
  customer_id: number;
  month: string | null;
  score: number | null;
  percentile: number | null;
  factors: ChurnFactor[];
  model: { id: number; name: string; auc: number | null; is_current: boolean } | null;
  history: { month: string; score: number }[];
  members: { member_id: number; number: string; name: string; score: number; factors: ChurnFactor[] }[];
}

export const churnApi = {
  models: () => api.get<{ items: ChurnModel[]; current_id: number | null }>('/churn/models'),
  activate: (id: number) => api.post<ChurnModel>(`/churn/models/${id}/activate`),
  trainHistory: (q: { horizon?: number; cutoffs?: number; name?: string }) =>
    api.post<ChurnJob>(withQuery('/churn/models/history', q)),
  jobs: () => api.get<{ items: ChurnJob[] }>('/churn/jobs'),
  job: (id: number) => api.get<ChurnJob>(`/churn/jobs/${id}`),
  uploadTraining: (file: Blob, q: { label: string; id?: string; name?: string },
    onProgress?: (loaded: number, total: number) => void) =>
    uploadFile<ChurnModel>(withQuery('/churn/models', q), file, 'text/csv', onProgress),
  scores: (q: { month?: string; limit?: number } = {}) => api.get<ScoreList>('/churn/scores', q),
  scoreMonth: () => api.post<{ month: string; rows?: number; skipped?: string }>('/churn/scores/run'),
  customer: (id: number) => api.get<CustomerChurn>(`/customers/${id}/churn`),
};
