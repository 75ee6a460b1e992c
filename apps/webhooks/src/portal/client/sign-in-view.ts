/** The sign-in form: the admin token is checked against the API before it is kept. */
import { AdminApi, ApiError } from './api.js';
import { fill, h } from './dom.js';
import { storeToken } from './session.js';
import { announceAfterNavigation, field, input, onSubmit, showFormErrors } from './ui.js';

export function signInView(main: HTMLElement, signedIn: () => void): void {
  const token = input('token', 'password', '', { autocomplete: 'off', spellcheck: 'false', required: true });
  const form = h(
    'form',
    { class: 'stack', novalidate: true, 'aria-labelledby': 'sign-in-title' },
    field(
      'admin-token',
      'Admin token',
      token,
      "The service's WEBHOOKS_ADMIN_TOKEN (npm run up keeps a generated one in webhooks.env).",
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Sign in')),
  );
  onSubmit(form, async () => {
    const value = token.value.trim();
    if (value === '') {
      showFormErrors(form, {
        detail: 'Enter the admin token.',
        errors: [{ path: '/token', message: 'is required' }],
      });
      return;
    }
    try {
      await new AdminApi(value).get('/v1/endpoints', { limit: '1' });
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
      showFormErrors(form, {
        detail: 'That is not the admin token of this service.',
        errors: [{ path: '/token', message: 'was refused (401)' }],
      });
      return;
    }
    storeToken(value);
    announceAfterNavigation('Signed in.');
    signedIn();
  });
  fill(
    main,
    h(
      'div',
      {},
      h('h2', { id: 'sign-in-title' }, 'Sign in'),
      h(
        'p',
        {},
        'The portal manages webhook endpoints and their deliveries through the admin API. ',
        'The token is kept in this browser tab only (session storage) until you sign out or close the tab.',
      ),
      form,
    ),
  );
  token.focus();
}
