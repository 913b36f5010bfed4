import { describe, expect, it } from 'vitest';
import { changedFields } from './diff';

describe('changedFields', () => {
  it('keeps only what changed, treating empty text as null', () => {
    const before = { name: '南京银行', address: null, employees: 10, note: 'x' };
    expect(changedFields(before, { name: '南京银行 ', address: '', employees: 12, note: '' })).toEqual({ employees: 12, note: null });
  });
});
