// Early warning and retention (SPEC §3): alert rules, colour zones, alert tasks, notifications,
// care tasks, tariff advice and family-plan candidates — the API's "alerts" and "care" tags.
// Times are UTC ISO strings (shown in Asia/Shanghai); months YYYY-MM; money in *_fen.
import { api, type Query } from './client';
import type { Page } from './types';

export type Zone = 'blue' | 'green' | 'yellow' | 'red' | 'white';
export const ZONES: Zone[] = ['blue', 'green', 'yellow', 'red', 'white'];
/** Each zone's colour as the operator's manuals draw it (white lost is grey so it shows on white). */
export const ZONE_COLORS: Record<Zone | 'none', string> = {
  blue: '#2f6fdb', green: '#2e9e5b', yellow: '#e0a100', red: '#d64545', white: '#8c939d', none: '#c9ced6',
};

export type TaskState = 'open' | 'accepted' | 'contacted' | 'closed';
export const TASK_STATES: TaskState[] = ['open', 'accepted', 'contacted', 'closed'];
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];
export type Outcome = 'retained' | 'offer_made' | 'escalated' | 'lost';
export const OUTCOMES: Outcome[] = ['retained', 'offer_made', 'escalated', 'lost'];
/** Outcomes that need a reason (the API refuses them without one). */
export const OUTCOMES_WITH_REASON: Outcome[] = ['escalated', 'lost'];
export type AssigneeKind = 'account_manager' | 'phone_manager' | 'team';
export const ASSIGNEE_KINDS: AssigneeKind[] = ['account_manager', 'phone_manager', 'team'];
export type TaskAction = 'accept' | 'contact' | 'close' | 'reopen' | 'reassign';

export interface Ref {
  id: number;
  name: string;
}

export interface ZoneRef {
  month: string;
  zone: Zone | 'none';
  previous_zone: Zone | 'none' | null;
}

export interface AlertTask {
  id: number;
  customer: Ref;
  rule: { id: number; code: string | null; name: string; description: string | null; version: number };
  severity: Severity;
  state: TaskState;
  zone: Zone | 'none' | null;
  month: string;
  last_seen_month: string;
  priority: number;
  assignee: Ref | null;
  team: Ref | null;
  escalated_to: Ref | null;
  escalated_at: string | null;
  reminded_at: string | null;
  deadline_at: string;
  overdue: boolean;
  outcome: Outcome | null;
  outcome_reason: string | null;
  contact_id: number | null;
  member_count: number;
  detail: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  version: number;
}

export interface TaskHistoryEntry {
  action: string;
  at: string;
  from_state?: string | null;
  to_state: string | null;
  note?: string | null;
  user: Ref | null;
  /** A close's outcome code and reason (the API splits its "outcome: reason" note). */
  outcome?: Outcome | null;
  reason?: string | null;
  /** "handover" when a reassignment came from a customer handover. */
  via?: string | null;
}

export interface AlertTaskDetail extends AlertTask {
  allowed_actions: TaskAction[];
  history: TaskHistoryEntry[];
  members?: { id: number; name: string | null; number: string }[];
}

export interface SummaryRow {
  key: string;
  label: string;
  total: number;
  active: number;
  overdue: number;
  closed_on_time: number;
  outcomes: Record<Outcome, number>;
  retention_rate: number | null;
}

export interface TaskSummary {
  by_state: SummaryRow[];
  by_manager: SummaryRow[];
  by_team: SummaryRow[];
  by_rule: SummaryRow[];
  by_severity: SummaryRow[];
  by_zone: SummaryRow[];
  [k: string]: unknown;
}

export interface AlertRule {
  id: number;
  code: string | null;
  name: string;
  description: string | null;
  condition: string;
  severity: Severity;
  assignee: AssigneeKind;
  team_id: number | null;
  team_name: string | null;
  deadline_days: number;
  enabled: boolean;
  builtin: boolean;
  level: string;
  open_tasks: number;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface RuleVersion {
  version: number;
  name: string;
  condition: string;
  severity: Severity;
  assignee: AssigneeKind;
  team_id: number | null;
  deadline_days: number;
  enabled: boolean;
  level: string;
  changed_at: string;
  changed_by: string | null;
}

export interface RuleField {
  name: string;
  type: string;
  description: string;
  history: boolean;
}

export interface RuleFields {
  member: RuleField[];
  customer: RuleField[];
  functions: string[];
  aggregates: string[];
}

export interface RulePreview {
  level?: string;
  month?: string | null;
  previous_month?: string | null;
  this_month?: number;
  last_month?: number;
  sample?: Record<string, unknown>[];
  [k: string]: unknown;
}

export interface ZoneCounts {
  month: string | null;
  customers: Partial<Record<Zone | 'none', number>>;
  members: Partial<Record<Zone | 'none', number>>;
}

export interface ZoneSummary {
  month: string | null;
  config: ZoneConfig;
  current: ZoneCounts;
  previous: ZoneCounts;
  transitions: { from: string; to: string; customers: number }[];
}

export interface ZoneConfig {
  bill_a_fen: number;
  mou_b: number;
  group_share: number;
  care_actions: Partial<Record<Zone, string>>;
}

export interface ZoneEvent {
  id: number;
  customer_id: number;
  customer_name: string;
  month: string;
  from: string | null;
  to: string;
}

export interface CustomerZones {
  customer_id: number;
  zone: Zone | 'none' | null;
  care_action: string | null;
  history: { month: string; zone: Zone | 'none'; previous_zone: Zone | 'none' | null; members_by_zone: Record<string, number> }[];
  members: { member_id: number; name: string | null; number: string; zone: string; previous_zone: string | null }[];
}

export interface Notification {
  id: number;
  kind: string;
  title: string;
  body: string | null;
  read: boolean;
  ref_type: string | null;
  ref_id: number | null;
  created_at: string;
}

export interface CareTask {
  id: number;
  kind: string;
  title: string;
  due_date: string;
  state: 'open' | 'done' | 'skipped';
  customer_id: number | null;
  customer_name?: string | null;
  member_number?: string | null;
  version: number;
  [k: string]: unknown;
}

export interface FamilyCandidate {
  member_id: number;
  customer_id: number;
  customer_name: string;
  number: string;
  callee: string;
  callee_operator: string;
  callee_operator_name: string;
  calls: number;
  minutes: number;
  tenure_months: number;
  join_date: string;
  month: string;
}

export const alertsApi = {
  tasks: (q: Query, signal?: AbortSignal) => api.get<Page<AlertTask>>('/alert-tasks', q, signal),
  task: (id: number) => api.get<AlertTaskDetail>(`/alert-tasks/${id}`),
  act: (id: number, action: TaskAction, body: Record<string, unknown>) => api.post<AlertTaskDetail>(`/alert-tasks/${id}/${action}`, body),
  summary: (month?: string) => api.get<TaskSummary>('/alert-tasks/summary', { month }),
  rules: () => api.get<Page<AlertRule>>('/alert-rules'),
  rule: (id: number) => api.get<AlertRule>(`/alert-rules/${id}`),
  createRule: (body: Partial<AlertRule>) => api.post<AlertRule>('/alert-rules', body),
  updateRule: (id: number, patch: Partial<AlertRule> & { version: number }) => api.patch<AlertRule>(`/alert-rules/${id}`, patch),
  ruleVersions: (id: number) => api.get<Page<RuleVersion>>(`/alert-rules/${id}/versions`),
  fields: () => api.get<RuleFields>('/alert-rules/fields'),
  preview: (body: { condition: string; level?: string }) => api.post<RulePreview>('/alert-rules/preview', body),
  zones: (month?: string) => api.get<ZoneSummary>('/zones', { month }),
  zoneTransitions: (q: Query) => api.get<Page<ZoneEvent>>('/zones/transitions', q),
  zoneConfig: () => api.get<{ config: ZoneConfig; defaults: ZoneConfig; version: number }>('/zones/config'),
  putZoneConfig: (config: ZoneConfig, version: number) =>
    api.put<{ config: ZoneConfig; defaults: ZoneConfig; version: number }>('/zones/config', { config, version }),
  customerZones: (id: number, months = 12) => api.get<CustomerZones>(`/customers/${id}/zones`, { months }),
  notifications: (q: Query) => api.get<Page<Notification> & { unread: number }>('/notifications', q),
  markRead: (id: number) => api.post<void>(`/notifications/${id}/read`),
  markAllRead: () => api.post<{ marked: number; unread: number }>('/notifications/read-all'),
};

export const careApi = {
  tasks: (q: Query) => api.get<Page<CareTask>>('/care-tasks', q),
  update: (id: number, patch: { state: string; version: number; note?: string }) => api.patch<CareTask>(`/care-tasks/${id}`, patch),
  advice: (q: Query) => api.get<Record<string, unknown>>('/tariffs/advice', q),
  familyPlan: (q: Query) => api.get<Page<FamilyCandidate> & { min_calls: number; min_tenure_months: number; month: string | null }>(
    '/family-plan/candidates', q),
};
