// The customer list's filter lives in the URL, so a filtered list can be bookmarked and shared.
// These functions convert between the URL query, the filter and the API's query.

export const FILTER_KEYS = ['q', 'region', 'industry', 'org_type', 'status', 'manager', 'kind', 'tier', 'sort'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type CustomerFilter = Record<FilterKey, string>;

export const SORTABLE = ['name', 'employees', 'created_at', 'updated_at'] as const;
export const DEFAULT_SORT = 'name';
/** Value tiers of the latest computed month (the API's `tier` filter). */
export const TIERS = ['gold', 'silver', 'bronze', 'do_not_serve'] as const;

type QueryValue = string | null | undefined | (string | null)[];

export function emptyFilter(): CustomerFilter {
  return { q: '', region: '', industry: '', org_type: '', status: '', manager: '', kind: '', tier: '', sort: '' };
}

/** Reads the filter from a route query; unknown keys and repeated values are ignored. */
export function filterFromQuery(query: Record<string, QueryValue>): CustomerFilter {
  const f = emptyFilter();
  for (const k of FILTER_KEYS) {
    const v = query[k];
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string') f[k] = s.trim();
  }
  if (f.manager && !/^\d+$/.test(f.manager)) f.manager = '';
  if (f.tier && !TIERS.includes(f.tier as (typeof TIERS)[number])) f.tier = '';
  if (f.sort && !SORTABLE.includes(f.sort.replace(/^-/, '') as (typeof SORTABLE)[number])) f.sort = '';
  return f;
}

/** The route query for a filter: only what is set, so URLs stay short. */
export function filterToQuery(f: Partial<CustomerFilter>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = f[k]?.trim();
    if (v) out[k] = v;
  }
  return out;
}

/** The API query for one page of the list. */
export function apiQuery(f: CustomerFilter, limit: number, cursor?: string | null): Record<string, string | number> {
  const q: Record<string, string | number> = { ...filterToQuery(f), limit };
  if (!q.sort) q.sort = DEFAULT_SORT;
  if (cursor) q.cursor = cursor;
  return q;
}

/** Element Plus table sort state ↔ the API's sort parameter ("name", "-employees"). */
export function sortToTable(sort: string): { prop: string; order: 'ascending' | 'descending' } {
  const s = sort || DEFAULT_SORT;
  return s.startsWith('-') ? { prop: s.slice(1), order: 'descending' } : { prop: s, order: 'ascending' };
}

export function tableToSort(prop: string | null, order: 'ascending' | 'descending' | null): string {
  if (!prop || !order) return '';
  const s = order === 'descending' ? `-${prop}` : prop;
  return s === DEFAULT_SORT ? '' : s;
}

/** Two filters select the same customers (used to skip reloads). */
export function sameFilter(a: CustomerFilter, b: CustomerFilter): boolean {
  return FILTER_KEYS.every((k) => a[k] === b[k]);
}
