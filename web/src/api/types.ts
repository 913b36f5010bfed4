// The archive's records, as the server describes them (GET /api/v1/openapi.json; see schema.ts).
// Money in *_fen, instants ISO-8601 UTC.
import type { AlertTask } from './alerts';
import type { Order } from './orders';
import type { Extend, NotNull, Refine, Schemas as S, Sent } from './schema';

export type { Page } from './schema';

export type User = Sent<S['User']>;

/** GET /auth/me and the login's user: the user (password_changed_at left out) with what it may do. */
export type SessionUser = Extend<Sent<S['User'], 'password_changed_at'>, { permissions: string[] }>;

export type LoginResult = Refine<Sent<S['LoginResult']>, { user: SessionUser }>;

/** An operator also serving a customer (the schema says only "object"). */
export type Competitor = {
  operator?: string;
  services?: string;
  bundle_end_date?: string;
};

export type Customer = Refine<NotNull<Sent<S['Customer']>, 'kind' | 'status'>, { competitors: Competitor[] | null }>;
export type Member = Sent<S['Member']>;
export type KeyPerson = Refine<NotNull<Sent<S['KeyPerson']>, 'attitude' | 'relationship'>, { owner_name: string | null }>;
export type Contract = Sent<S['Contract']>;
export type Contact = NotNull<Sent<S['Contact']>, 'outcome'>;
export type Need = Sent<S['Need']>;

/** One of the customer's managers in the overview's team. */
export interface UserBrief {
  id: number;
  display_name: string;
  role: string;
  phone: string | null;
  email: string | null;
  team_name: string | null;
  senior: boolean;
}

export type Assignment = Extend<Sent<S['Assignment']>, { assigned_by_name: string | null }>;

export type HandoverItem = Extend<Sent<S['Handover']>['items'][number], { note: string | null; done_at: string | null }>;

/** A handover with its checklist (one handover; the list leaves items and ready out). */
export type Handover = Extend<Refine<Sent<S['Handover']>, { items: HandoverItem[] }>, {
  version: number;
  customer_name: string;
  from_user_name: string | null;
  to_user_name: string | null;
  items_done: number;
  created_at: string;
  completed_at: string | null;
}>;
/** GET /handovers: the handovers without their checklists. */
export type HandoverSummary = Omit<Handover, 'items' | 'ready' | 'items_done'>;

export type Overview = Refine<Sent<S['CustomerOverview']>, {
  customer: Customer;
  key_persons: KeyPerson[];
  contacts: Contact[];
  parent: { id: number; name: string } | null;
  children: { id: number; name: string; status: string }[];
  members: Refine<Sent<S['CustomerOverview']>['members'], { by_status: Record<string, number> }>;
  team: { account_manager: UserBrief | null; phone_manager: UserBrief | null; assignments: Assignment[] };
  open_handover: Handover | null;
  alerts: AlertTask[];
  /** The schema says an array of objects; the server sends the customer's orders, open ones first. */
  orders: { items: Order[]; total: number; open: number };
}>;

export type HierarchyNode = Extend<Refine<Sent<S['HierarchyNode']>, { children: HierarchyNode[] }>, { kind: string }>;
export type Hierarchy = Refine<Sent<S['Hierarchy']>, { root: HierarchyNode }>;

type Counts = Record<string, number>;

export type Workbench = Extend<Refine<Sent<S['Workbench']>, {
  customers_by_status: Counts;
  customers_by_org_type: Counts;
  customers_by_kind: Counts;
  customers_by_city: Counts;
  customers_by_industry: Counts;
  /** Value tier of the latest computed month (value_month); "unknown" = no value that month. */
  customers_by_tier: Counts;
  upcoming_birthdays: { key_person_id: number; name: string; customer_id: number; customer_name: string; birthday: string; title: string; days_until: number }[];
  expiring_contracts: { contract_id: number; customer_id: number; customer_name: string; title: string; end_date: string; days_left: number }[];
  next_steps_due: { contact_id: number; customer_id: number; customer_name: string; next_step: string; next_step_date: string; overdue: boolean }[];
}>, { today: string }>;

/** A province, city or district, with the ones below it (GET /regions). */
export interface Region {
  code: string;
  name: string;
  level: string;
  children: Region[];
}
export type RegionTree = Refine<Sent<S['RegionTree']>, { items: Region[] }>;

export type Team = Sent<S['Team']>;

export type AuditEntry = Sent<S['AuditEntry']>;
