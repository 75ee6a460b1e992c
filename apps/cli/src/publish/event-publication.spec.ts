import { HeraldProblemError, type BatchEventResult, type PublishResult, type RawEvent } from '@app/sdk';
import { BATCH_SIZE, publishEvents, type GatewayPublisher } from './event-publication';
import { chooseSource, parseNdjson } from './publish-input';
import { renderOutcomes } from './publication.reporter';

const accepted = (id: string, offset: number): PublishResult => ({
  id,
  type: 'a.b.c',
  version: 2,
  topic: 'a.b.c',
  partition: 0,
  offset: String(offset),
});

const violation = new HeraldProblemError({
  type: 'about:blank',
  title: 'Unprocessable Content',
  status: 422,
  detail: 'the data does not match a.b.c v2',
  errors: [{ path: '/data/amount', message: 'expected a long' }],
});

class FakeGateway implements GatewayPublisher {
  readonly batches: RawEvent[][] = [];
  single: unknown[] = [];
  publishRaw(type: string, data: unknown): Promise<PublishResult> {
    this.single.push(data);
    if ((data as { bad?: boolean }).bad) return Promise.reject(violation);
    return Promise.resolve(accepted('id-1', 7));
  }
  publishBatchRaw(events: readonly RawEvent[]): Promise<BatchEventResult[]> {
    this.batches.push([...events]);
    return Promise.resolve(
      events.map((event, i) =>
        (event.data as { bad?: boolean }).bad
          ? { status: 'rejected', id: undefined, error: violation }
          : { status: 'accepted', ...accepted(`id-${i}`, i) },
      ),
    );
  }
}

describe('publish input', () => {
  it('reads NDJSON lines, skipping blank ones, with their line numbers', () => {
    expect(parseNdjson('{"a":1}\n\n{"a":2}\r\n', 'stdin')).toEqual([
      { line: 1, data: { a: 1 } },
      { line: 3, data: { a: 2 } },
    ]);
  });

  it('reports every bad line and publishes nothing', () => {
    expect(() => parseNdjson('{"a":1}\n{oops\n[\n', 'stdin')).toThrow(/line 2: .*\n {2}line 3:/);
    expect(() => parseNdjson('\n \n', 'stdin')).toThrow('no events');
  });

  it('takes exactly one source', () => {
    expect(chooseSource({ data: '{}', dash: false })).toEqual({ kind: 'data', json: '{}' });
    expect(chooseSource({ file: '-', dash: false })).toEqual({ kind: 'stdin' });
    expect(() => chooseSource({ dash: false })).toThrow('no event data');
    expect(() => chooseSource({ data: '{}', file: 'f.json', dash: false })).toThrow('only one');
  });
});

describe('publishEvents', () => {
  const request = { type: 'a.b.c', atomic: false, key: 'k' };

  it('publishes one event on its own and turns a refusal into a rejected outcome', async () => {
    const gateway = new FakeGateway();
    const [ok] = await publishEvents(gateway, request, [{ line: undefined, data: {} }]);
    expect(ok).toMatchObject({ status: 'accepted', result: { offset: '7' } });
    const [bad] = await publishEvents(gateway, request, [{ line: undefined, data: { bad: true } }]);
    expect(bad).toMatchObject({ status: 'rejected', error: { status: 422 } });
  });

  it('sends many events in batches of BATCH_SIZE, keeping order and line numbers', async () => {
    const gateway = new FakeGateway();
    const items = Array.from({ length: BATCH_SIZE + 5 }, (_, i) => ({
      line: i + 1,
      data: i === 3 ? { bad: true } : { n: i },
    }));
    const outcomes = await publishEvents(gateway, request, items);
    expect(gateway.batches.map((b) => b.length)).toEqual([BATCH_SIZE, 5]);
    expect(gateway.batches[0]?.[0]).toEqual({ type: 'a.b.c', key: 'k', data: { n: 0 } });
    expect(outcomes).toHaveLength(BATCH_SIZE + 5);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => o.line)).toEqual([4]);
  });
});

describe('renderOutcomes', () => {
  it('prints accepted events on stdout and a rejection with its paths on stderr', () => {
    const rendered = renderOutcomes(
      [
        { status: 'accepted', line: 1, result: { ...accepted('e1', 3), duplicate: true } },
        { status: 'rejected', line: 2, id: undefined, error: violation },
      ],
      'text',
    );
    expect(rendered.stdout).toBe(
      'line 1: accepted e1  a.b.c v2  → a.b.c partition 0 offset 3  (duplicate: already published, nothing new written)\n',
    );
    expect(rendered.stderr).toBe(
      'line 2: rejected  422 Unprocessable Content: the data does not match a.b.c v2\n  /data/amount: expected a long\n1 accepted, 1 rejected\n',
    );
  });

  it('prints one JSON object per event', () => {
    const rendered = renderOutcomes(
      [{ status: 'accepted', line: undefined, result: accepted('e1', 3) }],
      'json',
    );
    expect(JSON.parse(rendered.stdout)).toEqual({
      status: 'accepted',
      ...accepted('e1', 3),
      duplicate: false,
    });
  });
});
