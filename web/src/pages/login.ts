/** Login: paste an API token; the server checks it (GET /api/v1/me) and tells its role. */
import { ApiError, login } from '../api.ts';
import { h, replace } from '../dom.ts';
import { go, type PageContext } from '../page.ts';
import { field, problemBox } from '../ui.ts';

/** The login page; after a good token, goes to `next`. */
export async function loginPage(ctx: PageContext, o: { next: string; message: string }): Promise<void> {
  ctx.title('Log in');
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', spellcheck: 'false', required: true, placeholder: 'ws_…', class: 'wide' });
  const out = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Log in');
  const form = h(
    'form',
    { class: 'login', novalidate: true },
    field('API token', input, 'The token is kept in this browser tab only (session storage) and sent to this server with each request.'),
    button,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const token = input.value.trim();
    if (!token) {
      replace(out, problemBox(new Error('paste a token, e.g. the last line printed by `wattshift token create --role operator`'), 'No token'));
      input.focus();
      return;
    }
    button.disabled = true;
    login(token)
      .then(() => go(o.next.split('?')[0]!, Object.fromEntries(new URLSearchParams(o.next.split('?')[1] ?? ''))))
      .catch((err: unknown) => {
        button.disabled = false;
        const unknown = err instanceof ApiError && err.status === 401;
        replace(out, problemBox(err, unknown ? 'The server does not accept this token' : 'Could not log in'));
        input.select();
      });
  });
  replace(
    ctx.main,
    h('h1', null, 'Log in to wattshift'),
    o.message ? h('p', { class: 'alert', role: 'alert' }, o.message) : null,
    h(
      'p',
      null,
      'Use an API token of this server. Create one on the server machine with ',
      h('code', null, 'wattshift token create --role viewer|operator|admin'),
      ': viewers see fleets, runs and results; operators also upload scenarios and start or cancel runs; admins also manage tokens.',
    ),
    form,
    out,
  );
  input.focus();
}
