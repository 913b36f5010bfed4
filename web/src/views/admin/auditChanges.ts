// What one audit entry changed, field by field (a create has only "after", a delete only "before").
import type { AuditEntry } from '@/api/types';

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

const SKIP = new Set(['version', 'updated_at', 'created_at', 'search_text', 'password_hash']);

export function auditChanges(e: Pick<AuditEntry, 'before' | 'after'>): FieldChange[] {
  const b = e.before ?? {};
  const a = e.after ?? {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !SKIP.has(k)).sort();
  return keys
    .map((field) => ({ field, before: b[field] ?? null, after: a[field] ?? null }))
    .filter((c) => JSON.stringify(c.before) !== JSON.stringify(c.after));
}
