// A record field's name in the user's language (for error messages and the audit log): the
// entity's own catalogue section first, then the others, then a few fields every record has.
import { i18n } from '@/locales';

const SECTIONS: Record<string, string> = {
  customer: 'customer', member: 'c360.member', key_person: 'c360.kp', contract: 'c360.contract', contact: 'c360.timeline',
  need: 'c360.need', user: 'admin.users', team: 'admin.teams', handover: 'c360.handover', value_config: 'valueRules.fields',
};
const FALLBACK = ['customer', 'c360.timeline', 'c360.member', 'c360.kp', 'c360.contract', 'c360.need', 'admin.users', 'admin.teams', 'auth', 'fields'];

export function fieldLabel(field: string, entity?: string): string {
  const { t, te } = i18n.global;
  const sections = entity && SECTIONS[entity] ? [SECTIONS[entity], 'fields', ...FALLBACK] : ['fields', ...FALLBACK];
  for (const s of sections) {
    for (const f of [field, field.replace(/_(id|fen|code)$/, '')]) {
      const key = `${s}.${f}`;
      if (te(key) && typeof i18n.global.tm(key) === 'string') return t(key);
    }
  }
  return field;
}

/** Which enum catalogue a field's values come from, per entity. */
const ENUMS: Record<string, Record<string, string>> = {
  customer: { status: 'customerStatus', org_type: 'orgType', kind: 'customerKind', brand: 'brand', sensitivity: 'sensitivity' },
  member: { status: 'memberStatus', kind: 'memberKind', grade: 'memberGrade' },
  key_person: { level: 'kpLevel', attitude: 'attitude' },
  contract: { status: 'contractStatus' },
  contact: { channel: 'channel', outcome: 'outcome' },
  need: { kind: 'needKind', category: 'needCategory', status: 'needStatus' },
  user: { role: 'role', active: 'active' },
  handover: { role: 'handoverRole', status: 'handoverStatus' },
};

export function enumGroup(entity: string, field: string): string | undefined {
  return ENUMS[entity]?.[field];
}
