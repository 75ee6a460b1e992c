/**
 * The webhooks benchmark's fast loopback receiver: a bare `node:http` server in its own process
 * (so neither the app nor the raw undici loop shares an event loop with it) that answers 204 to
 * every POST once its body has arrived, and stamps each arrival with the wall clock at sub-ms
 * precision (`performance.timeOrigin + performance.now()`, comparable across processes on one
 * machine). In `latency` mode it also reads which bench event a delivery carries (the index in
 * the payment id, see `payment()` in audit-bench-kit.ts). The parent drives it over IPC:
 * `ReceiverProcess` below is the parent's side; run as a script, this file is the child.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stopProcess } from './gateway-stack';

export interface ReceivedSample {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ReceiverReport {
  /** Arrival times (epoch ms, fractional), in arrival order. */
  readonly times: number[];
  /** In latency mode: the bench event index of each arrival (-1 when the body had none). */
  readonly indices: number[];
  /** In latency mode: the `webhook-id` (event id) of each arrival. */
  readonly ids: string[];
  /** The first request of the recording, as received. */
  readonly sample: ReceivedSample | undefined;
}

export interface ReceiverStatus {
  readonly count: number;
  readonly first: number | undefined;
  readonly last: number | undefined;
}

type Request =
  { readonly cmd: 'reset'; readonly latency: boolean } | { readonly cmd: 'status' | 'report' | 'clock' };
type Command = Request & { readonly id: number };

const now = () => performance.timeOrigin + performance.now();
const INDEX = /"payment_id":"0190f3c4-8a1b-7c3d-9e4f-(\d{12})"/;

function child(): void {
  let latency = false;
  let times: number[] = [];
  let indices: number[] = [];
  let ids: string[] = [];
  let sample: ReceivedSample | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      times.push(now());
      if (latency || sample === undefined) {
        const body = Buffer.concat(chunks).toString('utf8');
        if (latency) {
          indices.push(Number(INDEX.exec(body)?.[1] ?? -1));
          ids.push(String(req.headers['webhook-id']));
        }
        sample ??= { headers: req.headers as Record<string, string>, body };
      }
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    process.send!({ port: (server.address() as AddressInfo).port });
  });
  process.on('message', (message: Command) => {
    switch (message.cmd) {
      case 'reset':
        latency = message.latency;
        times = [];
        indices = [];
        ids = [];
        sample = undefined;
        return void process.send!({ id: message.id });
      case 'status':
        return void process.send!({
          id: message.id,
          count: times.length,
          first: times[0],
          last: times[times.length - 1],
        });
      case 'report':
        return void process.send!({ id: message.id, times, indices, ids, sample });
      case 'clock':
        return void process.send!({ id: message.id, at: now() });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/** The parent's handle on a receiver process. */
export class ReceiverProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (answer: Record<string, unknown>) => void>();

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (answer: Record<string, unknown>) => {
      const id = answer['id'] as number;
      this.pending.get(id)?.(answer);
      this.pending.delete(id);
    });
  }

  static async start(): Promise<ReceiverProcess> {
    const child = fork(__filename, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`the receiver exited with ${code}`)));
    });
    return new ReceiverProcess(child, `http://127.0.0.1:${port}/hook`);
  }

  private ask<T>(command: Request): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, (answer) => resolve(answer as T));
      this.child.send({ ...command, id });
    });
  }

  /** Forgets every arrival; `latency` reads each delivery's bench event index from then on. */
  async reset(latency = false): Promise<void> {
    await this.ask({ cmd: 'reset', latency });
  }

  status(): Promise<ReceiverStatus> {
    return this.ask({ cmd: 'status' });
  }

  report(): Promise<ReceiverReport> {
    return this.ask({ cmd: 'report' });
  }

  /**
   * The receiver's clock minus this process's (ms), from the round trip with the smallest delay
   * of a few: both stamp `timeOrigin + now()`, which can differ by the processes' start-up rounding.
   */
  async clockOffset(): Promise<{ offsetMs: number; roundTripMs: number }> {
    let best = { offsetMs: 0, roundTripMs: Number.POSITIVE_INFINITY };
    for (let i = 0; i < 20; i++) {
      const sent = now();
      const { at } = await this.ask<{ at: number }>({ cmd: 'clock' });
      const back = now();
      if (back - sent < best.roundTripMs)
        best = { offsetMs: at - (sent + back) / 2, roundTripMs: back - sent };
    }
    return best;
  }

  async stop(): Promise<void> {
    this.child.disconnect();
    await stopProcess(this.child);
  }
}

if (require.main === module) child();
