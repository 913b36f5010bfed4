// Layout of the decision chain: each key person sits one row below whom they report to;
// people with nobody above (or whose chain loops or leaves this customer) start a row-0 tree.
import type { KeyPerson } from '@/api/types';

export interface Placed {
  id: number;
  depth: number;
  x: number;
  y: number;
}

export function layoutChain(people: Pick<KeyPerson, 'id' | 'reports_to_id'>[], dx = 150, dy = 110): Placed[] {
  const byId = new Map(people.map((p) => [p.id, p]));
  const parentOf = (id: number): number | null => {
    const up = byId.get(id)?.reports_to_id;
    return up != null && byId.has(up) && up !== id ? up : null;
  };
  // Depth with cycle protection: a chain that revisits a person is cut there.
  const depth = new Map<number, number>();
  for (const p of people) {
    const seen = new Set<number>([p.id]);
    let d = 0;
    let cur = parentOf(p.id);
    while (cur !== null && !seen.has(cur)) {
      seen.add(cur);
      d++;
      cur = parentOf(cur);
    }
    depth.set(p.id, d);
  }
  const children = new Map<number | null, number[]>();
  for (const p of people) {
    const up = depth.get(p.id) === 0 ? null : parentOf(p.id);
    if (!children.has(up)) children.set(up, []);
    children.get(up)!.push(p.id);
  }
  // Leaves take consecutive columns; a parent is centred over its children.
  const out = new Map<number, Placed>();
  let column = 0;
  const place = (id: number): number => {
    const kids = children.get(id) ?? [];
    let x: number;
    if (!kids.length) x = column++ * dx;
    else {
      const xs = kids.map(place);
      x = (Math.min(...xs) + Math.max(...xs)) / 2;
    }
    out.set(id, { id, depth: depth.get(id)!, x, y: depth.get(id)! * dy });
    return x;
  };
  for (const root of children.get(null) ?? []) place(root);
  // Anything not reached (should not happen) goes at the end of row 0.
  for (const p of people) if (!out.has(p.id)) out.set(p.id, { id: p.id, depth: 0, x: column++ * dx, y: 0 });
  return people.map((p) => out.get(p.id)!);
}
