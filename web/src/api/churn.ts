// Churn propensity (SPEC §3): the API's "churn" tag. Model versions with their cross-validated
// figures and lift chart, training from the stored history (a background job) or from an
// uploaded CSV, monthly scores with the factors behind each, a customer's "why at risk".
import { api, uploadFile, withQuery } from './client';
import type { Extend, Refine, Schemas as S, Sent } from './schema';

/** A factor behind a score: "feature=value" raises the log-odds of churn by `contribution`. */
export type ChurnFactor = Sent<S['CustomerChurn']>['factors'][number];

/** The cross-validated figures; a model without any has an empty object. */
export type ChurnEvaluation = Extend<Partial<Sent<S['ChurnModel']>['evaluation']>, {
  dataset?: { first_cutoff?: string; last_cutoff?: string; horizon?: number; rows?: number; churned?: number };
}>;
export type LiftPoint = NonNullable<ChurnEvaluation['lift']>[number];

type ModelFeature = Sent<S['ChurnModel']>['features'][number];

export type ChurnModel = Refine<Sent<S['ChurnModel']>, {
  evaluation: ChurnEvaluation;
  /** categories: how many values a categorical feature has. */
  features: (ModelFeature & { categories?: number })[];
}>;
export type ChurnModelList = Refine<Sent<S['ChurnModelList']>, { items: ChurnModel[] }>;

export type ChurnJob = Sent<S['ChurnJob']>;
export type ChurnJobList = Sent<S['ChurnJobList']>;

export type ScoreRow = Sent<S['ChurnScoreList']>['items'][number];
export type ScoreList = Refine<Sent<S['ChurnScoreList']>, { model: { id: number; name: string; auc: number | null } | null }>;

export type CustomerChurn = Refine<Sent<S['CustomerChurn']>, {
  model: { id: number; name: string; auc: number | null; is_current: boolean } | null;
}>;

/** POST /churn/scores/run: the month scored, or why it was skipped. */
export type MonthScoring = Sent<S['ChurnMonthScoring'], 'model_id' | 'rows' | 'seconds' | 'skipped'>;

export const churnApi = {
  models: () => api.get<ChurnModelList>('/churn/models'),
  activate: (id: number) => api.post<ChurnModel>(`/churn/models/${id}/activate`),
  trainHistory: (q: { horizon?: number; cutoffs?: number; name?: string }) =>
    api.post<ChurnJob>(withQuery('/churn/models/history', q)),
  jobs: () => api.get<ChurnJobList>('/churn/jobs'),
  job: (id: number) => api.get<ChurnJob>(`/churn/jobs/${id}`),
  uploadTraining: (file: Blob, q: { label: string; id?: string; name?: string },
    onProgress?: (loaded: number, total: number) => void) =>
    uploadFile<ChurnModel>(withQuery('/churn/models', q), file, 'text/csv', onProgress),
  scores: (q: { month?: string; limit?: number } = {}) => api.get<ScoreList>('/churn/scores', q),
  scoreMonth: () => api.post<MonthScoring>('/churn/scores/run'),
  customer: (id: number) => api.get<CustomerChurn>(`/customers/${id}/churn`),
};
