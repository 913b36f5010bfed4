import { describe, expect, it } from 'vitest';
import { auditChanges } from './auditChanges';

describe('auditChanges', () => {
  it('lists changed fields, leaving out bookkeeping', () => {
    const c = auditChanges({ before: { address: 'a', version: 1, name: 'n' }, after: { address: 'b', version: 2, name: 'n' } });
    expect(c).toEqual([{ field: 'address', before: 'a', after: 'b' }]);
  });
  it('handles creates and deletes', () => {
    expect(auditChanges({ before: null, after: { subject: '拜访' } })).toEqual([{ field: 'subject', before: null, after: '拜访' }]);
    expect(auditChanges({ before: { subject: 'x' }, after: null })).toEqual([{ field: 'subject', before: 'x', after: null }]);
    expect(auditChanges({ before: null, after: null })).toEqual([]);
  });
});
