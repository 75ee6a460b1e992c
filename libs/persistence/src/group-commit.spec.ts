import { GroupCommit } from './group-commit';

/** A statement runner whose calls the test settles by hand. */
function manualRunner() {
  const calls: Array<{ items: readonly string[]; settle(error?: Error): void }> = [];
  const run = (items: readonly string[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({
        items,
        settle: (error) => (error ? reject(error) : resolve(items.map((item) => `done:${item}`))),
      });
    });
  return { calls, run };
}

const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('runs a lone caller at once and merges callers that arrive while the statement is busy', async () => {
    const { calls, run } = manualRunner();
    const group = new GroupCommit(run, { maxConcurrent: 1, maxItems: 100 });
    const first = group.submit(['a']);
    const second = group.submit(['b', 'c']);
    const third = group.submit(['d']);
    expect(calls.map((c) => c.items)).toEqual([['a']]);
    calls[0]!.settle();
    await flushed();
    expect(calls.map((c) => c.items)).toEqual([['a'], ['b', 'c', 'd']]);
    calls[1]!.settle();
    await expect(first).resolves.toEqual(['done:a']);
    await expect(second).resolves.toEqual(['done:b', 'done:c']);
    await expect(third).resolves.toEqual(['done:d']);
  });

  it('never puts the same key twice into one statement', async () => {
    const { calls, run } = manualRunner();
    const group = new GroupCommit(run, { maxConcurrent: 1, maxItems: 100, key: (item: string) => item });
    void group.submit(['busy']);
    void group.submit(['x', 'y']);
    void group.submit(['x']);
    void group.submit(['z']);
    calls[0]!.settle();
    await flushed();
    expect(calls[1]!.items).toEqual(['x', 'y', 'z']);
    calls[1]!.settle();
    await flushed();
    expect(calls[2]!.items).toEqual(['x']);
  });

  it('caps a statement at maxItems and keeps the rest for the next one', async () => {
    const { calls, run } = manualRunner();
    const group = new GroupCommit(run, { maxConcurrent: 1, maxItems: 3 });
    void group.submit(['busy']);
    void group.submit(['a', 'b']);
    void group.submit(['c', 'd']);
    calls[0]!.settle();
    await flushed();
    expect(calls[1]!.items).toEqual(['a', 'b']);
  });

  it('rejects every caller of a failed statement and serves later callers', async () => {
    const { calls, run } = manualRunner();
    const group = new GroupCommit(run, { maxConcurrent: 1, maxItems: 100 });
    const first = group.submit(['a']);
    const second = group.submit(['b']);
    const third = group.submit(['c']);
    calls[0]!.settle();
    await flushed();
    calls[1]!.settle(new Error('connection terminated'));
    await expect(first).resolves.toEqual(['done:a']);
    await expect(second).rejects.toThrow('connection terminated');
    await expect(third).rejects.toThrow('connection terminated');
    const fourth = group.submit(['d']);
    await flushed();
    calls[2]!.settle();
    await expect(fourth).resolves.toEqual(['done:d']);
  });

  describe('one item per caller, failures isolated (the audit store)', () => {
    it('writes a lone item at once and groups the items that arrive meanwhile', async () => {
      const writes: number[][] = [];
      const commit = new GroupCommit(
        async (items: readonly number[]) => {
          writes.push([...items]);
          return items.map((i) => i * 10);
        },
        { maxConcurrent: 1, maxItems: 256 },
      );
      const results = await Promise.all([1, 2, 3, 4].map((i) => commit.submit([i]).then(([r]) => r)));
      expect(results).toEqual([10, 20, 30, 40]);
      expect(writes).toEqual([[1], [2, 3, 4]]);
    });

    it('caps a batch at maxBatch', async () => {
      const sizes: number[] = [];
      const commit = new GroupCommit(
        async (items: readonly number[]) => {
          sizes.push(items.length);
          return [...items];
        },
        { maxConcurrent: 1, maxItems: 2 },
      );
      await Promise.all([1, 2, 3, 4, 5].map((i) => commit.submit([i]).then(([r]) => r)));
      expect(sizes).toEqual([1, 2, 2]);
    });

    it('fails only the caller whose item fails: a failed batch is retried item by item', async () => {
      const commit = new GroupCommit(
        async (items: readonly number[]) => {
          if (items.includes(3)) throw new Error(`cannot write ${items.join(',')}`);
          return [...items];
        },
        { maxConcurrent: 1, maxItems: 256, isolateFailures: true },
      );
      const results = await Promise.allSettled([1, 2, 3, 4].map((i) => commit.submit([i]).then(([r]) => r)));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect((results[2] as PromiseRejectedResult).reason).toEqual(new Error('cannot write 3'));
    });
  });

  it('with lingerMs, waits for more callers, unless maxItems are already queued', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const { calls, run } = manualRunner();
      const group = new GroupCommit(run, { maxConcurrent: 1, maxItems: 4, lingerMs: 10 });
      void group.submit(['a']);
      jest.advanceTimersByTime(5);
      void group.submit(['b']);
      expect(calls).toHaveLength(0);
      jest.advanceTimersByTime(5);
      expect(calls.map((c) => c.items)).toEqual([['a', 'b']]);
      calls[0]!.settle();
      await flushed();
      void group.submit(['c', 'd']);
      void group.submit(['e', 'f']);
      expect(calls.map((c) => c.items)).toEqual([
        ['a', 'b'],
        ['c', 'd', 'e', 'f'],
      ]);
    } finally {
      jest.useRealTimers();
    }
  });
});
