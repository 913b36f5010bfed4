import { describe, expect, it } from 'vitest';
import { apiQuery, emptyFilter, filterFromQuery, filterToQuery, sameFilter, sortToTable, tableToSort } from './filters';

describe('customer filter ↔ URL', () => {
  it('round-trips through the URL query', () => {
    const f = { ...emptyFilter(), q: '南京', status: 'active', region: '320100', manager: '6', sort: '-employees' };
    const q = filterToQuery(f);
    expect(q).toEqual({ q: '南京', status: 'active', region: '320100', manager: '6', sort: '-employees' });
    expect(filterFromQuery(q)).toEqual(f);
  });
  it('leaves out what is not set and ignores unknown keys', () => {
    expect(filterToQuery(emptyFilter())).toEqual({});
    expect(filterFromQuery({ tab: 'x', q: '  银行 ' })).toEqual({ ...emptyFilter(), q: '银行' });
  });
  it('takes the first of repeated values and drops malformed ones', () => {
    expect(filterFromQuery({ q: ['a', 'b'], manager: 'abc', sort: 'password' })).toEqual({ ...emptyFilter(), q: 'a' });
  });
  it('builds the API query with the default sort and the cursor', () => {
    expect(apiQuery({ ...emptyFilter(), q: '华' }, 20)).toEqual({ q: '华', limit: 20, sort: 'name' });
    expect(apiQuery({ ...emptyFilter(), sort: '-updated_at' }, 50, 'CUR')).toEqual({ sort: '-updated_at', limit: 50, cursor: 'CUR' });
  });
  it('keeps a known value tier and drops an unknown one', () => {
    expect(filterFromQuery({ tier: 'gold' })).toEqual({ ...emptyFilter(), tier: 'gold' });
    expect(filterToQuery({ ...emptyFilter(), tier: 'do_not_serve' })).toEqual({ tier: 'do_not_serve' });
    expect(filterFromQuery({ tier: 'platinum' })).toEqual(emptyFilter());
  });
  it('compares filters', () => {
    expect(sameFilter(emptyFilter(), { ...emptyFilter() })).toBe(true);
    expect(sameFilter(emptyFilter(), { ...emptyFilter(), kind: 'group' })).toBe(false);
  });
});

describe('table sort ↔ API sort', () => {
  it('maps both ways', () => {
    expect(sortToTable('')).toEqual({ prop: 'name', order: 'ascending' });
    expect(sortToTable('-employees')).toEqual({ prop: 'employees', order: 'descending' });
    expect(tableToSort('employees', 'descending')).toBe('-employees');
    expect(tableToSort('name', 'ascending')).toBe('');
    expect(tableToSort('name', 'descending')).toBe('-name');
    expect(tableToSort('name', null)).toBe('');
  });
});
