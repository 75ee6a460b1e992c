/**
 * The endpoint settings form, for creating and for editing: URL, description, event types,
 * tenant, body format, version pins, rate limit, ordering and metadata. The form only shapes the
 * request (lists and `key=value` lines into JSON); the API judges it, and its refusals are shown
 * beside the fields their pointers name.
 */
import { ApiError } from './api.js';
import { ENDPOINT_FORMATS, type Endpoint, type ProblemIssue } from './api-types.js';
import { h } from './dom.js';
import { announce, describeError, field, input, onSubmit, select, showFormErrors, textarea } from './ui.js';

export interface EndpointFormOptions {
  /** The endpoint being edited; absent to create one. */
  readonly endpoint?: Endpoint;
  readonly submitLabel: string;
  /** Receives the request body; an ApiError with issues is shown on the form. */
  onSubmit(body: Record<string, unknown>): Promise<void>;
}

const lines = (record: Readonly<Record<string, string | number>>) =>
  Object.entries(record)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');

export function endpointForm(options: EndpointFormOptions): HTMLFormElement {
  const e = options.endpoint;
  const prefix = e === undefined ? 'create' : 'edit';
  const controls = {
    url: input('url', 'url', e?.url ?? '', { required: true, autocomplete: 'off', spellcheck: 'false' }),
    description: input('description', 'text', e?.description ?? ''),
    types: input('types', 'text', e?.types.join(', ') ?? '', { required: true, spellcheck: 'false' }),
    tenant: input('tenant', 'text', e?.tenant ?? '', { spellcheck: 'false' }),
    format: select(
      'format',
      ENDPOINT_FORMATS.map((f) => [
        f,
        f === 'standard' ? 'standard (Herald JSON)' : 'cloudevents (CloudEvents 1.0)',
      ]),
      e?.format ?? 'standard',
    ),
    versions: textarea('versions', lines(e?.versions ?? {})),
    rateLimit: input(
      'rateLimit',
      'number',
      e?.rateLimit === null || e === undefined ? '' : String(e.rateLimit),
      {
        min: '1',
        step: '1',
      },
    ),
    ordered: input('ordered', 'checkbox'),
    metadata: textarea('metadata', lines(e?.metadata ?? {})),
  };
  controls.ordered.checked = e?.ordered ?? false;
  const id = (name: string) => `${prefix}-${name}`;
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field(id('url'), 'URL', controls.url, 'The http(s) URL deliveries are POSTed to.'),
    field(id('description'), 'Description', controls.description),
    field(id('types'), 'Event types', controls.types, 'Comma-separated: exact types, <domain>.* or *.'),
    field(id('tenant'), 'Tenant', controls.tenant, 'Only the events of this tenant; empty for every tenant.'),
    field(id('format'), 'Body format', controls.format),
    field(
      id('versions'),
      'Version pins',
      controls.versions,
      'One per line, <event type>=<version>: the data is delivered in that schema version.',
    ),
    field(id('rateLimit'), 'Rate limit (deliveries per second)', controls.rateLimit, 'Empty for unlimited.'),
    field(id('ordered'), 'Ordered: one delivery at a time, in partition order', controls.ordered),
    field(id('metadata'), 'Metadata', controls.metadata, 'One per line, key=value.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, options.submitLabel)),
  );
  onSubmit(form, async () => {
    const issues: ProblemIssue[] = [];
    const body = {
      url: controls.url.value.trim(),
      description: controls.description.value,
      types: controls.types.value.split(/[\s,]+/).filter((type) => type !== ''),
      tenant: controls.tenant.value.trim() === '' ? null : controls.tenant.value.trim(),
      format: controls.format.value,
      versions: pins(controls.versions.value, issues),
      rateLimit: rate(controls.rateLimit.value, issues),
      ordered: controls.ordered.checked,
      metadata: metadata(controls.metadata.value, issues),
    };
    if (issues.length > 0) {
      showFormErrors(form, { detail: 'Some fields need a change before sending.', errors: issues });
      return;
    }
    try {
      await options.onSubmit(body);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401 || error.problem.errors.length === 0)
        throw error;
      showFormErrors(form, error.problem);
      announce(describeError(error), 'error');
    }
  });
  return form;
}

function entries(text: string): Array<{ line: number; key: string; value: string }> {
  return text
    .split('\n')
    .map((raw, i) => ({ raw, line: i + 1 }))
    .filter(({ raw }) => raw.trim() !== '')
    .map(({ raw, line }) => {
      const at = raw.indexOf('=');
      return at === -1
        ? { line, key: raw.trim(), value: '' }
        : { line, key: raw.slice(0, at).trim(), value: raw.slice(at + 1) };
    });
}

function pins(text: string, issues: ProblemIssue[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const { line, key, value } of entries(text)) {
    if (key === '' || !/^\s*[1-9][0-9]*\s*$/.test(value)) {
      issues.push({ path: '/versions', message: `line ${line}: write <event type>=<version number>` });
    } else {
      result[key] = Number(value);
    }
  }
  return result;
}

function rate(text: string, issues: ProblemIssue[]): number | null {
  if (text.trim() === '') return null;
  if (!/^[1-9][0-9]*$/.test(text.trim())) {
    issues.push({ path: '/rateLimit', message: 'must be a whole number of deliveries per second, or empty' });
    return null;
  }
  return Number(text.trim());
}

function metadata(text: string, issues: ProblemIssue[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const { line, key, value } of entries(text)) {
    if (key === '') issues.push({ path: '/metadata', message: `line ${line}: write key=value` });
    else result[key] = value;
  }
  return result;
}
