// What a form changed: the PATCH body holds only those fields (the API audits each one).

const norm = (v: unknown) => (v === '' || v === undefined ? null : typeof v === 'string' ? v.trim() || null : v);

/** The fields of `edited` whose value differs from `original` ('' counts as null, strings trimmed). */
export function changedFields<T extends Record<string, unknown>>(original: Record<string, unknown>, edited: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(edited)) {
    const a = norm(original[k]);
    const b = norm(v);
    if (JSON.stringify(a) !== JSON.stringify(b)) (out as Record<string, unknown>)[k] = b;
  }
  return out;
}
