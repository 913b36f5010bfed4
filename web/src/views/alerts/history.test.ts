import { describe, expect, it } from 'vitest';
import zhCN from '@/locales/zh-CN';
import en from '@/locales/en';
import { countByDay, dayOfDate, historyParts, isMonth, monthOfDate, monthRange, NOTIFICATION_KINDS, notificationLink } from './logic';

type Tree = { [k: string]: string | Tree };
const lookup = (t: Tree, key: string) => key.split('.').reduce<string | Tree | undefined>((n, k) => (n && typeof n === 'object' ? n[k] : undefined), t);
const both = (key: string) => [lookup(zhCN as unknown as Tree, key), lookup(en as unknown as Tree, key)];

const entry = (action: string, note: string | null = null, extra: Record<string, unknown> = {}) =>
  ({ action, note, at: '2026-11-24T00:00:00Z', to_state: null, user: null, ...extra });

describe('historyParts', () => {
  it('says a close by its outcome, never the raw code, with the reason apart', () => {
    expect(historyParts(entry('close', 'lost: 转网', { outcome: 'lost', reason: '转网' })))
      .toEqual({ actionKey: 'warn.action.close', outcomeKey: 'warn.outcome.lost', detail: '转网' });
    // Older servers only had the note: it is split the same way.
    expect(historyParts(entry('close', 'offer_made: 发了新套餐'))).toEqual({ actionKey: 'warn.action.close', outcomeKey: 'warn.outcome.offer_made', detail: '发了新套餐' });
    expect(historyParts(entry('close', 'retained'))).toEqual({ actionKey: 'warn.action.close', outcomeKey: 'warn.outcome.retained', detail: null });
  });
  it('names system events and handovers from the catalogues', () => {
    expect(historyParts(entry('created')).actionKey).toBe('warn.task.historyAction.created');
    expect(historyParts(entry('escalated')).actionKey).toBe('warn.task.historyAction.escalated');
    expect(historyParts(entry('reminded')).actionKey).toBe('warn.task.historyAction.reminded');
    expect(historyParts(entry('reassign', 'handover'))).toEqual({ actionKey: 'warn.task.historyAction.handover', outcomeKey: null, detail: null });
    expect(historyParts(entry('reassign', '→ 客户经理二'))).toEqual({ actionKey: 'warn.action.reassign', outcomeKey: null, detail: '→ 客户经理二' });
    expect(historyParts(entry('contact', '外呼了解原因')).detail).toBe('外呼了解原因');
    expect(historyParts(entry('something_new')).actionKey).toBeNull();
  });
  it('only hands out keys both catalogues have', () => {
    const keys = ['created', 'escalated', 'reminded', 'accept', 'contact', 'reopen'].map((a) => historyParts(entry(a)).actionKey!);
    for (const o of ['retained', 'offer_made', 'escalated', 'lost']) keys.push(historyParts(entry('close', o)).outcomeKey!);
    keys.push(historyParts(entry('reassign', 'handover')).actionKey!, 'warn.task.historyAction.unknown');
    for (const k of keys) for (const v of both(k)) expect(typeof v, k).toBe('string');
    for (const k of NOTIFICATION_KINDS) for (const v of both(`warn.bell.kind.${k}`)) expect(typeof v, k).toBe('string');
  });
});

describe('notificationLink', () => {
  it('leads to the task drawer or the order', () => {
    expect(notificationLink({ ref_type: 'alert_task', ref_id: 12 })).toBe('/alerts/tasks?task=12');
    expect(notificationLink({ ref_type: 'order', ref_id: 3 })).toBe('/orders/3');
    expect(notificationLink({ ref_type: 'work_order', ref_id: 3 })).toBeNull();
    expect(notificationLink({ ref_type: null, ref_id: null })).toBeNull();
  });
});

describe('care calendar months', () => {
  it('knows the first and last day, leap years included', () => {
    expect(monthRange('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthRange('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthRange('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });
  it('reads the day and month of a calendar date', () => {
    const d = new Date(2026, 0, 5);
    expect(monthOfDate(d)).toBe('2026-01');
    expect(dayOfDate(d)).toBe('2026-01-05');
  });
  it('counts tasks per day', () => {
    expect(countByDay([{ due_date: '2026-03-01' }, { due_date: '2026-03-01' }, { due_date: '2026-03-04' }])).toEqual({ '2026-03-01': 2, '2026-03-04': 1 });
  });
  it('checks a month the way the API does', () => {
    expect(isMonth('2026-11')).toBe(true);
    for (const bad of ['2026-13', '2026-1', '202611', '', '2026-00']) expect(isMonth(bad), bad).toBe(false);
  });
});
