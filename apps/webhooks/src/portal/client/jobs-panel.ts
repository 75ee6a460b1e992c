/**
 * Recover and replay for one endpoint, as jobs: recover makes every failed delivery since a time
 * (until a time) due again; replay reads the endpoint's events since a time back from Kafka and
 * delivers them to it alone. Each job's progress is followed until it ends, and it can be
 * cancelled meanwhile.
 */
import { ApiError, apiPath, isAbort } from './api.js';
import { FINAL_JOB_STATES, type Job, type Page } from './api-types.js';
import { badge, button, fill, h, time, type Tone } from './dom.js';
import { announce, describeError, field, input, onSubmit, run, showFormErrors } from './ui.js';
import { pause, type ViewContext } from './view.js';

const KINDS = {
  recover: {
    title: 'Recover failed deliveries',
    hint: 'Every failed delivery of this endpoint created in the window is attempted again.',
    submit: 'Recover',
  },
  replay: {
    title: 'Replay history',
    hint: 'Every event this endpoint takes, read back from Kafka from the time given, is delivered to it alone.',
    submit: 'Replay',
  },
} as const;

const POLL_MS = 1_000;

export function jobsPanel(context: ViewContext, endpointId: string): HTMLElement {
  const rows = h('tbody');
  const note = h('p', { class: 'hint' }, 'Loading jobs…');
  const table = h(
    'table',
    {},
    h('caption', { class: 'visually-hidden' }, 'Recover and replay jobs of this endpoint'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Job', 'State', 'Window', 'Progress', 'Result', 'Finished', ''].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    rows,
  );
  table.hidden = true;
  const follow = (job: Job) => {
    note.textContent = '';
    table.hidden = false;
    followJob(context, job, rows);
  };
  const panel = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'jobs-title' },
    h('h3', { id: 'jobs-title' }, 'Recover and replay'),
    jobForm(context, endpointId, 'recover', follow),
    jobForm(context, endpointId, 'replay', follow),
    h('h4', {}, 'Jobs'),
    note,
    table,
  );
  context.api.get<Page<Job>>('/v1/jobs', { endpoint: endpointId }, context.signal).then(
    (page) => {
      note.textContent = page.items.length === 0 ? 'No job yet.' : '';
      // Newest first: each followed job goes on top, so the oldest is added first.
      for (const job of [...page.items].reverse()) follow(job);
    },
    (error: unknown) => {
      if (!isAbort(error)) note.textContent = `Jobs could not be listed: ${describeError(error)}`;
    },
  );
  return panel;
}

function jobForm(
  { api, signal }: ViewContext,
  endpointId: string,
  kind: keyof typeof KINDS,
  follow: (job: Job) => void,
): HTMLElement {
  const since = input('since', 'datetime-local', localValue(new Date(Date.now() - 3_600_000)), {
    required: true,
  });
  const until = input('until', 'datetime-local');
  const form = h(
    'form',
    { class: 'inline', novalidate: true, 'aria-labelledby': `${kind}-title` },
    field(`${kind}-since`, 'Since', since),
    field(`${kind}-until`, 'Until (optional)', until),
    h('button', { type: 'submit' }, KINDS[kind].submit),
  );
  onSubmit(form, async () => {
    const body: Record<string, string> = {};
    const issues = [];
    const from = isoOf(since.value);
    if (from === undefined) issues.push({ path: '/since', message: 'must be a date and time' });
    else body['since'] = from;
    if (until.value !== '') {
      const to = isoOf(until.value);
      if (to === undefined) issues.push({ path: '/until', message: 'must be a date and time, or empty' });
      else body['until'] = to;
    }
    if (issues.length > 0)
      return showFormErrors(form, { detail: 'The window is not valid.', errors: issues });
    try {
      const job = await api.post<Job>(apiPath('endpoints', endpointId, kind), body, signal);
      announce(`${KINDS[kind].submit} job ${job.id} started.`);
      follow(job);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401 || error.problem.errors.length === 0)
        throw error;
      showFormErrors(form, error.problem);
    }
  });
  return h(
    'div',
    {},
    h('h4', { id: `${kind}-title` }, KINDS[kind].title),
    h('p', { class: 'hint' }, KINDS[kind].hint),
    form,
  );
}

/** Shows `job` in `rows` (replacing its row) and polls it until it ends or the view is left. */
function followJob({ api, signal }: ViewContext, first: Job, rows: HTMLTableSectionElement): void {
  const row = h('tr', { 'data-job': first.id });
  const existing = [...rows.rows].find((r) => r.dataset['job'] === first.id);
  if (existing === undefined) rows.prepend(row);
  else existing.replaceWith(row);
  const show = (job: Job): void => fill(row, ...cells(job, () => void run(() => cancel(job))));
  const cancel = async (job: Job): Promise<void> => {
    show(await api.post<Job>(apiPath('jobs', job.id, 'cancel'), undefined, signal));
    announce(`Cancelling job ${job.id}.`);
  };
  show(first);
  if (FINAL_JOB_STATES.includes(first.state)) return;
  void (async () => {
    let job = first;
    while (!FINAL_JOB_STATES.includes(job.state)) {
      await pause(POLL_MS, signal);
      if (signal.aborted) return;
      job = await api.get<Job>(apiPath('jobs', job.id), {}, signal);
      show(job);
    }
    announce(
      `Job ${job.id} ${job.state}: ${progressText(job)}.`,
      job.state === 'succeeded' ? 'info' : 'error',
    );
  })().catch((error: unknown) => {
    if (!isAbort(error)) announce(`Following job ${first.id} failed: ${describeError(error)}`, 'error');
  });
}

const TONES: Record<Job['state'], Tone> = {
  queued: 'muted',
  running: 'warn',
  succeeded: 'ok',
  failed: 'bad',
  cancelled: 'muted',
};

function cells(job: Job, cancel: () => void): HTMLTableCellElement[] {
  const labelId = `job-${job.id}-label`;
  const progress = h('progress', { 'aria-labelledby': labelId });
  if (job.progress.total !== null) {
    progress.max = Math.max(job.progress.total, 1);
    progress.value = job.progress.total === 0 ? 1 : job.progress.done;
  }
  const final = FINAL_JOB_STATES.includes(job.state);
  return [
    h('td', { id: labelId }, `${job.kind} `, h('code', {}, job.id)),
    h(
      'td',
      {},
      badge(job.state, TONES[job.state]),
      job.error ? h('div', { class: 'hint' }, job.error) : null,
    ),
    h('td', {}, time(job.since), ' to ', job.until === null ? 'its start' : time(job.until)),
    h('td', {}, progress, ' ', progressText(job)),
    h('td', {}, resultText(job)),
    h('td', {}, time(job.finishedAt)),
    h(
      'td',
      {},
      final ? null : button('Cancel', cancel, { class: 'secondary', 'aria-label': `Cancel job ${job.id}` }),
    ),
  ];
}

function resultText({ result }: Job): string {
  if (result === null) return '—';
  if ('recovered' in result) {
    const more = result.more ? ` (at most ${result.limit} per job: more are left, run it again)` : '';
    return `${result.recovered} made due again${more}`;
  }
  const parts = [`${result.events} events read`, `${result.deliveries} deliveries`];
  if (result.skipped > 0) parts.push(`${result.skipped} undecodable skipped`);
  if (result.withdrawn !== undefined) parts.push(`${result.withdrawn} withdrawn by the cancel`);
  if (result.more) parts.push(`more left: replay again from ${result.nextSince ?? 'the last event'}`);
  return parts.join(', ');
}

function progressText(job: Job): string {
  return `${job.progress.done} of ${job.progress.total ?? '?'}`;
}

/** `YYYY-MM-DDTHH:mm` in local time, as a datetime-local input holds it. */
function localValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function isoOf(local: string): string | undefined {
  if (local === '') return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
