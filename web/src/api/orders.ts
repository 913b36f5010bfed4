// One-stop acceptance (SPEC §5): products, orders, approvals, settings and cycle-time figures.
import { api, uploadFile } from './client';
import type { Query } from './client';
import type { Extend, Page, Refine, Schemas as S, Sent } from './schema';

/** Money of an option or line; cost and margin only for roles that see costs (sees_cost). */
export type Amounts = Sent<NonNullable<S['OrderOption']['monthly']>, 'cost_fen' | 'margin_fen'>;

// The option's lines, its authority's excesses, an order's confirmation and the approvals,
// documents and hours of a detail are objects without properties in the schemas: written out here.

export interface OrderLine {
  id: number; product_id: number; product_version: number; current_version: number; code: string; name: string; category: string;
  charge: string; unit: string; price_region: string; price_region_name: string | null; quantity: number; unit_price_fen: number;
  subsidy_pct: number; discount_pct: number; max_discount_pct: number; amounts: Amounts;
}
export type OrderOption = Refine<Sent<S['OrderOption'], 'margin_pct'>, {
  lines: OrderLine[]; monthly: Amounts; one_time: Amounts; term: Amounts;
  authority: (Omit<Sent<S['OrderOption']>['authority'], 'over'> & {
    over: { line: number; category: string; discount_pct: number; limit_pct: number }[];
  }) | null;
}>;
export type OrderStep = NonNullable<Sent<S['Order']>['step']>;
export type Order = Extend<Refine<Sent<S['Order'], 'value_fen'>, {
  confirmation: { kind: string; text?: string; file_name?: string } | null;
}>, { created_by_name: string | null; monthly_fen?: number | null }>;
export type HistoryStep = Extend<Sent<S['OrderDetail']>['steps'][number], {
  id: number; due_at: string | null; actor_name: string | null; note: string | null;
}>;
/** A discount approval in the inbox (GET /orders/approvals), with its order and option. */
export type Approval = Extend<Refine<Sent<S['OrderApproval']>, { option: OrderOption }>, { option_id: number }>;
/** An approval of one order (the detail's approvals: without the order, the option and can_decide). */
export type OrderApproval = Omit<Approval, 'order_id' | 'order_number' | 'order_title' | 'order_version' | 'customer_name' | 'option' | 'can_decide'>;
/** An uploaded document: the upload answers with order_id, the order's detail lists them with who uploaded them. */
export type OrderDocument = Extend<Sent<S['OrderDocument'], 'order_id'>, { uploaded_by_name?: string | null }>;
export type OrderDetail = Extend<Refine<Sent<S['OrderDetail'], 'value_fen'>, {
  options: OrderOption[]; steps: HistoryStep[]; hours_per_step: Record<string, number>; approvals: OrderApproval[];
  documents: OrderDocument[]; confirmation: Order['confirmation'];
}>, { created_by_name: string | null; sees_cost: boolean }>;
export type OrderBoard = Refine<Sent<S['OrderBoard']>, { columns: BoardColumn[] }>;
export type BoardColumn = Refine<Sent<S['OrderBoard']>['columns'][number], { items: Order[] }>;
export type Product = Sent<S['Product'], 'cost_fen' | 'price_fen' | 'orders' | 'versions'>;
/** A version of a product (GET /products/{id}/versions: the product as it was, and who changed it). */
export type ProductVersion = Extend<Omit<Product, 'created_at' | 'updated_at' | 'on_sale' | 'orders' | 'price_fen' | 'versions'>, {
  changed_at: string; changed_by: { id: number; name: string } | null; current: boolean; note: string | null;
}>;
export type Duration = Sent<S['OrderMetrics']>['overall'];
export type Metrics = Refine<Sent<S['OrderMetrics']>, {
  by_state: Record<string, number>;
  steps: (Duration & { step: string; target_hours: number; open: number; overdue: number; late: number })[];
  managers: (Duration & { owner_id: number; owner_name: string; open: number })[];
  products: (Duration & { product_id: number; product_name: string; category: string })[];
  months: (Duration & { month: string })[];
}>;
export type Setting = Extend<Sent<S['OrderSetting']>, { updated_by_name: string | null }>;

export const STATES = ['requirement', 'consultation', 'design', 'choice', 'approval', 'acceptance', 'construction', 'confirmation',
  'billing', 'in_service', 'cancelled'] as const;
export const CATEGORIES = ['voice', 'data', 'line', 'circuit', 'cloud', 'ict'] as const;

export const ordersApi = {
  board: (q: Query) => api.get<OrderBoard>('/orders/board', q),
  list: (q: Query) => api.get<Page<Order>>('/orders', q),
  get: (id: number) => api.get<OrderDetail>(`/orders/${id}`),
  create: (body: S['OrderInput']) => api.post<OrderDetail>('/orders', body),
  act: (id: number, action: string, body: S['OrderAction']) => api.post<OrderDetail>(`/orders/${id}/actions/${action}`, body),
  addOption: (id: number, body: unknown) => api.post<OrderDetail>(`/orders/${id}/options`, body),
  updateOption: (id: number, optionId: number, body: unknown) => api.patch<OrderDetail>(`/orders/${id}/options/${optionId}`, body),
  removeOption: (id: number, optionId: number) => api.del<void>(`/orders/${id}/options/${optionId}`),
  upload: (id: number, file: File) =>
    uploadFile<OrderDocument>(`/orders/${id}/documents?file_name=${encodeURIComponent(file.name)}`, file, 'application/octet-stream'),
  approvals: (q: Query) => api.get<Page<Approval>>('/orders/approvals', q),
  metrics: (q: Query) => api.get<Metrics>('/orders/stats/cycle-time', q),
  limits: () => api.get<Setting & { limits_pct: Record<string, Record<string, number>> }>('/orders/config/discount-limits'),
  putLimits: (config: S['OrderSettingInput']['config'], version: number) => api.put<Setting>('/orders/config/discount-limits', { config, version }),
  steps: () => api.get<Setting>('/orders/config/steps'),
  putSteps: (config: S['OrderSettingInput']['config'], version: number) => api.put<Setting>('/orders/config/steps', { config, version }),
  products: (q: Query) => api.get<Page<Product>>('/products', q),
  product: (id: number) => api.get<Product>(`/products/${id}`),
  createProduct: (body: unknown) => api.post<Product>('/products', body),
  updateProduct: (id: number, body: unknown) => api.patch<Product>(`/products/${id}`, body),
  productVersions: (id: number) => api.get<Page<ProductVersion>>(`/products/${id}/versions`),
};
