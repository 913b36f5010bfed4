// The web's API types are the server's: generated/schema.ts is what openapi-typescript makes of
// generated/openapi.json (`kam openapi`), and the modules of this folder name its schemas. The
// expectTypeOf lines are checked by vue-tsc (npm run build), the rest when the tests run.
import { describe, expect, expectTypeOf, it } from 'vitest';
import description from './generated/openapi.json?raw';
import generated from './generated/schema.ts?raw';
import type { paths } from './generated/schema';
import type { Page, Schemas, Sent } from './schema';
import type { Customer, Member, SessionUser, User } from './types';
import { ASSIGNEE_KINDS, OUTCOMES, SEVERITIES, TASK_STATES, type AlertTask, type Severity } from './alerts';
import { WO_STATES, WO_TYPES, type WorkOrder } from './desk';
import { CATEGORIES, STATES } from './orders';
import { WORK_ITEM_KINDS, type WorkItem } from './workbench';

type Property = { enum?: string[]; oneOf?: { enum?: string[] }[] };
type Schema = { properties?: Record<string, Property> };
const schemas = (JSON.parse(description) as { components: { schemas: Record<string, Schema> } }).components.schemas;
const values = (schema: string, property: string) => {
  const p = schemas[schema]?.properties?.[property];
  return [...(p?.enum ?? p?.oneOf?.find((x) => x.enum)?.enum ?? [])].sort();
};

describe('the API types', () => {
  it('are generated from the server description, schema for schema', () => {
    const block = generated.slice(generated.indexOf('export interface components {'));
    const declared = [...block.slice(0, block.indexOf('\n    responses:')).matchAll(/^ {8}(\w+): /gm)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThan(100);
    expect(declared.sort()).toEqual(Object.keys(schemas).sort());
  });

  it('are not written out by hand where the server describes them', () => {
    const modules = import.meta.glob<string>(['./*.ts', '!./*.test.ts'], { query: '?raw', import: 'default', eager: true });
    const handWritten = Object.values(modules).flatMap((src) => [...src.matchAll(/^export interface (\w+)/gm)].map((m) => m[1]));
    const described = (name: string) => Object.keys(schemas[name]?.properties ?? {}).length > 0;
    expect(handWritten.length).toBeGreaterThan(0);
    expect(handWritten.filter(described)).toEqual([]);
  });

  it('offer every value the server allows', () => {
    expect([...TASK_STATES].sort()).toEqual(values('AlertTask', 'state'));
    expect([...SEVERITIES].sort()).toEqual(values('AlertRule', 'severity'));
    expect([...OUTCOMES].sort()).toEqual(values('TaskAction', 'outcome'));
    expect([...ASSIGNEE_KINDS].sort()).toEqual(values('AlertRule', 'assignee'));
    expect([...WO_TYPES].sort()).toEqual(values('WorkOrder', 'type'));
    expect([...WO_STATES].sort()).toEqual(values('WorkOrder', 'state'));
    expect([...WORK_ITEM_KINDS].sort()).toEqual(values('WorkItem', 'kind'));
    expect([...STATES].sort()).toEqual(values('Order', 'state'));
    expect([...CATEGORIES].sort()).toEqual(values('Product', 'category'));
  });

  it('are the generated schemas (checked by vue-tsc)', () => {
    expectTypeOf<Member>().toEqualTypeOf<Sent<Schemas['Member']>>();
    expectTypeOf<User>().toEqualTypeOf<Sent<Schemas['User']>>();
    expectTypeOf<SessionUser['role']>().toEqualTypeOf<NonNullable<Schemas['User']['role']>>();
    expectTypeOf<Customer['org_type']>().toEqualTypeOf<Exclude<Schemas['Customer']['org_type'], undefined>>();
    expectTypeOf<AlertTask['state']>().toEqualTypeOf<NonNullable<Schemas['AlertTask']['state']>>();
    expectTypeOf<Severity>().toEqualTypeOf<'low' | 'medium' | 'high' | 'critical'>();
    expectTypeOf<WorkOrder['priority_label']>().toEqualTypeOf<'P1' | 'P2' | 'P3' | 'P4'>();
    expectTypeOf<WorkItem>().toEqualTypeOf<Sent<Schemas['WorkItem']>>();
    expectTypeOf<Page<Member>>().toEqualTypeOf<
      Sent<paths['/api/v1/customers/{id}/members']['get']['responses'][200]['content']['application/json']>
    >();
  });
});
