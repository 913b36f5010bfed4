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

export const pages: PageDef[] = [
  // 服务与投诉 (SPEC §4): hotline, team queue, work orders, callbacks, satisfaction, knowledge base.
  {
    name: 'desk-hotline', path: '/service/hotline', title: 'desk.hotline', perm: 'workorder.create',
    component: () => import('@/views/service/HotlineView.vue'),
    menu: { label: 'desk.hotline', icon: Headset, order: 10, group: 'desk' },
  },
  {
    name: 'desk-queue', path: '/service/queue', title: 'desk.queue', perm: 'workorder.work',
    component: () => import('@/views/service/QueueView.vue'),
    menu: { label: 'desk.queue', icon: List, order: 20, group: 'desk' },
  },
  {
    name: 'desk-work-order', path: '/service/work-orders/:id(\\d+)', title: 'desk.workOrder', perm: 'workorder.create',
    component: () => import('@/views/service/WorkOrderView.vue'),
  },
  {
    name: 'desk-surveys', path: '/service/surveys', title: 'desk.surveys', perm: 'survey.work',
    component: () => import('@/views/service/SurveysView.vue'),
    menu: { label: 'desk.surveys', icon: Star, order: 30, group: 'desk' },
  },
  {
    name: 'desk-satisfaction', path: '/service/satisfaction', title: 'desk.satisfaction', perm: 'satisfaction.read',
    component: () => import('@/views/service/SatisfactionView.vue'),
    menu: { label: 'desk.satisfaction', icon: DataAnalysis, order: 40, group: 'desk' },
  },
  {
    name: 'desk-knowledge', path: '/service/knowledge', title: 'desk.knowledge',
    component: () => import('@/views/service/KnowledgeView.vue'),
    menu: { label: 'desk.knowledge', icon: Reading, order: 50, group: 'desk' },
  },
  {
    name: 'workbench', path: '/workbench', title: 'menu.workbench', perm: 'archive.read',
    component: () => import('@/views/workbench/WorkbenchView.vue'),
    menu: { label: 'menu.workbench', icon: DataBoard, order: 10 },
  },
  {
    name: 'customers', path: '/customers', title: 'menu.customers', perm: 'archive.read',
    component: () => import('@/views/customers/CustomerListView.vue'),
    menu: { label: 'menu.customers', icon: OfficeBuilding, order: 20 },
  },
  {
    name: 'customer', path: '/customers/:id(\\d+)', title: 'menu.customers', perm: 'archive.read',
    component: () => import('@/views/customers/CustomerView.vue'),
  },
  {
    name: 'analysis', path: '/analysis', title: 'menu.analysis', perm: 'analysis.read',
    component: () => import('@/views/analysis/AnalysisView.vue'),
    menu: { label: 'menu.analysis', icon: DataAnalysis, order: 10, group: 'value' },
  },
  {
    name: 'usage-imports', path: '/usage/imports', title: 'menu.usageImport', perm: 'usage.import',
    component: () => import('@/views/usage/UsageImportView.vue'),
    menu: { label: 'menu.usageImport', icon: Upload, order: 20, group: 'value' },
  },
  {
    // Everyone with the analysis reads the rules; value.configure edits them (checked on the page).
    name: 'value-rules', path: '/value/rules', title: 'menu.valueRules', perm: 'analysis.read',
    component: () => import('@/views/value/ValueRulesView.vue'),
    menu: { label: 'menu.valueRules', icon: Operation, order: 30, group: 'value' },
  },
  {
    // 流失预测: analysts, supervisors and admins (churn.manage) train and choose the model.
    name: 'churn', path: '/churn', title: 'churn.title', perm: 'churn.manage',
    component: () => import('@/views/churn/ChurnView.vue'),
    menu: { label: 'churn.title', icon: DataAnalysis, order: 40, group: 'value' },
  },
  {
    name: 'users', path: '/admin/users', title: 'menu.users', perm: 'users.manage',
    component: () => import('@/views/admin/UsersView.vue'),
    menu: { label: 'menu.users', icon: UserFilled, order: 10, group: 'admin' },
  },
  {
    name: 'teams', path: '/admin/teams', title: 'menu.teams', perm: 'users.manage',
    component: () => import('@/views/admin/TeamsView.vue'),
    menu: { label: 'menu.teams', icon: MapLocation, order: 20, group: 'admin' },
  },
  {
    name: 'audit', path: '/admin/audit', title: 'menu.audit', perm: 'audit.read',
    component: () => import('@/views/admin/AuditView.vue'),
    menu: { label: 'menu.audit', icon: Files, order: 30, group: 'admin' },
  },
  {
    name: 'orders', path: '/orders', title: 'orders.board', perm: 'order.write',
    component: () => import('@/views/orders/OrderBoardView.vue'),
    menu: { label: 'orders.board', icon: Tickets, order: 10, group: 'orders' },
  },
  {
    name: 'order', path: '/orders/:id(\\d+)', title: 'orders.title', perm: 'order.write',
    component: () => import('@/views/orders/OrderView.vue'),
  },
  {
    name: 'order-approvals', path: '/orders/approvals', title: 'orders.approvals', perm: 'order.approve',
    component: () => import('@/views/orders/ApprovalInboxView.vue'),
    menu: { label: 'orders.approvals', icon: Stamp, order: 20, group: 'orders' },
  },
  {
    name: 'order-stats', path: '/orders/stats', title: 'orders.stats', perm: 'analysis.read',
    component: () => import('@/views/orders/OrderStatsView.vue'),
    menu: { label: 'orders.stats', icon: Timer, order: 30, group: 'orders' },
  },
  {
    name: 'products', path: '/products', title: 'orders.catalogue', perm: 'archive.read',
    component: () => import('@/views/orders/ProductCatalogueView.vue'),
    menu: { label: 'orders.catalogue', icon: Goods, order: 40, group: 'orders' },
  },
  {
    name: 'alert-tasks', path: '/alerts/tasks', title: 'warn.menu.inbox', perm: 'archive.read',
    component: () => import('@/views/alerts/InboxView.vue'),
    menu: { label: 'warn.menu.inbox', icon: Bell, order: 10, group: 'warn' },
  },
  {
    // Everyone who sees tasks reads the rules; supervisors and admins edit them (checked on the page).
    name: 'alert-rules', path: '/alerts/rules', title: 'warn.menu.rules', perm: 'archive.read',
    component: () => import('@/views/alerts/RulesView.vue'),
    menu: { label: 'warn.menu.rules', icon: SetUp, order: 20, group: 'warn' },
  },
  {
    // The supervisor view: care.manage is the supervisors' and admins' permission.
    name: 'alert-dashboard', path: '/alerts/dashboard', title: 'warn.menu.dashboard', perm: 'care.manage',
    component: () => import('@/views/alerts/DashboardView.vue'),
    menu: { label: 'warn.menu.dashboard', icon: Histogram, order: 30, group: 'warn' },
  },
  {
    name: 'zones', path: '/alerts/zones', title: 'warn.menu.zones', perm: 'archive.read',
    component: () => import('@/views/alerts/ZonesView.vue'),
    menu: { label: 'warn.menu.zones', icon: PieChart, order: 40, group: 'warn' },
  },
  {
    name: 'care', path: '/care', title: 'warn.menu.care', perm: 'care.work',
    component: () => import('@/views/alerts/CareView.vue'),
    menu: { label: 'warn.menu.care', icon: Calendar, order: 50, group: 'warn' },
  },
  {
    name: 'account', path: '/account', title: 'menu.account',
    component: () => import('@/views/auth/AccountView.vue'),
    menu: { label: 'menu.account', icon: User, order: 100 },
  },
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

/** Where "/" leads: the first page in the menu the user may open. */
export function homePath(can: Can): string {
  const first = pages.filter((p) => p.menu && allowed(p, can)).sort((a, b) => a.menu!.order - b.menu!.order);
  const pick = first.find((p) => !p.menu!.group) ?? first[0];
  return pick ? pick.path : '/account';
}
