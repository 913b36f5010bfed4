import { describe, expect, it } from 'vitest';
import { layoutChain } from './decisionChain';

const p = (id: number, reports_to_id: number | null) => ({ id, reports_to_id });

describe('layoutChain', () => {
  it('puts each person one row below whom they report to, parents centred over children', () => {
    const out = layoutChain([p(1, null), p(2, 1), p(3, 1), p(4, 2)], 100, 50);
    const by = Object.fromEntries(out.map((o) => [o.id, o]));
    expect(by[1].depth).toBe(0);
    expect(by[2].depth).toBe(1);
    expect(by[4].depth).toBe(2);
    expect(by[4].y).toBe(100);
    expect(by[1].x).toBe((by[2].x + by[3].x) / 2);
    expect(new Set(out.map((o) => `${o.x},${o.y}`)).size).toBe(4);
  });
  it('survives cycles, self-references and bosses from elsewhere', () => {
    const out = layoutChain([p(1, 2), p(2, 1), p(3, 3), p(4, 99)]);
    expect(out).toHaveLength(4);
    expect(out.every((o) => Number.isFinite(o.x) && Number.isFinite(o.y))).toBe(true);
    expect(out.find((o) => o.id === 3)!.depth).toBe(0);
    expect(out.find((o) => o.id === 4)!.depth).toBe(0);
  });
});
