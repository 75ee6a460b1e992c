import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('writes a lone item at once and groups the items that arrive meanwhile', async () => {
    const writes: number[][] = [];
    const commit = new GroupCommit(async (items: readonly number[]) => {
      writes.push([...items]);
      return items.map((i) => i * 10);
    });
    const results = await Promise.all([1, 2, 3, 4].map((i) => commit.submit(i)));
    expect(results).toEqual([10, 20, 30, 40]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a batch at maxBatch', async () => {
    const sizes: number[] = [];
    const commit = new GroupCommit(async (items: readonly number[]) => {
      sizes.push(items.length);
      return [...items];
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => commit.submit(i)));
    expect(sizes).toEqual([1, 2, 2]);
  });

  it('fails only the caller whose item fails: a failed batch is retried item by item', async () => {
    const commit = new GroupCommit(async (items: readonly number[]) => {
      if (items.includes(3)) throw new Error(`cannot write ${items.join(',')}`);
      return [...items];
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => commit.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toEqual(new Error('cannot write 3'));
  });
});
