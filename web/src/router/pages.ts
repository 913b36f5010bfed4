// Every page of the workspace, in one table: where it lives, who may open it, and where it sits
// in the side menu. A later area adds its views here (and its messages to both catalogues);
// the router and the menu are built from this list.
import type { Component } from 'vue';
import type { RouteComponent } from 'vue-router';
import { Bell, SetUp, Histogram, PieChart, Calendar } from '@element-plus/icons-vue'; // warn
import { Goods, Stamp, Tickets, Timer } from '@element-plus/icons-vue';
import { Headset, Service, List, Star, Reading } from '@element-plus/icons-vue'; // desk
import {
  DataAnalysis, DataBoard, OfficeBuilding, Operation, Setting, TrendCharts, Upload, User, UserFilled, Files, MapLocation,
} from '@element-plus/icons-vue';

export interface MenuEntry {
  /** Message key of the label. */
  label: string;
  icon: Component;
  /** Sort order within its group (smaller first). */
  order: number;
  /** Optional submenu (message key of the group label); pages with the same group sit together. */
  group?: string;
}

export interface PageDef {
  name: string;
  path: string;
  component: () => Promise<RouteComponent | { default: RouteComponent }>;
  /** Permission from the session's `permissions`; absent = any signed-in user. */
  perm?: string;
  menu?: MenuEntry;
  /** Page title message key (document title). */
  title: string;
}

export const MENU_GROUPS: Record<string, { label: string; icon: Component; order: number }> = {
  value: { label: 'menu.value', icon: TrendCharts, order: 30 },
  admin: { label: 'menu.admin', icon: Setting, order: 90 },
  orders: { label: 'orders.menu', icon: Tickets, order: 40 },
  warn: { label: 'warn.menu.group', icon: Bell, order: 25 },
  desk: { label: 'desk.menu', icon: Service, order: 35 },
};

/**
 * One row of the table: the page's name, path, title (also its menu label), permission (null: any
 * signed-in user), view, and, for a page in the side menu, its icon, order and group.
 */
function page(
  name: string, path: string, title: string, perm: string | null, component: PageDef['component'],
  menu?: [icon: Component, order: number, group?: string],
): PageDef {
  const def: PageDef = { name, path, title, component };
  if (perm) def.perm = perm;
  if (menu) {
    const [icon, order, group] = menu;
    def.menu = group ? { label: title, icon, order, group } : { label: title, icon, order };
  }
  return def;
}

export const pages: PageDef[] = [
  // 服务与投诉 (SPEC §4): hotline, team queue, work orders, callbacks, satisfaction, knowledge base.
  page('desk-hotline', '/service/hotline', 'desk.hotline', 'workorder.create', () => import('@/views/service/HotlineView.vue'), [Headset, 10, 'desk']),
  page('desk-queue', '/service/queue', 'desk.queue', 'workorder.work', () => import('@/views/service/QueueView.vue'), [List, 20, 'desk']),
  page('desk-work-order', '/service/work-orders/:id(\\d+)', 'desk.workOrder', 'workorder.create', () => import('@/views/service/WorkOrderView.vue')),
  page('desk-surveys', '/service/surveys', 'desk.surveys', 'survey.work', () => import('@/views/service/SurveysView.vue'), [Star, 30, 'desk']),
  page('desk-satisfaction', '/service/satisfaction', 'desk.satisfaction', 'satisfaction.read', () => import('@/views/service/SatisfactionView.vue'), [DataAnalysis, 40, 'desk']),
  page('desk-knowledge', '/service/knowledge', 'desk.knowledge', null, () => import('@/views/service/KnowledgeView.vue'), [Reading, 50, 'desk']),
  page('workbench', '/workbench', 'menu.workbench', 'archive.read', () => import('@/views/workbench/WorkbenchView.vue'), [DataBoard, 10]),
  page('customers', '/customers', 'menu.customers', 'archive.read', () => import('@/views/customers/CustomerListView.vue'), [OfficeBuilding, 20]),
  page('customer', '/customers/:id(\\d+)', 'menu.customers', 'archive.read', () => import('@/views/customers/CustomerView.vue')),
  page('analysis', '/analysis', 'menu.analysis', 'analysis.read', () => import('@/views/analysis/AnalysisView.vue'), [DataAnalysis, 10, 'value']),
  page('usage-imports', '/usage/imports', 'menu.usageImport', 'usage.import', () => import('@/views/usage/UsageImportView.vue'), [Upload, 20, 'value']),
  // Everyone with the analysis reads the rules; value.configure edits them (checked on the page).
  page('value-rules', '/value/rules', 'menu.valueRules', 'analysis.read', () => import('@/views/value/ValueRulesView.vue'), [Operation, 30, 'value']),
  // 流失预测: analysts, supervisors and admins (churn.manage) train and choose the model.
  page('churn', '/churn', 'churn.title', 'churn.manage', () => import('@/views/churn/ChurnView.vue'), [DataAnalysis, 40, 'value']),
  page('users', '/admin/users', 'menu.users', 'users.manage', () => import('@/views/admin/UsersView.vue'), [UserFilled, 10, 'admin']),
  page('teams', '/admin/teams', 'menu.teams', 'users.manage', () => import('@/views/admin/TeamsView.vue'), [MapLocation, 20, 'admin']),
  page('audit', '/admin/audit', 'menu.audit', 'audit.read', () => import('@/views/admin/AuditView.vue'), [Files, 30, 'admin']),
  page('orders', '/orders', 'orders.board', 'order.write', () => import('@/views/orders/OrderBoardView.vue'), [Tickets, 10, 'orders']),
  page('order', '/orders/:id(\\d+)', 'orders.title', 'order.write', () => import('@/views/orders/OrderView.vue')),
  page('order-approvals', '/orders/approvals', 'orders.approvals', 'order.approve', () => import('@/views/orders/ApprovalInboxView.vue'), [Stamp, 20, 'orders']),
  page('order-stats', '/orders/stats', 'orders.stats', 'analysis.read', () => import('@/views/orders/OrderStatsView.vue'), [Timer, 30, 'orders']),
  page('products', '/products', 'orders.catalogue', 'archive.read', () => import('@/views/orders/ProductCatalogueView.vue'), [Goods, 40, 'orders']),
  page('alert-tasks', '/alerts/tasks', 'warn.menu.inbox', 'archive.read', () => import('@/views/alerts/InboxView.vue'), [Bell, 10, 'warn']),
  // Everyone who sees tasks reads the rules; supervisors and admins edit them (checked on the page).
  page('alert-rules', '/alerts/rules', 'warn.menu.rules', 'archive.read', () => import('@/views/alerts/RulesView.vue'), [SetUp, 20, 'warn']),
  // The supervisor view: care.manage is the supervisors' and admins' permission.
  page('alert-dashboard', '/alerts/dashboard', 'warn.menu.dashboard', 'care.manage', () => import('@/views/alerts/DashboardView.vue'), [Histogram, 30, 'warn']),
  page('zones', '/alerts/zones', 'warn.menu.zones', 'archive.read', () => import('@/views/alerts/ZonesView.vue'), [PieChart, 40, 'warn']),
  page('care', '/care', 'warn.menu.care', 'care.work', () => import('@/views/alerts/CareView.vue'), [Calendar, 50, 'warn']),
  page('account', '/account', 'menu.account', null, () => import('@/views/auth/AccountView.vue'), [User, 100]),
];

export type Can = (perm: string) => boolean;

export const allowed = (p: PageDef, can: Can) => !p.perm || can(p.perm);

/** The page a route name belongs to, when the user may not open it (the shell shows "forbidden"). */
export function forbiddenPage(name: unknown, can: Can): PageDef | null {
  const p = pages.find((x) => x.name === name);
  return p && !allowed(p, can) ? p : null;
}

export interface MenuItem {
  key: string;
  label: string;
  icon: Component;
  path?: string;
  children?: MenuItem[];
}

/** The side menu for a user: allowed pages, grouped and ordered. */
export function menuFor(can: Can): MenuItem[] {
  const top: (MenuItem & { order: number })[] = [];
  const groups = new Map<string, (MenuItem & { order: number })>();
  const visible = pages.filter((p) => p.menu && allowed(p, can)).sort((a, b) => a.menu!.order - b.menu!.order);
  for (const p of visible) {
    const m = p.menu!;
    const item = { key: p.name, label: m.label, icon: m.icon, path: p.path, order: m.order };
    if (!m.group) {
      top.push(item);
      continue;
    }
    let g = groups.get(m.group);
    if (!g) {
      const def = MENU_GROUPS[m.group];
      g = { key: m.group, label: def.label, icon: def.icon, order: def.order, children: [] };
      groups.set(m.group, g);
      top.push(g);
    }
    g.children!.push(item);
  }
  return top.sort((a, b) => a.order - b.order).map(({ order: _o, ...rest }) => rest);
}

/** Each role's home when it may open it: service agents work their team's queue, analysts the
 * value analysis; the others (and these, without the page) the first page of their menu. */
const ROLE_HOMES: Record<string, string> = { service_agent: 'desk-queue', analyst: 'analysis' };

/** Where "/" leads: the role's home, else the first page in the menu the user may open. */
export function homePath(can: Can, role?: string): string {
  const home = role ? pages.find((p) => p.name === ROLE_HOMES[role]) : undefined;
  if (home && allowed(home, can)) return home.path;
  const first = pages.filter((p) => p.menu && allowed(p, can)).sort((a, b) => a.menu!.order - b.menu!.order);
  const pick = first.find((p) => !p.menu!.group) ?? first[0];
  return pick ? pick.path : '/account';
}
