// One-stop acceptance (SPEC §5): products, orders, approvals, settings and cycle-time figures.
import { api, uploadFile } from './client';
import type { Query } from './client';

export interface Amounts { list_fen: number; subsidy_fen: number; discount_fen: number; net_fen: number; cost_fen?: number; margin_fen?: number }
export interface OrderLine {
  id: number; product_id: number; product_version: number; current_version: number; code: string; name: string; category: string;
  charge: string; unit: string; price_region: string; price_region_name: string | null; quantity: number; unit_price_fen: number;
  subsidy_pct: number; discount_pct: number; max_discount_pct: number; amounts: Amounts;
}
export interface OrderOption {
  id: number; name: string; description: string | null; version: number; lines: OrderLine[];
  monthly: Amounts; one_time: Amounts; term: Amounts; margin_pct?: number | null; max_discount_pct: number;
  authority: { within_limit: boolean; over: { line: number; category: string; discount_pct: number; limit_pct: number }[]; approver_role: string | null } | null;
}
export interface OrderStep {
  name: string; owner_id: number | null; owner_name: string | null; started_at: string; due_at: string | null; elapsed_hours: number; overdue: boolean;
}
export interface Order {
  id: number; number: string; customer_id: number; customer_name: string; title: string; requirement: string; consultation: string | null;
  region_code: string; region_name: string | null; term_months: number; state: string; owner_id: number; owner_name: string | null;
  created_by_name: string | null; creator_role: string; step: OrderStep | null; overdue: boolean; chosen_option_id: number | null;
  confirmation: { kind: string; text?: string; file_name?: string } | null; billing_account: string | null; billing_start: string | null;
  survey_id: number | null; cancel_reason: string | null; cycle_hours: number; value_fen?: number | null; monthly_fen?: number | null;
  created_at: string; updated_at: string; completed_at: string | null; version: number;
}
export interface HistoryStep {
  id: number; step: string; owner_name: string | null; entered_at: string; due_at: string | null; left_at: string | null;
  action: string | null; actor_name: string | null; note: string | null; hours: number; target_hours: number; overdue: boolean;
}
export interface Approval {
  id: number; order_id?: number; order_number?: string; order_title?: string; order_version?: number; customer_name?: string;
  option_id: number; option?: OrderOption; requested_by_name: string | null; requester_role: string; required_role: string;
  requested_at: string; detail: Record<string, unknown>; status: string; decided_by_name: string | null; decided_at: string | null;
  reason: string | null; can_decide?: boolean;
}
export interface OrderDocument { id: number; file_name: string; content_type: string; size_bytes: number; uploaded_at: string; uploaded_by_name?: string | null }
export interface OrderDetail extends Order {
  options: OrderOption[]; steps: HistoryStep[]; hours_per_step: Record<string, number>; approvals: Approval[];
  documents: OrderDocument[]; actions: string[]; sees_cost: boolean;
}
export interface BoardColumn { state: string; total: number; overdue: number; items: Order[] }
export interface Page<T> { items: T[]; next_cursor: string | null; total: number }
export interface Product {
  id: number; code: string; name: string; category: string; kind: string; charge: string; unit: string; description: string | null;
  cost_fen?: number; max_discount_pct: number; valid_from: string | null; valid_to: string | null; active: boolean; on_sale: boolean;
  subsidies: { industry: string; subsidy_pct: number }[]; components: { product_id: number; code: string; name: string; quantity: number }[];
  prices: { region_code: string; region_name: string; price_fen: number }[]; price_fen?: number | null; version: number; versions?: number;
  orders?: number;
}
export interface Duration { count: number; mean_hours: number; p50_hours: number; p90_hours: number; max_hours: number }
export interface Metrics {
  overall: Duration; by_state: Record<string, number>;
  steps: (Duration & { step: string; target_hours: number; open: number; overdue: number; late: number })[];
  managers: (Duration & { owner_id: number; owner_name: string; open: number })[];
  products: (Duration & { product_id: number; product_name: string; category: string })[];
  months: (Duration & { month: string })[];
}
export interface Setting { config: Record<string, unknown>; version: number; updated_at: string | null; defaults: Record<string, unknown> }

export const STATES = ['requirement', 'consultation', 'design', 'choice', 'approval', 'acceptance', 'construction', 'confirmation',
  'billing', 'in_service', 'cancelled'] as const;
export const CATEGORIES = ['voice', 'data', 'line', 'circuit', 'cloud', 'ict'] as const;

export const ordersApi = {
  board: (q: Query) => api.get<{ columns: BoardColumn[]; total: number }>('/orders/board', q),
  list: (q: Query) => api.get<Page<Order>>('/orders', q),
  get: (id: number) => api.get<OrderDetail>(`/orders/${id}`),
  create: (body: { customer_id: number; title: string; requirement: string; term_months?: number }) =>
    api.post<OrderDetail>('/orders', body),
  act: (id: number, action: string, body: Record<string, unknown>) => api.post<OrderDetail>(`/orders/${id}/actions/${action}`, body),
  addOption: (id: number, body: unknown) => api.post<OrderDetail>(`/orders/${id}/options`, body),
  updateOption: (id: number, optionId: number, body: unknown) => api.patch<OrderDetail>(`/orders/${id}/options/${optionId}`, body),
  removeOption: (id: number, optionId: number) => api.del<void>(`/orders/${id}/options/${optionId}`),
  upload: (id: number, file: File) =>
    uploadFile<OrderDocument>(`/orders/${id}/documents?file_name=${encodeURIComponent(file.name)}`, file, 'application/octet-stream'),
  approvals: (q: Query) => api.get<Page<Approval>>('/orders/approvals', q),
  metrics: (q: Query) => api.get<Metrics>('/orders/stats/cycle-time', q),
  limits: () => api.get<Setting & { limits_pct: Record<string, Record<string, number>> }>('/orders/config/discount-limits'),
  putLimits: (config: unknown, version: number) => api.put<Setting>('/orders/config/discount-limits', { config, version }),
  steps: () => api.get<Setting>('/orders/config/steps'),
  putSteps: (config: unknown, version: number) => api.put<Setting>('/orders/config/steps', { config, version }),
  products: (q: Query) => api.get<Page<Product>>('/products', q),
  product: (id: number) => api.get<Product>(`/products/${id}`),
  createProduct: (body: unknown) => api.post<Product>('/products', body),
  updateProduct: (id: number, body: unknown) => api.patch<Product>(`/products/${id}`, body),
  productVersions: (id: number) => api.get<Page<Product>>(`/products/${id}/versions`),
};
