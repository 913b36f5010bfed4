// Early warning and retention (SPEC §3): alert rules, colour zones, alert tasks, notifications,
// care tasks, tariff advice and family-plan candidates — the API's "alerts" and "care" tags.
// Times are UTC ISO strings (shown in Asia/Shanghai); months YYYY-MM; money in *_fen.
import { api, type Query } from './client';
import type { Extend, Page, Refine, Schemas as S, Sent } from './schema';

export type Zone = 'blue' | 'green' | 'yellow' | 'red' | 'white';
export const ZONES: Zone[] = ['blue', 'green', 'yellow', 'red', 'white'];
/** Each zone's colour as the operator's manuals draw it (white lost is grey so it shows on white). */
export const ZONE_COLORS: Record<Zone | 'none', string> = {
  blue: '#2f6fdb', green: '#2e9e5b', yellow: '#e0a100', red: '#d64545', white: '#8c939d', none: '#c9ced6',
};

export type TaskState = Sent<S['AlertTask']>['state'];
export const TASK_STATES: TaskState[] = ['open', 'accepted', 'contacted', 'closed'];
export type Severity = Sent<S['AlertRule']>['severity'];
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];
export type Outcome = NonNullable<S['TaskAction']['outcome']>;
export const OUTCOMES: Outcome[] = ['retained', 'offer_made', 'escalated', 'lost'];
/** Outcomes that need a reason (the API refuses them without one). */
export const OUTCOMES_WITH_REASON: Outcome[] = ['escalated', 'lost'];
export type AssigneeKind = Sent<S['AlertRule']>['assignee'];
export const ASSIGNEE_KINDS: AssigneeKind[] = ['account_manager', 'phone_manager', 'team'];
export type TaskAction = 'accept' | 'contact' | 'close' | 'reopen' | 'reassign';

export interface Ref {
  id: number;
  name: string;
}

/** A customer's latest colour zone (the overview's risk_zone). */
export interface ZoneRef {
  month: string;
  zone: Zone | 'none';
  previous_zone: Zone | 'none' | null;
}

/** An alert task as lists show it (the detail adds allowed_actions, history and members). */
export type AlertTask = Extend<Refine<Sent<S['AlertTask'], 'allowed_actions'>, {
  customer: Ref;
  rule: { id: number; code: string | null; name: string; description: string | null; version: number };
}>, {
  last_seen_month: string;
  assignee: Ref | null;
  team: Ref | null;
  escalated_to: Ref | null;
  escalated_at: string | null;
  reminded_at: string | null;
  outcome_reason: string | null;
  contact_id: number | null;
  member_count: number;
  detail: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}>;

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

export type AlertTaskDetail = Extend<Refine<AlertTask, { allowed_actions: TaskAction[] }>, {
  history: TaskHistoryEntry[];
  members?: { id: number; name: string | null; number: string }[];
}>;

// The task summary, rule versions and fields, the zones and zone events: their schemas are
// objects without properties, so they are written out here.

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

export type AlertRule = Extend<Sent<S['AlertRule']>, {
  description: string | null;
  team_name: string | null;
  created_at: string;
  updated_at: string;
}>;

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

/** What a condition matches in one month. */
export interface PreviewMonth {
  month: string | null;
  customers: number;
  members: number;
  sample: { customer_id: number; name: string; members: number }[];
}

/** A valid condition's matches this month and last, or where an invalid one fails. */
export type RulePreview = Extend<Refine<Sent<S['RulePreview'], 'message' | 'position' | 'this_month' | 'last_month'>, {
  this_month?: PreviewMonth;
  last_month?: PreviewMonth;
}>, { level?: string }>;

export interface ZoneCounts {
  month: string | null;
  customers: Partial<Record<Zone | 'none', number>>;
  members: Partial<Record<Zone | 'none', number>>;
}

export interface ZoneSummary {
  month: string | null;
  config: ZoneThresholds;
  current: ZoneCounts;
  previous: ZoneCounts;
  transitions: { from: string; to: string; customers: number }[];
}

/** The zone thresholds and care actions (the `config` of GET /zones/config). */
export interface ZoneThresholds {
  bill_a_fen: number;
  mou_b: number;
  group_share: number;
  care_actions: Partial<Record<Zone, string>>;
}
/** GET /zones/config: the thresholds in force, the defaults and the version to send back. */
export type ZoneConfigDoc = Refine<Sent<S['ZoneConfig']>, { config: ZoneThresholds; defaults: ZoneThresholds }>;
/** What the zones page edits and PUTs: the thresholds (schema ZoneConfig is the whole document). */
export type ZoneConfig = ZoneConfigDoc['config'];

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

export type Notification = Sent<S['Notification']>;
export type NotificationsRead = Sent<S['NotificationsRead']>;

export type CareTask = Sent<S['CareTask']>;

export type FamilyCandidate = Sent<S['FamilyPlanCandidate']>;

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
  zoneConfig: () => api.get<ZoneConfigDoc>('/zones/config'),
  putZoneConfig: (config: ZoneConfig, version: number) => api.put<ZoneConfigDoc>('/zones/config', { config, version }),
  customerZones: (id: number, months = 12) => api.get<CustomerZones>(`/customers/${id}/zones`, { months }),
  notifications: (q: Query) => api.get<Page<Notification> & { unread: number }>('/notifications', q),
  markRead: (id: number) => api.post<void>(`/notifications/${id}/read`),
  markAllRead: () => api.post<NotificationsRead>('/notifications/read-all'),
};

export const careApi = {
  tasks: (q: Query) => api.get<Page<CareTask>>('/care-tasks', q),
  update: (id: number, patch: S['CareTaskPatch']) => api.patch<CareTask>(`/care-tasks/${id}`, patch),
  advice: (q: Query) => api.get<Record<string, unknown>>('/tariffs/advice', q),
  familyPlan: (q: Query) => api.get<Page<FamilyCandidate> & { min_calls: number; min_tenure_months: number; month: string | null }>(
    '/family-plan/candidates', q),
};
