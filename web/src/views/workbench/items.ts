// Where each kind of workbench item opens, and how the list is grouped.
import type { WorkItem, WorkItemKind, OwnerItems } from '@/api/workbench';

/** The page an item opens: the task in the alert inbox, the care calendar, the customer's timeline,
 *  the work order (or the customer's service tab while no work-order page exists), the order,
 *  the approval inbox. `has(name)` tells whether a route of that name exists. */
export function itemLink(i: WorkItem, has: (name: string) => boolean): string {
  switch (i.kind) {
    case 'alert_task':
      return `/alerts/tasks?task=${i.id}`;
    case 'care_task':
      return has('care') ? '/care' : `/customers/${i.customer_id}`;
    case 'next_step':
      return `/customers/${i.customer_id}?tab=timeline`;
    case 'work_order':
      return has('work-order') ? `/work-orders/${i.id}` : `/customers/${i.customer_id}?tab=service`;
    case 'order_step':
      return `/orders/${i.order_id ?? i.id}`;
    case 'approval':
      return has('order-approvals') ? '/orders/approvals' : `/orders/${i.order_id}`;
  }
}

/** Items of one kind, or all when kind is empty; overdue only when asked. */
export function filterItems(items: WorkItem[], kind: WorkItemKind | '', overdueOnly: boolean): WorkItem[] {
  return items.filter((i) => (!kind || i.kind === kind) && (!overdueOnly || i.overdue));
}

/** One row per team member for the supervisor's table, with the alert retention rate by manager
 *  (from the alert-task summary) beside their open and overdue items. */
export function teamRows(owners: OwnerItems[], retention: { key: string | null; retention_rate: number | null }[]) {
  const rate = new Map(retention.filter((r) => r.key !== null).map((r) => [String(r.key), r.retention_rate]));
  return owners.map((o) => ({ ...o, retention_rate: rate.get(String(o.user_id)) ?? null }));
}
