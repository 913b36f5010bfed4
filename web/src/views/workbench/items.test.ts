import { describe, expect, it } from 'vitest';
import type { OwnerItems, WorkItem } from '@/api/workbench';
import { filterItems, itemLink, teamRows } from './items';

const base: WorkItem = {
  kind: 'alert_task', id: 7, title: 't', state: 'open', customer_id: 42, customer_name: 'c', owner_id: 3, owner_name: 'm',
  due_at: null, due_date: null, overdue: false, order_id: null,
};

describe('workbench item links', () => {
  const all = () => true;
  const none = () => false;
  it('opens each kind on its own page', () => {
    expect(itemLink(base, all)).toBe('/alerts/tasks?task=7');
    expect(itemLink({ ...base, kind: 'care_task' }, all)).toBe('/care');
    expect(itemLink({ ...base, kind: 'next_step' }, all)).toBe('/customers/42?tab=timeline');
    expect(itemLink({ ...base, kind: 'work_order' }, all)).toBe('/work-orders/7');
    expect(itemLink({ ...base, kind: 'order_step', order_id: 9 }, all)).toBe('/orders/9');
    expect(itemLink({ ...base, kind: 'approval', order_id: 9 }, all)).toBe('/orders/approvals');
  });
  it('falls back to the customer or the order when a page is not there', () => {
    expect(itemLink({ ...base, kind: 'care_task' }, none)).toBe('/customers/42');
    expect(itemLink({ ...base, kind: 'work_order' }, none)).toBe('/customers/42?tab=service');
    expect(itemLink({ ...base, kind: 'approval', order_id: 9 }, none)).toBe('/orders/9');
  });
});

describe('workbench item lists', () => {
  const items: WorkItem[] = [
    { ...base, id: 1, overdue: true },
    { ...base, id: 2, kind: 'care_task' },
    { ...base, id: 3, kind: 'care_task', overdue: true },
  ];
  it('filters by kind and overdue', () => {
    expect(filterItems(items, '', false).map((i) => i.id)).toEqual([1, 2, 3]);
    expect(filterItems(items, 'care_task', false).map((i) => i.id)).toEqual([2, 3]);
    expect(filterItems(items, '', true).map((i) => i.id)).toEqual([1, 3]);
    expect(filterItems(items, 'alert_task', true).map((i) => i.id)).toEqual([1]);
  });
  it('puts the retention rate beside each team member', () => {
    const owners: OwnerItems[] = [
      { user_id: 5, name: 'a', role: 'account_manager', open: 3, overdue: 1, by_kind: {} },
      { user_id: 6, name: 'b', role: 'account_manager', open: 0, overdue: 0, by_kind: {} },
    ];
    const rows = teamRows(owners, [{ key: '5', retention_rate: 0.5 }, { key: null, retention_rate: 1 }]);
    expect(rows.map((r) => r.retention_rate)).toEqual([0.5, null]);
  });
});
