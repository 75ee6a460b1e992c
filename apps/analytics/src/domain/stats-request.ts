/**
 * The query parameters of the read API, validated at the use-case boundary: every problem is
 * reported at once with the parameter's pointer. Time ranges are RFC 3339, `from` inclusive and
 * `to` exclusive; without them the last hour (minute interval) or day (hour interval) up to now.
 */
import { InvalidAnalyticsRequestError, type RequestIssue } from './analytics-errors';
import { HOUR_MS, MINUTE_MS } from './observed-event';

export type Interval = 'minute' | 'hour';

export interface TimeRange {
  readonly from: number;
  readonly to: number;
  readonly interval: Interval;
}

export interface StatsRequest extends TimeRange {
  readonly type?: string;
  readonly metric: string;
  readonly late: boolean;
  /** `field=value` filters on the metric's groups. */
  readonly group: Readonly<Record<string, string>>;
}

export const MAX_POINTS = 10_080;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const EVENT_TYPE = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*){2}$/;

type Query = Record<string, unknown>;

export const intervalMs = (interval: Interval): number => (interval === 'hour' ? HOUR_MS : MINUTE_MS);

function single(query: Query, name: string, issues: RequestIssue[]): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    issues.push({ path: `/${name}`, message: `${name} must be given once` });
    return undefined;
  }
  return value;
}

function instant(query: Query, name: string, issues: RequestIssue[]): number | undefined {
  const text = single(query, name, issues);
  if (text === undefined) return undefined;
  const millis = Date.parse(text);
  if (!RFC3339.test(text) || Number.isNaN(millis)) {
    issues.push({
      path: `/${name}`,
      message: `${name} must be an RFC 3339 time such as 2026-01-01T00:00:00Z`,
    });
    return undefined;
  }
  return millis;
}

export function parseTimeRange(query: Query, issues: RequestIssue[], now: number): TimeRange {
  const intervalText = single(query, 'interval', issues) ?? 'minute';
  if (intervalText !== 'minute' && intervalText !== 'hour')
    issues.push({ path: '/interval', message: 'interval must be minute or hour' });
  const interval: Interval = intervalText === 'hour' ? 'hour' : 'minute';
  const step = intervalMs(interval);
  const to = instant(query, 'to', issues) ?? now;
  const from = instant(query, 'from', issues) ?? to - (interval === 'hour' ? 24 * HOUR_MS : HOUR_MS);
  if (from >= to) issues.push({ path: '/from', message: 'from must be before to' });
  else if ((to - from) / step > MAX_POINTS)
    issues.push({
      path: '/to',
      message: `the range holds more than ${MAX_POINTS} ${interval}s; narrow it or use a larger interval`,
    });
  // Whole intervals: a point is never a part of its bucket.
  return { from: Math.floor(from / step) * step, to: Math.ceil(to / step) * step, interval };
}

function groupFilters(query: Query, issues: RequestIssue[]): Record<string, string> {
  const raw = query['group'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const group: Record<string, string> = {};
  for (const entry of list) {
    const at = typeof entry === 'string' ? entry.indexOf(':') : -1;
    if (typeof entry !== 'string' || at <= 0) {
      issues.push({ path: '/group', message: 'group must be <field>:<value>, e.g. currency:EUR' });
      continue;
    }
    group[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return group;
}

export function parseStatsRequest(query: Query, now: number): StatsRequest {
  const issues: RequestIssue[] = [];
  const type = single(query, 'type', issues);
  if (type !== undefined && !EVENT_TYPE.test(type))
    issues.push({
      path: '/type',
      message: 'type must be an event type, <domain>.<entity>.<past-tense-verb>',
    });
  const metric = single(query, 'metric', issues) ?? 'count';
  if (metric === 'count' && type === undefined && !issues.some((i) => i.path === '/type'))
    issues.push({ path: '/type', message: 'type is required for the count metric' });
  const lateText = single(query, 'late', issues) ?? 'false';
  if (lateText !== 'true' && lateText !== 'false')
    issues.push({ path: '/late', message: 'late must be true or false' });
  const group = groupFilters(query, issues);
  const range = parseTimeRange(query, issues, now);
  const known = new Set(['type', 'metric', 'late', 'group', 'from', 'to', 'interval']);
  for (const name of Object.keys(query).filter((k) => !known.has(k)))
    issues.push({ path: `/${name}`, message: `unknown parameter ${name}` });
  if (issues.length > 0) throw new InvalidAnalyticsRequestError(issues);
  return { ...range, ...(type === undefined ? {} : { type }), metric, late: lateText === 'true', group };
}

export interface LatencyRequest extends TimeRange {
  readonly type?: string;
  readonly quantiles: readonly number[];
}

export function parseLatencyRequest(query: Query, now: number): LatencyRequest {
  const issues: RequestIssue[] = [];
  const type = single(query, 'type', issues);
  if (type !== undefined && !EVENT_TYPE.test(type))
    issues.push({
      path: '/type',
      message: 'type must be an event type, <domain>.<entity>.<past-tense-verb>',
    });
  const text = single(query, 'quantiles', issues) ?? '0.5,0.9,0.99';
  const quantiles = text.split(',').map((q) => Number(q.trim()));
  if (quantiles.length > 10 || quantiles.some((q) => !Number.isFinite(q) || q < 0 || q > 1))
    issues.push({
      path: '/quantiles',
      message: 'quantiles must be at most 10 comma-separated numbers from 0 to 1',
    });
  const range = parseTimeRange(query, issues, now);
  const known = new Set(['type', 'quantiles', 'from', 'to', 'interval']);
  for (const name of Object.keys(query).filter((k) => !known.has(k)))
    issues.push({ path: `/${name}`, message: `unknown parameter ${name}` });
  if (issues.length > 0) throw new InvalidAnalyticsRequestError(issues);
  return { ...range, ...(type === undefined ? {} : { type }), quantiles };
}

export function parseRangeOnly(query: Query, now: number): TimeRange {
  const issues: RequestIssue[] = [];
  const range = parseTimeRange(query, issues, now);
  const known = new Set(['from', 'to', 'interval']);
  for (const name of Object.keys(query).filter((k) => !known.has(k)))
    issues.push({ path: `/${name}`, message: `unknown parameter ${name}` });
  if (issues.length > 0) throw new InvalidAnalyticsRequestError(issues);
  return range;
}
