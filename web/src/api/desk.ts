// The service desk (SPEC §4): work orders, the team queue, SLA policies, satisfaction surveys
// and follow-ups, figures and the knowledge base. Times are UTC ISO strings.
import { api, request, type Query } from './client';
import type { Page } from './types';

export interface Ref { id: number; name: string }
export const WO_TYPES = ['fault', 'complaint', 'consultation', 'request'] as const;
export type WoType = (typeof WO_TYPES)[number];
export const WO_STATES = ['new', 'assigned', 'accepted', 'in_progress', 'waiting_customer', 'resolved', 'closed', 'merged'] as const;
export type WoState = (typeof WO_STATES)[number];
export type WoAction = 'take' | 'assign' | 'accept' | 'start' | 'wait' | 'resume' | 'resolve' | 'close' | 'reopen' | 'transfer' | 'merge' | 'comment';

export interface SlaClock {
  due_at: string | null;
  remaining_seconds: number | null;
  breached: boolean;
  budget_minutes: number;
  responded_at?: string | null;
  paused?: boolean;
  remaining_business_seconds?: number;
}

export interface WoEvent {
  id: number; at: string; user: Ref | null; action: string; from_state: string | null; to_state: string | null;
  note: string | null; detail: Record<string, unknown> | null;
}

export interface WorkOrder {
  id: number; code: string; type: WoType; channel: string; title: string; description: string | null;
  customer_id: number; customer_name: string; member_number: string | null; contact_name: string | null;
  contact_phone: string | null; level: string; priority: number; priority_label: string; state: WoState;
  actions: WoAction[]; team: Ref | null; assignee: Ref | null; created_by: Ref | null;
  sla: { calendar: Record<string, unknown> | null; response: SlaClock; resolution: SlaClock };
  escalation_level: number; escalated_to: Ref | null; resolution: string | null; reopen_count: number;
  merged_into: number | null;
  responsibility: { department: string | null; person: string | null; cause: string | null; manager_at_fault: boolean } | null;
  created_at: string; updated_at: string; resolved_at: string | null; closed_at: string | null; version: number;
  events?: WoEvent[]; pauses?: { reason: string; from: string; to: string | null }[];
  surveys?: { id: number; state: string; due_at: string; score: number | null; comment: string | null }[];
}

export interface Queue { team: Ref; items: WorkOrder[]; counts: Record<string, number>; breached: number; now: string }

export interface Survey {
  id: number; customer_id: number; customer_name: string; source_type: string; source_id: number | null;
  source_code: string | null; state: string; due_at: string; team: Ref | null; work_type: string | null;
  score: number | null; comment: string | null; channel: string | null; surveyed_by: Ref | null; manager: Ref | null;
  completed_at: string | null; followup_id: number | null; version: number;
}

export interface Followup {
  id: number; survey_id: number; customer_id: number; customer_name: string; work_order_id: number | null;
  assignee: Ref | null; state: 'open' | 'satisfied' | 'closed'; due_at: string; overdue: boolean; attempts: number;
  last_score: number | null; note: string | null; close_reason: string | null; version: number;
}

export interface StatRow { key: string; name: string; count: number; average: number; dissatisfied: number; satisfied_rate: number }
export interface Stats { by: string; total: StatRow & { open_followups: number }; items: StatRow[] }

export interface Article {
  id: number; title: string; category: string; tags: string[]; body?: string; excerpt?: string; visibility: string;
  roles: string[]; status: string; views: number; author: Ref | null; updated_at: string; version: number; score?: number;
}

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
  closeFollowup: (id: number, body: Record<string, unknown>) => api.post<Followup>(`/surveys/followups/${id}/close`, body),
  stats: (by: string, q: Query = {}) => api.get<Stats>('/satisfaction', { by, ...q }),
  articles: (q: Query) => api.get<Page<Article>>('/knowledge', q),
  article: (id: number) => api.get<Article>(`/knowledge/${id}`),
  createArticle: (body: Record<string, unknown>) => api.post<Article>('/knowledge', body),
  updateArticle: (id: number, body: Record<string, unknown>) => request<Article>('PUT', `/knowledge/${id}`, { body }),
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
