/** Creating an endpoint; its signing secret is shown once, with a copy button. */
import type { CreatedEndpoint } from './api-types.js';
import { fill, h, heading, route } from './dom.js';
import { endpointForm } from './endpoint-form.js';
import { announce, secretPanel } from './ui.js';
import type { View } from './view.js';

export const createEndpointView: View = async ({ api, root, signal }) => {
  const form = endpointForm({
    submitLabel: 'Create endpoint',
    onSubmit: async (body) => {
      const created = await api.post<CreatedEndpoint>('/v1/endpoints', body, signal);
      fill(
        root,
        heading(2, 'Endpoint created'),
        h('p', {}, 'The endpoint ', h('code', {}, created.id), ' receives ', created.types.join(', '), '.'),
        secretPanel(
          created.secret,
          'Give this secret to the receiver, which verifies each delivery with it. It is shown only now: the API never returns it again (rotate it if it is lost).',
        ),
        h('p', {}, route(['endpoints', created.id], 'Go to the endpoint')),
      );
      root.querySelector<HTMLElement>('#secret-title')?.focus();
      announce('Endpoint created. Copy its signing secret now: it is not shown again.');
    },
  });
  fill(root, heading(2, 'Create an endpoint'), form);
};
