/**
 * What every view shares: the status line (an aria-live region, so screen readers hear what an
 * action did), running an action with its button busy and its failure reported, labelled form
 * fields, and showing a problem+json refusal next to the fields its JSON pointers name.
 */
import { ApiError, isAbort } from './api.js';
import type { Problem } from './api-types.js';
import { button, fill, h, type Child } from './dom.js';

let carried: { message: string; tone: 'info' | 'error' } | undefined;

/** Announced once the next view is shown (a message about an action that leaves the view). */
export function announceAfterNavigation(message: string, tone: 'info' | 'error' = 'info'): void {
  carried = { message, tone };
}

/** On each new view: the carried message, or an empty status line (the last one was about another view). */
export function resetStatus(): void {
  const next = carried;
  carried = undefined;
  if (next !== undefined) announce(next.message, next.tone);
  else announce('');
}

export function announce(message: string, tone: 'info' | 'error' = 'info'): void {
  const region = document.getElementById('status');
  if (region === null) return;
  region.classList.toggle('error', tone === 'error');
  // Emptied first, so the same message twice is announced twice.
  region.textContent = '';
  requestAnimationFrame(() => {
    region.textContent = message;
  });
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const issues = error.problem.errors
      .filter((issue) => issue.message !== error.problem.detail)
      .map((issue) => `${issue.path}: ${issue.message}`);
    return [`${error.problem.status} ${error.problem.title}: ${error.problem.detail}`, ...issues].join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `action` with `control` disabled; a failure is announced (an aborted request, from a view
 * left meanwhile, is not a failure). Never rejects.
 */
export async function run(
  action: () => Promise<void>,
  control?: HTMLButtonElement | HTMLFormElement,
): Promise<void> {
  const buttons = control instanceof HTMLFormElement ? [...control.querySelectorAll('button')] : [control];
  for (const b of buttons) if (b !== undefined) b.disabled = true;
  try {
    await action();
  } catch (error) {
    if (!isAbort(error)) announce(describeError(error), 'error');
  } finally {
    for (const b of buttons) if (b !== undefined) b.disabled = false;
  }
}

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A control with its label, an optional hint, and room for an error, tied by ids. */
export function field(id: string, label: string, control: Control, hint?: string): HTMLDivElement {
  control.id = id;
  const hintId = `${id}-hint`;
  if (hint !== undefined) control.setAttribute('aria-describedby', hintId);
  const checkbox = control instanceof HTMLInputElement && control.type === 'checkbox';
  const labelElement = h('label', { for: id }, label);
  return h(
    'div',
    { class: checkbox ? 'field check' : 'field', 'data-field': control.name },
    ...(checkbox ? [control, labelElement] : [labelElement, control]),
    hint === undefined ? null : h('span', { class: 'hint', id: hintId }, hint),
  );
}

export function input(name: string, type: string, value = '', extra: Record<string, string | boolean> = {}) {
  const element = h('input', { name, type, ...extra });
  element.value = value;
  return element;
}

export function textarea(name: string, value = '', rows = 3): HTMLTextAreaElement {
  const element = h('textarea', { name, rows });
  element.value = value;
  return element;
}

export function select(name: string, options: ReadonlyArray<readonly [string, string]>, value = '') {
  const element = h('select', { name });
  for (const [optionValue, text] of options) {
    element.append(h('option', { value: optionValue, selected: optionValue === value }, text));
  }
  element.value = value;
  return element;
}

/** Clears the errors a previous submission of `form` showed. */
export function clearFormErrors(form: HTMLFormElement): void {
  form.querySelectorAll('.field-error, .alert').forEach((element) => element.remove());
  form.querySelectorAll('[aria-invalid]').forEach((control) => {
    control.removeAttribute('aria-invalid');
    const described = (control.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter((id) => !id.endsWith('-error'));
    if (described.length > 0) control.setAttribute('aria-describedby', described.join(' '));
    else control.removeAttribute('aria-describedby');
  });
}

/**
 * Shows a refusal on `form`: a summary at its top (role=alert) and each issue beside the field
 * its pointer starts with (`/types/2` → the `types` field), whose control is marked invalid; the
 * first invalid control takes the focus.
 */
export function showFormErrors(form: HTMLFormElement, problem: Pick<Problem, 'detail' | 'errors'>): void {
  clearFormErrors(form);
  const summary = h('div', { class: 'alert', role: 'alert' }, problem.detail);
  const list = h('ul');
  let first: Control | undefined;
  for (const issue of problem.errors) {
    list.append(h('li', {}, issue.path === '/' ? issue.message : `${issue.path}: ${issue.message}`));
    const name = decodePointerToken(issue.path.split('/')[1] ?? '');
    const wrapper = form.querySelector<HTMLElement>(`[data-field="${CSS.escape(name)}"]`);
    const control = wrapper?.querySelector<Control>('input, select, textarea');
    if (wrapper === null || wrapper === undefined || control === null || control === undefined) continue;
    const errorId = `${control.id}-error`;
    let message = document.getElementById(errorId);
    if (message === null) {
      message = h('span', { class: 'field-error', id: errorId });
      wrapper.append(message);
      const described = control.getAttribute('aria-describedby');
      control.setAttribute('aria-describedby', described === null ? errorId : `${described} ${errorId}`);
    }
    message.append(document.createTextNode(`${message.textContent === '' ? '' : ' '}${issue.message}`));
    control.setAttribute('aria-invalid', 'true');
    first ??= control;
  }
  if (list.childElementCount > 0) summary.append(list);
  form.prepend(summary);
  (first ?? summary).focus();
}

function decodePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Submits by script only (the policy's `form-action 'none'` stops any other submission); the
 * errors a previous submission showed go away first.
 */
export function onSubmit(form: HTMLFormElement, handler: () => Promise<void>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFormErrors(form);
    void run(handler, form);
  });
}

/** A signing secret, shown once: read-only, selectable, with a copy button; `note` says what to do. */
export function secretPanel(secret: string, ...note: Child[]): HTMLElement {
  const value = input('secret', 'text', secret, { readonly: true, spellcheck: 'false', autocomplete: 'off' });
  const copy = button('Copy secret', () => {
    navigator.clipboard.writeText(secret).then(
      () => announce('The signing secret is copied to the clipboard.'),
      () => {
        value.focus();
        value.select();
        announce('The browser refused to copy; the secret is selected: copy it with Ctrl+C.', 'error');
      },
    );
  });
  const panel = h(
    'section',
    { class: 'panel secret', 'aria-labelledby': 'secret-title' },
    h('h3', { id: 'secret-title', tabindex: -1 }, 'Signing secret'),
    h('p', {}, ...note),
    field('secret-value', 'Signing secret (shown only now)', value),
    h('div', { class: 'actions' }, copy),
  );
  return panel;
}

/** A view's placeholder while it loads. */
export function loading(container: HTMLElement, what: string): void {
  fill(container, h('p', { class: 'hint' }, `Loading ${what}…`));
}
