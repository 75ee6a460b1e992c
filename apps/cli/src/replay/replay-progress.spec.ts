import { MAX_METADATA_BYTES, ReplayProgress } from './replay-progress';

describe('ReplayProgress', () => {
  it('starts at 0 for a group that never committed', () => {
    const progress = ReplayProgress.fromCommit('-1', null);
    expect(progress.committedOffset).toBe('0');
    expect(progress.wasReplayed('0')).toBe(false);
  });

  it('moves the position over contiguous replayed records', () => {
    const progress = ReplayProgress.fromCommit('-1', null);
    progress.markReplayed('0');
    progress.markReplayed('1');
    expect(progress.committedOffset).toBe('2');
    expect(progress.metadata()).toBe('herald-replay:v1:');
  });

  it('remembers records replayed past a record a filter passed over, and reads them back', () => {
    const progress = ReplayProgress.fromCommit('-1', null);
    for (const offset of ['2', '3', '4', '7']) progress.markReplayed(offset);
    expect(progress.committedOffset).toBe('0');
    expect(progress.metadata()).toBe('herald-replay:v1:2-4,7');

    const next = ReplayProgress.fromCommit(progress.committedOffset, progress.metadata());
    expect(['0', '1', '2', '3', '4', '5', '7'].map((o) => next.wasReplayed(o))).toEqual([
      false,
      false,
      true,
      true,
      true,
      false,
      true,
    ]);
    next.markReplayed('0');
    next.markReplayed('1');
    expect(next.committedOffset).toBe('5');
    expect(next.metadata()).toBe('herald-replay:v1:7');
  });

  it('ignores metadata it did not write', () => {
    const progress = ReplayProgress.fromCommit('4', 'something else');
    expect(progress.committedOffset).toBe('4');
    expect(progress.wasReplayed('3')).toBe(true);
    expect(progress.wasReplayed('5')).toBe(false);
  });

  it('refuses to grow past what Kafka keeps with an offset', () => {
    const progress = ReplayProgress.fromCommit('0', null);
    for (let offset = 1; offset < MAX_METADATA_BYTES; offset += 2) progress.markReplayed(String(offset));
    expect(() => progress.metadata()).toThrow(/replay without filters/);
  });
});
