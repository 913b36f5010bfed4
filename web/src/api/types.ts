// Shapes of the API's records (see /api/v1/openapi.json). Money in *_fen, instants ISO-8601 UTC.

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
  total: number;
}

export interface Stamped {
  id: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface User extends Stamped {
  username: string;
  display_name: string;
  role: string;
  team_id: number | null;
  team_name?: string | null;
  senior: boolean;
  phone: string | null;
  email: string | null;
  customer_id: number | null;
  merchant_id: number | null;
  active: boolean;
  password_changed_at?: string | null;
}

export interface SessionUser {
  id: number;
  username: string;
  display_name: string;
  role: string;
  team_id: number | null;
  senior: boolean;
  permissions: string[];
}

export interface LoginResult {
  token: string;
  expires_at: string;
  user: SessionUser;
}

export interface Competitor {
  operator?: string;
  services?: string;
  bundle_end_date?: string;
}

export interface Customer extends Stamped {
  kind: 'group' | 'individual';
  name: string;
  short_name: string | null;
  credit_code: string | null;
  industry: string | null;
  org_type: string | null;
  province_code: string | null;
  city_code: string | null;
  district_code: string | null;
  city_name?: string | null;
  district_name?: string | null;
  address: string | null;
  employees: number | null;
  parent_id: number | null;
  status: string;
  competitors: Competitor[] | null;
  brand: string | null;
  package: string | null;
  sensitivity: string | null;
  phone: string | null;
  id_number: string | null;
  account_manager_id: number | null;
  phone_manager_id: number | null;
  account_manager_name?: string | null;
  phone_manager_name?: string | null;
  note: string | null;
}

export interface Member extends Stamped {
  customer_id: number;
  number: string;
  kind: string;
  name: string | null;
  id_number: string | null;
  package: string | null;
  join_date: string;
  status: string;
  grade: string;
  monthly_spend_fen: number;
}

export interface KeyPerson extends Stamped {
  customer_id: number;
  name: string;
  title: string | null;
  department: string | null;
  level: string;
  reports_to_id: number | null;
  attitude: string;
  relationship: number;
  birthday: string | null;
  hobbies: string | null;
  phone: string | null;
  email: string | null;
  senior: boolean;
  owner_id: number | null;
  owner_name?: string | null;
  last_contact_at: string | null;
  note: string | null;
}

export interface Contract extends Stamped {
  customer_id: number;
  contract_no: string;
  title: string;
  kind: string | null;
  start_date: string;
  end_date: string;
  amount_fen: number;
  min_spend_fen: number;
  status: string;
  note: string | null;
}

export interface Contact extends Stamped {
  customer_id: number;
  customer_name?: string;
  key_person_id: number | null;
  key_person_name?: string | null;
  user_id: number | null;
  user_name?: string | null;
  channel: string;
  occurred_at: string;
  subject: string;
  summary: string | null;
  outcome: string;
  next_step: string | null;
  next_step_date: string | null;
}

export interface Need extends Stamped {
  customer_id: number;
  kind: string;
  category: string;
  title: string;
  description: string | null;
  status: string;
  linked_offers: string | null;
  created_by: number | null;
}

export interface UserBrief {
  id: number;
  display_name: string;
  role: string;
  phone: string | null;
  email: string | null;
  team_name: string | null;
  senior: boolean;
}

export interface Assignment {
  id: number;
  role: string;
  user_id: number;
  user_name: string;
  started_at: string;
  ended_at: string | null;
  reason: string;
  assigned_by_name: string | null;
}

export interface HandoverItem {
  id: number;
  kind: string;
  label: string;
  ref_id: number | null;
  done: boolean;
  note?: string | null;
}

export interface Handover {
  id: number;
  customer_id: number;
  role: string;
  status: 'open' | 'completed' | 'cancelled';
  from_user_id: number | null;
  to_user_id: number;
  from_user_name?: string | null;
  to_user_name?: string | null;
  reason: string;
  items: HandoverItem[];
  ready: boolean;
  [extra: string]: unknown;
}

/** Sections filled by later areas; rendered generically until they have their own views. */
export type AreaRecord = Record<string, unknown>;

export interface Overview {
  customer: Customer;
  parent: { id: number; name: string } | null;
  children: { id: number; name: string; status: string }[];
  members: { items: Member[]; total: number; by_status: Record<string, number>; monthly_spend_fen: number };
  key_persons: KeyPerson[];
  contracts: Contract[];
  contacts: Contact[];
  needs: Need[];
  team: { account_manager: UserBrief | null; phone_manager: UserBrief | null; assignments: Assignment[] };
  open_handover: Handover | null;
  value: AreaRecord | null;
  risk_zone: string | AreaRecord | null;
  alerts: AreaRecord[];
  work_orders: AreaRecord[];
  orders: AreaRecord[];
}

export interface HierarchyNode {
  id: number;
  name: string;
  status: string;
  kind: string;
  member_count: number;
  current: boolean;
  children: HierarchyNode[];
}

export interface Workbench {
  today: string;
  customers_by_status: Record<string, number>;
  customers_by_org_type: Record<string, number>;
  customers_by_kind: Record<string, number>;
  customers_by_city: Record<string, number>;
  customers_by_industry?: Record<string, number>;
  /** Value tier of the latest computed month (value_month); "unknown" = no value that month. */
  customers_by_tier?: Record<string, number>;
  value_month?: string | null;
  recent_contacts: Contact[];
  upcoming_birthdays: { key_person_id: number; name: string; customer_id: number; customer_name: string; birthday: string; title: string; days_until: number }[];
  expiring_contracts: { contract_id: number; customer_id: number; customer_name: string; title: string; end_date: string; days_left: number }[];
  next_steps_due: { contact_id: number; customer_id: number; customer_name: string; next_step: string; next_step_date: string; overdue: boolean }[];
  open_handovers: number;
}

export interface Region {
  code: string;
  name: string;
  level: string;
  children: Region[];
}

export interface Team extends Stamped {
  name: string;
  region_code: string | null;
  region_name?: string | null;
  supervisor_id: number | null;
  supervisor_name?: string | null;
  parent_id: number | null;
  member_count?: number;
}

export interface AuditEntry {
  id: number;
  at: string;
  user_id: number | null;
  username: string;
  action: string;
  entity: string;
  entity_id: number;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string;
}
