// Routes come from the page table; the guard restores the session, sends strangers to the
// login page (remembering where they were going) and keeps pages to the roles that may use them.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { setUnauthenticatedHandler } from '@/api/client';
import { useSessionStore } from '@/stores/session';
import { i18n } from '@/locales';
import { forbiddenPage, homePath, pages } from './pages';

const appRoutes: RouteRecordRaw[] = pages.map((p) => ({
  path: p.path,
  name: p.name,
  component: p.component,
  meta: { perm: p.perm, title: p.title },
}));

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/auth/LoginView.vue'), meta: { public: true, title: 'auth.title' } },
  {
    path: '/',
    component: () => import('@/layouts/AppShell.vue'),
    children: [
      { path: '', name: 'home', redirect: () => homePath(useSessionStore().can, useSessionStore().user?.role) },
      ...appRoutes.map((r) => ({ ...r, path: r.path.slice(1) })),
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { title: 'errors.pageNotFound' } },
    ],
  },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach(async (to) => {
  const session = useSessionStore();
  if (!session.checked) await session.restore().catch(() => undefined);
  if (to.meta.public) {
    if (to.name === 'login' && session.signedIn) return (to.query.redirect as string) || '/';
    return true;
  }
  if (!session.signedIn) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  // A page the role may not use stays at its address; the shell shows "forbidden" instead of it.
  return true;
});

router.afterEach((to) => {
  const key = forbiddenPage(to.name, useSessionStore().can) ? 'errors.forbiddenTitle' : (to.meta.title as string | undefined);
  const t = i18n.global.t;
  document.title = key ? `${t(key)} · ${t('app.short')}` : t('app.short');
});

// A 401 on any call means the session ended (expired, revoked): back to login, then back here.
setUnauthenticatedHandler(() => {
  const session = useSessionStore();
  session.sessionEnded();
  const current = router.currentRoute.value;
  if (current.name !== 'login') {
    router.push({ name: 'login', query: { redirect: current.fullPath } });
  }
});
