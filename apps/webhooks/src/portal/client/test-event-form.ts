/** Sending a test event to one endpoint: a synthetic event of a type it takes, signed like any. */
import { apiPath, ApiError } from './api.js';
import type { Endpoint, TestEventSent } from './api-types.js';
import { fill, h, route } from './dom.js';
import { announce, field, input, onSubmit, showFormErrors } from './ui.js';
import type { ViewContext } from './view.js';

export function testEventForm({ api, signal }: ViewContext, endpoint: Endpoint): HTMLElement {
  // Exact types are offered; a pattern (`payments.*`, `*`) takes types the operator names.
  const exact = endpoint.types.filter((pattern) => !pattern.includes('*'));
  const options = h('datalist', { id: 'test-types' }, ...exact.map((type) => h('option', { value: type })));
  const type = input('type', 'text', exact[0] ?? '', {
    list: 'test-types',
    spellcheck: 'false',
    required: true,
  });
  const version = input('version', 'number', '', { min: '1', step: '1' });
  const result = h('p');
  const form = h(
    'form',
    { class: 'inline', novalidate: true },
    field('test-type', 'Event type', type, `One this endpoint takes (${endpoint.types.join(', ')}).`),
    field('test-version', 'Schema version', version, 'Empty for the latest.'),
    options,
    h('button', { type: 'submit' }, 'Send test event'),
  );
  onSubmit(form, async () => {
    const body = {
      type: type.value.trim(),
      ...(version.value.trim() === '' ? {} : { version: Number(version.value) }),
    };
    try {
      const sent = await api.post<TestEventSent>(apiPath('endpoints', endpoint.id, 'test'), body, signal);
      fill(
        result,
        'Test event sent: delivery ',
        route(['deliveries', sent.deliveryId], sent.deliveryId),
        ' of event ',
        h('code', {}, sent.eventId),
        '.',
      );
      announce(`Test event sent: delivery ${sent.deliveryId}.`);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401 || error.problem.errors.length === 0)
        throw error;
      showFormErrors(form, error.problem);
    }
  });
  return h('div', {}, form, result);
}
