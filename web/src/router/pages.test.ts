import { describe, expect, it } from 'vitest';
import { homePath, menuFor, pages } from './pages';

const perms = (...p: string[]) => (x: string) => p.includes(x);

describe('the page table', () => {
  it('gives a manager the workbench and customers, no administration', () => {
    const menu = menuFor(perms('archive.read', 'archive.write'));
    expect(menu.map((m) => m.key)).toEqual(['workbench', 'customers', 'account']);
    expect(homePath(perms('archive.read'))).toBe('/workbench');
  });
  it('groups administration pages under one submenu by permission', () => {
    const admin = menuFor(perms('archive.read', 'users.manage', 'audit.read'));
    expect(admin.find((m) => m.key === 'admin')!.children!.map((c) => c.key)).toEqual(['users', 'teams', 'audit']);
    const supervisor = menuFor(perms('archive.read', 'audit.read'));
    expect(supervisor.find((m) => m.key === 'admin')!.children!.map((c) => c.key)).toEqual(['audit']);
  });
  it('sends a role without pages to its account', () => {
    expect(menuFor(perms()).map((m) => m.key)).toEqual(['account']);
    expect(homePath(perms())).toBe('/account');
  });
  it('has unique names and paths', () => {
    expect(new Set(pages.map((p) => p.name)).size).toBe(pages.length);
    expect(new Set(pages.map((p) => p.path)).size).toBe(pages.length);
  });
});
