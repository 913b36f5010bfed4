// The service desk (SPEC §4): work orders, the team queue, SLA policies, satisfaction surveys
// and follow-ups, figures and the knowledge base. Times are UTC ISO strings.
import { api, request, type Query } from './client';
import type { Extend, Page, Refine, Schemas as S, Sent } from './schema';

export interface Ref { id: number; name: string }
export type WoType = Sent<S['WorkOrder']>['type'];
export const WO_TYPES = ['fault', 'complaint', 'consultation', 'request'] as const satisfies readonly WoType[];
export type WoState = Sent<S['WorkOrder']>['state'];
export const WO_STATES = ['new', 'assigned', 'accepted', 'in_progress', 'waiting_customer', 'resolved', 'closed', 'merged'] as const satisfies readonly WoState[];
export type WoAction = 'take' | 'assign' | 'accept' | 'start' | 'wait' | 'resume' | 'resolve' | 'close' | 'reopen' | 'transfer' | 'merge' | 'comment';

type Sla = Sent<S['WorkOrder']>['sla'];

/** A response or resolution clock; the resolution's also counts business time and pauses. */
export type SlaClock = Extend<Sla['response'], {
  responded_at?: string | null;
  paused?: boolean;
  remaining_business_seconds?: number;
}>;

/** One step of a work order's history (the detail's events: objects without properties in the schema). */
export interface WoEvent {
  id: number; at: string; user: Ref | null; action: string; from_state: string | null; to_state: string | null;
  note: string | null; detail: Record<string, unknown> | null;
}

/** A work order; events, pauses and surveys come with one work order, not in lists. */
export type WorkOrder = Refine<Sent<S['WorkOrder'], 'events' | 'pauses' | 'surveys'>, {
  actions: WoAction[];
  sla: Refine<Sla, { response: SlaClock; resolution: SlaClock }>;
  responsibility: { department: string | null; person: string | null; cause: string | null; manager_at_fault: boolean } | null;
  events?: WoEvent[];
  pauses?: { reason: string; from: string; to: string | null }[];
  surveys?: { id: number; state: string; due_at: string; score: number | null; comment: string | null }[];
}>;

/** A team's queue (the caller's team, or the one named: there is always a team), and the teams
 * whose queue the caller may work. */
export type Queue = Refine<Sent<S['WorkOrderQueue']>, { team: Ref; teams: Ref[]; items: WorkOrder[]; counts: Record<string, number> }>;

export type Survey = Sent<S['Survey']>;

export type Followup = Sent<S['SurveyFollowup']>;

export type StatRow = Sent<S['SatisfactionStats']>['items'][number];
export type Stats = Refine<Sent<S['SatisfactionStats']>, { total: StatRow & { open_followups: number } }>;

/** An article: lists carry an excerpt (and a search score), one article its body. */
export type Article = Sent<S['Article'], 'body' | 'excerpt' | 'score'>;

export const deskApi = {
  list: (q: Query) => api.get<Page<WorkOrder>>('/work-orders', q),
  queue: (teamId?: number) => api.get<Queue>('/work-orders/queue', teamId ? { team_id: teamId } : {}),
  get: (id: number) => api.get<WorkOrder>(`/work-orders/${id}`),
  create: (body: Record<string, unknown>) => api.post<WorkOrder>('/work-orders', body),
  act: (id: number, action: WoAction, body: Record<string, unknown>) => api.post<WorkOrder>(`/work-orders/${id}/${action}`, body),
  suggestions: (id: number) => api.get<Page<Article>>(`/work-orders/${id}/suggestions`),
  surveys: (q: Query) => api.get<Page<Survey>>('/surveys', q),
  survey: (id: number) => api.get<Survey>(`/surveys/${id}`),
  completeSurvey: (id: number, body: Record<string, unknown>) => api.post<Survey>(`/surveys/${id}/complete`, body),
  followups: (q: Query) => api.get<Page<Followup>>('/surveys/followups', q),
  recordFollowup: (id: number, body: Record<string, unknown>) => api.post<Followup>(`/surveys/followups/${id}/record`, body),
  closeFollowup: (id: number, body: S['FollowupClose']) => api.post<Followup>(`/surveys/followups/${id}/close`, body),
  stats: (by: string, q: Query = {}) => api.get<Stats>('/satisfaction', { by, ...q }),
  articles: (q: Query) => api.get<Page<Article>>('/knowledge', q),
  article: (id: number) => api.get<Article>(`/knowledge/${id}`),
  createArticle: (body: S['ArticleInput']) => api.post<Article>('/knowledge', body),
  updateArticle: (id: number, body: S['ArticleInput']) => request<Article>('PUT', `/knowledge/${id}`, { body }),
};

/** "02:05:09", "1 d 03:00:41" (overdue: the caller words it) from seconds; ticks every second. */
export function countdownText(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '';
  const neg = seconds < 0;
  let s = Math.abs(Math.round(seconds));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const pad = (n: number) => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return (neg ? '-' : '') + (d ? `${d} d ${hms}` : hms);
}
