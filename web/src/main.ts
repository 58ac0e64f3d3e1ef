/**
 * The wattshift dashboard: a single page served by `wattshift serve` at `/`, talking only to
 * the server's API. Pages are chosen by the URL's hash (#/runs/ID), so the server needs no
 * routes of its own for them and every page can be bookmarked. Without a token in this tab's
 * session, every page shows the login form first.
 */
import { can, logout, session, whenUnauthorized } from './api.ts';
import { h, replace } from './dom.ts';
import { Scope, go, type Page, type PageContext } from './page.ts';
import { comparePage } from './pages/compare.ts';
import { drPage } from './pages/dr.ts';
import { financePage } from './pages/finance.ts';
import { fleetPage } from './pages/fleet.ts';
import { loginPage } from './pages/login.ts';
import { newRunPage } from './pages/new-run.ts';
import { runPage } from './pages/run.ts';
import { runsPage } from './pages/runs.ts';
import { tokensPage } from './pages/tokens.ts';
import { problemBox } from './ui.ts';

interface Route {
  pattern: RegExp;
  keys: string[];
  page: Page;
  /** Navigation entry this page belongs to. */
  nav: string;
}

function route(path: string, page: Page, nav: string): Route {
  const keys: string[] = [];
  const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_m, k: string) => {
    keys.push(k);
    return '([^/]+)';
  })}$`);
  return { pattern, keys, page, nav };
}

const ROUTES: Route[] = [
  route('/fleet', fleetPage, 'fleet'),
  route('/runs', runsPage, 'runs'),
  route('/runs/:id', runPage, 'runs'),
  route('/compare', comparePage, 'compare'),
  route('/dr', drPage, 'dr'),
  route('/dr/:id', drPage, 'dr'),
  route('/finance', financePage, 'finance'),
  route('/finance/:id', financePage, 'finance'),
  route('/new', newRunPage, 'new'),
  route('/tokens', tokensPage, 'tokens'),
];

const NAV: Array<{ id: string; label: string; path: string; role?: 'operator' | 'admin' }> = [
  { id: 'fleet', label: 'Fleet', path: '/fleet' },
  { id: 'runs', label: 'Runs', path: '/runs' },
  { id: 'compare', label: 'Compare', path: '/compare' },
  { id: 'dr', label: 'DR events', path: '/dr' },
  { id: 'finance', label: 'Finance', path: '/finance' },
  { id: 'new', label: 'New run', path: '/new', role: 'operator' },
  { id: 'tokens', label: 'Tokens', path: '/tokens', role: 'admin' },
];

let current: Scope | null = null;
let loginMessage = '';

function header(active: string): HTMLElement {
  const s = session();
  const skip = h('a', { class: 'skip', href: '#main', onclick: (e: Event) => {
    e.preventDefault();
    document.getElementById('main')?.focus();
  } }, 'Skip to content');
  const nav = h(
    'nav',
    { 'aria-label': 'Pages' },
    h('ul', null, NAV.filter((n) => !n.role || can(n.role)).map((n) => h('li', null, h('a', { href: `#${n.path}`, 'aria-current': n.id === active ? 'page' : null }, n.label)))),
  );
  const who = s
    ? h(
        'div',
        { class: 'who' },
        h('span', { class: `role role-${s.role}`, title: s.role === 'viewer' ? 'viewers see everything but cannot start or cancel runs' : undefined }, s.role),
        s.name ? h('span', { class: 'muted' }, s.name) : null,
        h('button', { type: 'button', class: 'link', onclick: () => {
          logout();
          go('/login');
        } }, 'Log out'),
      )
    : null;
  return h('header', { class: 'top' }, skip, h('a', { class: 'brand', href: '#/fleet' }, 'wattshift'), s ? nav : null, who);
}

async function render(): Promise<void> {
  current?.end();
  const scope = new Scope();
  current = scope;
  const raw = location.hash.replace(/^#/, '') || '/fleet';
  const [path = '/fleet', qs = ''] = raw.split('?');
  const query = new URLSearchParams(qs);
  const app = document.getElementById('app')!;
  const main = h('main', { id: 'main', tabindex: -1 });

  if (!session() || path === '/login') {
    replace(app, header(''), main);
    const next = path === '/login' ? (query.get('next') ?? '/fleet') : raw;
    await loginPage({ params: {}, query, main, scope, title: (t) => (document.title = `${t} · wattshift`) }, { next, message: loginMessage });
    loginMessage = '';
    return;
  }
  const r = ROUTES.find((x) => x.pattern.test(path));
  replace(app, header(r?.nav ?? ''), main);
  const ctx: PageContext = {
    params: {},
    query,
    main,
    scope,
    title: (t) => {
      document.title = `${t} · wattshift`;
    },
  };
  if (!r) {
    ctx.title('Not found');
    replace(main, h('h1', null, 'Page not found'), h('p', null, 'No page at ', h('code', null, path), '. ', h('a', { href: '#/fleet' }, 'Go to the fleet overview'), '.'));
    return;
  }
  const m = r.pattern.exec(path)!;
  r.keys.forEach((k, i) => (ctx.params[k] = decodeURIComponent(m[i + 1]!)));
  try {
    await r.page(ctx);
  } catch (e) {
    if (scope.ended || (e instanceof DOMException && e.name === 'AbortError')) return;
    console.error('wattshift dashboard: the page could not be drawn', e);
    main.appendChild(problemBox(e, 'This page could not be shown'));
  }
}

whenUnauthorized((message) => {
  logout();
  loginMessage = `Please log in again: ${message}.`;
  go('/login', { next: location.hash.replace(/^#/, '') || '/fleet' });
});

window.addEventListener('hashchange', () => void render());
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void render());
else void render();
