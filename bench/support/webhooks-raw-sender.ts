/**
 * The delivery benchmark's baseline: a raw undici POST loop in the bench process, `concurrency`
 * requests in flight, each POSTing the same body and headers as one of the app's deliveries to
 * the same receiver, with an undici Agent configured as the app's sender is (keep-alive pools,
 * no undici timeouts) but without the guarded connector, rendering, signing or bookkeeping.
 */
import { Agent } from 'undici';

export interface RawPostOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly concurrency: number;
  readonly seconds: number;
}

export async function runRawPosts(options: RawPostOptions): Promise<{ requests: number; errors: number }> {
  const agent = new Agent({ keepAliveTimeout: 4_000, headersTimeout: 0, bodyTimeout: 0 });
  const url = new URL(options.url);
  const end = performance.now() + options.seconds * 1000;
  let requests = 0;
  let errors = 0;
  const loop = async () => {
    while (performance.now() < end) {
      try {
        const response = await agent.request({
          origin: url.origin,
          path: url.pathname,
          method: 'POST',
          headers: options.headers,
          body: options.body,
        });
        await response.body.text();
        if (response.statusCode >= 300) errors++;
        requests++;
      } catch {
        errors++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, loop));
  } finally {
    await agent.close();
  }
  return { requests, errors };
}
