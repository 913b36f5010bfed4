import { describe, expect, it } from 'vitest';
import { forbiddenPage, homePath, menuFor, pages } from './pages';

const perms = (...p: string[]) => (x: string) => p.includes(x);

describe('the page table', () => {
  it('gives a manager the workbench and customers, no administration', () => {
    const menu = menuFor(perms('archive.read', 'archive.write'));
    expect(menu.map((m) => m.key)).toEqual(['workbench', 'customers', 'warn', 'desk', 'orders', 'account']);
    expect(menu.find((m) => m.key === 'warn')!.children!.map((c) => c.key)).toEqual(['alert-tasks', 'alert-rules', 'zones']);
    expect(homePath(perms('archive.read'))).toBe('/workbench');
  });
  it('groups administration pages under one submenu by permission', () => {
    const admin = menuFor(perms('archive.read', 'users.manage', 'audit.read'));
    expect(admin.find((m) => m.key === 'admin')!.children!.map((c) => c.key)).toEqual(['users', 'teams', 'audit']);
    const supervisor = menuFor(perms('archive.read', 'audit.read'));
    // The warning dashboard is the supervisors' (care.manage); the care page needs care.work.
    expect(menuFor(perms('archive.read', 'care.work', 'care.manage')).find((m) => m.key === 'warn')!.children!.map((c) => c.key))
      .toEqual(['alert-tasks', 'alert-rules', 'alert-dashboard', 'zones', 'care']);
    expect(supervisor.find((m) => m.key === 'admin')!.children!.map((c) => c.key)).toEqual(['audit']);
  });
  it('sends a role without pages to its account; the knowledge base is open to every role', () => {
    const none = menuFor(perms());
    expect(none.map((m) => m.key)).toEqual(['desk', 'account']);
    expect(none.find((m) => m.key === 'desk')!.children!.map((c) => c.key)).toEqual(['desk-knowledge']);
    expect(homePath(perms())).toBe('/account');
  });
  it('sends service agents to their queue and analysts to the analysis, when they may open them', () => {
    expect(homePath(perms('archive.read', 'workorder.work'), 'service_agent')).toBe('/service/queue');
    expect(homePath(perms('archive.read', 'analysis.read'), 'analyst')).toBe('/analysis');
    expect(homePath(perms('archive.read'), 'analyst')).toBe('/workbench');
    expect(homePath(perms('archive.read', 'analysis.read'), 'account_manager')).toBe('/workbench');
  });
  it('gives managers the analysis and the rules, analysts the import too', () => {
    const manager = menuFor(perms('archive.read', 'archive.write', 'analysis.read'));
    expect(manager.find((m) => m.key === 'value')!.children!.map((c) => c.key)).toEqual(['analysis', 'value-rules']);
    const analyst = menuFor(perms('archive.read', 'analysis.read', 'usage.import', 'value.configure'));
    expect(analyst.map((m) => m.key)).toEqual(['workbench', 'customers', 'warn', 'value', 'desk', 'orders', 'account']);
    expect(analyst.find((m) => m.key === 'value')!.children!.map((c) => c.key)).toEqual(['analysis', 'usage-imports', 'value-rules']);
  });
  it('names the page a role may not open, and only that', () => {
    expect(forbiddenPage('usage-imports', perms('archive.read', 'analysis.read'))?.path).toBe('/usage/imports');
    expect(forbiddenPage('usage-imports', perms('usage.import'))).toBeNull();
    expect(forbiddenPage('not-found', perms())).toBeNull();
    expect(forbiddenPage('account', perms())).toBeNull();
  });
  it('has unique names and paths', () => {
    expect(new Set(pages.map((p) => p.name)).size).toBe(pages.length);
    expect(new Set(pages.map((p) => p.path)).size).toBe(pages.length);
  });
});
