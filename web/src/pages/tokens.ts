/** API tokens (admins): list, create (the secret is shown once), revoke. */
import { api, can } from '../api.ts';
import { h, replace } from '../dom.ts';
import { localTime } from '../format.ts';
import type { PageContext } from '../page.ts';
import { field, loading, problemBox, select, table } from '../ui.ts';

interface TokenView {
  id: string;
  name: string | null;
  role: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The tokens page. */
export async function tokensPage(ctx: PageContext): Promise<void> {
  ctx.title('Tokens');
  if (!can('admin')) {
    replace(ctx.main, h('h1', null, 'API tokens'), h('p', { class: 'alert', role: 'alert' }, 'Managing tokens needs an admin token.'));
    return;
  }
  replace(ctx.main, h('h1', null, 'API tokens'), loading());
  const list = h('div');
  const out = h('div', { 'aria-live': 'polite' });
  const draw = async () => {
    const { tokens } = await api<{ tokens: TokenView[] }>('/tokens', { query: { all: 'true' }, signal: ctx.scope.signal });
    replace(
      list,
      table<TokenView>(
        [
          { label: 'Name', value: (t) => t.name ?? '—' },
          { label: 'Role', value: (t) => t.role },
          { label: 'Created', value: (t) => localTime(t.createdAt) },
          { label: 'Last used', value: (t) => localTime(t.lastUsedAt) },
          { label: 'Revoked', value: (t) => localTime(t.revokedAt) },
          {
            label: '',
            value: (t) =>
              t.revokedAt
                ? ''
                : h('button', { type: 'button', class: 'small', onclick: () => {
                    if (!window.confirm(`Revoke the token ${t.name ?? t.id}? Requests with it are refused from now on.`)) return;
                    api(`/tokens/${t.id}`, { method: 'DELETE', signal: ctx.scope.signal }).then(() => draw(), (e: unknown) => replace(out, problemBox(e, 'Could not revoke')));
                  } }, 'Revoke'),
          },
        ],
        tokens,
        { caption: 'Tokens (secrets are stored hashed and cannot be shown again)' },
      ),
    );
  };
  const role = select({ id: 'new-role' }, [['viewer', 'viewer: sees everything'], ['operator', 'operator: also starts runs'], ['admin', 'admin: also manages tokens']]);
  const name = h('input', { type: 'text', id: 'new-name', maxlength: 200, placeholder: 'e.g. energy desk' });
  const form = h('form', { class: 'toolbar' }, field('Role', role), field('Name', name), h('button', { type: 'submit', class: 'primary' }, 'Create token'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    api<TokenView & { secret: string }>('/tokens', { method: 'POST', body: { role: role.value, ...(name.value.trim() ? { name: name.value.trim() } : {}) }, signal: ctx.scope.signal }).then(
      (t) => {
        replace(out, h('div', { class: 'ok-box' }, h('strong', null, `New ${t.role} token — copy it now, it is not shown again: `), h('code', { class: 'secret' }, t.secret)));
        name.value = '';
        return draw();
      },
      (err: unknown) => replace(out, problemBox(err, 'Could not create the token')),
    );
  });
  replace(ctx.main, h('h1', null, 'API tokens'), form, out, list);
  await draw();
}
