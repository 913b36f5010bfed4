// The workbench's own calls: the open and overdue items of the signed-in user (or a supervisor's
// team) from every area; the summary itself is archiveApi.workbench().
import { api } from './client';
import type { Queue } from './desk';
import type { Refine, Schemas as S, Sent } from './schema';

export type WorkItemKind = Sent<S['WorkItem']>['kind'];
export const WORK_ITEM_KINDS: WorkItemKind[] = ['alert_task', 'care_task', 'next_step', 'work_order', 'order_step', 'approval'];

export type WorkItem = Sent<S['WorkItem']>;

/** How many items are open, and how many of those overdue (counts and by_owner: objects without properties in the schema). */
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

export type WorkItems = Refine<Sent<S['WorkItems']>, {
  kinds: WorkItemKind[];
  counts: OpenOverdue & { by_kind: Record<string, OpenOverdue> };
  by_owner: OwnerItems[];
}>;

/** The service desk's queue of the caller's team (present once the service desk is). */
export type WorkOrderQueue = Queue;

export const workbenchApi = {
  items: (scope: 'me' | 'team' = 'me', limit = 50) => api.get<WorkItems>('/workbench/items', { scope, limit }),
  queue: () => api.get<WorkOrderQueue>('/work-orders/queue', { limit: 1 }),
};
