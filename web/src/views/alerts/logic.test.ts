import { describe, expect, it } from 'vitest';
import { activeTasks, countdown, errorSpot, outcomeMix, positionFrom, retentionRate, stateCounts, withoutPosition } from './logic';
import type { AlertTask, SummaryRow } from '@/api/alerts';

describe('countdown', () => {
  const now = new Date('2026-11-24T00:00:00Z');
  it('counts days and hours left', () => {
    expect(countdown('2026-11-26T05:30:00Z', now)).toEqual({ days: 2, hours: 5, overdue: false, soon: false });
  });
  it('is soon under a day and overdue once passed', () => {
    expect(countdown('2026-11-24T10:00:00Z', now)).toMatchObject({ days: 0, hours: 10, soon: true, overdue: false });
    expect(countdown('2026-11-22T23:00:00Z', now)).toMatchObject({ days: 1, hours: 1, overdue: true, soon: false });
  });
});

describe('errorSpot', () => {
  it('turns the API’s 1-based position into line and column', () => {
    const text = 'bill[-2] >= 50 and and';
    const s = errorSpot(text, 20);
    expect(s).toMatchObject({ line: 1, column: 20, at: 'a', before: 'bill[-2] >= 50 and ' });
    expect(s.before + s.at + s.after).toBe(text);
  });
  it('counts lines and Chinese characters as one', () => {
    const text = 'kind == "个人"\n and zz';
    const s = errorSpot(text, 19);
    expect(s).toMatchObject({ line: 2, column: 6, at: 'z' });
  });
  it('clamps a position past the end', () => {
    expect(errorSpot('bill >', 99)).toMatchObject({ line: 1, column: 7, at: ' ' });
  });
});

describe('positionFrom', () => {
  it('reads the position field or the message', () => {
    expect(positionFrom({ position: 7 })).toBe(7);
    expect(positionFrom({ message: "at position 21: unknown field 'bil'" })).toBe(21);
    expect(positionFrom({ message: 'name is required' })).toBeNull();
    expect(withoutPosition("at position 21: unknown field 'bil'")).toBe("unknown field 'bil'");
  });
});

const row = (key: string, total: number, overdue: number, outcomes = { retained: 0, offer_made: 0, escalated: 0, lost: 0 }): SummaryRow =>
  ({ key, label: key, total, active: 0, overdue, closed_on_time: 0, outcomes, retention_rate: null });

describe('summary shaping', () => {
  it('counts states and sums overdue', () => {
    expect(stateCounts([row('open', 5, 2), row('closed', 3, 0), row('contacted', 1, 1)]))
      .toEqual({ open: 5, accepted: 0, contacted: 1, closed: 3, overdue: 3 });
  });
  it('mixes outcomes and gives the retained share', () => {
    const mix = outcomeMix([row('a', 1, 0, { retained: 3, offer_made: 1, escalated: 0, lost: 0 }), row('b', 1, 0, { retained: 1, offer_made: 0, escalated: 1, lost: 2 })]);
    expect(mix).toEqual({ retained: 4, offer_made: 1, escalated: 1, lost: 2 });
    expect(retentionRate(mix)).toBe(0.625);
    expect(retentionRate({ retained: 0, offer_made: 0, escalated: 0, lost: 0 })).toBeNull();
  });
});

describe('activeTasks', () => {
  it('drops closed tasks and orders by deadline', () => {
    const t = (id: number, state: string, deadline_at: string) => ({ id, state, deadline_at }) as unknown as AlertTask;
    expect(activeTasks([t(1, 'open', '2026-12-02'), t(2, 'closed', '2026-11-01'), t(3, 'accepted', '2026-11-30')]).map((x) => x.id)).toEqual([3, 1]);
  });
});
