// The workbench's own calls: the open and overdue items of the signed-in user (or a supervisor's
// team) from every area; the summary itself is archiveApi.workbench().
import { api } from './client';

export type WorkItemKind = 'alert_task' | 'care_task' | 'next_step' | 'work_order' | 'order_step' | 'approval';
export const WORK_ITEM_KINDS: WorkItemKind[] = ['alert_task', 'care_task', 'next_step', 'work_order', 'order_step', 'approval'];

export interface WorkItem {
  kind: WorkItemKind;
  id: number;
  title: string;
  state: string;
  customer_id: number;
  customer_name: string;
  owner_id: number;
  owner_name: string | null;
  due_at: string | null;
  due_date: string | null;
  overdue: boolean;
  order_id: number | null;
}

export interface OpenOverdue {
  open: number;
  overdue: number;
}

export interface OwnerItems extends OpenOverdue {
  user_id: number;
  name: string;
  role: string;
  by_kind: Record<string, OpenOverdue>;
}

export interface WorkItems {
  scope: 'me' | 'team';
  now: string;
  today: string;
  kinds: WorkItemKind[];
  counts: OpenOverdue & { by_kind: Record<string, OpenOverdue> };
  items: WorkItem[];
  total: number;
  by_owner: OwnerItems[];
}

/** The service desk's queue of the caller's team (present once the service desk is). */
export interface WorkOrderQueue {
  team: { id: number; name: string };
  counts: Record<string, number>;
  breached: number;
}

export const workbenchApi = {
  items: (scope: 'me' | 'team' = 'me', limit = 50) => api.get<WorkItems>('/workbench/items', { scope, limit }),
  queue: () => api.get<WorkOrderQueue>('/work-orders/queue', { limit: 1 }),
};
