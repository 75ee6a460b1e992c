import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first truthy value the probe yields', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `after ${calls}` : undefined), { intervalMs: 1 });
    expect(value).toBe('after 3');
  });

  it('treats a throwing probe as "not yet" and reports its last error on timeout', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('broker not ready');
        },
        { timeoutMs: 30, intervalMs: 5, description: 'the broker' },
      ),
    ).rejects.toThrow('timed out after 30 ms waiting for the broker; last error: broker not ready');
  });
});
