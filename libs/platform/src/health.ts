/**
 * Liveness and readiness. Liveness only says the process serves HTTP; readiness runs the
 * checks that modules registered for the connections this app really uses (Kafka, Postgres),
 * each bounded by a timeout so a hung dependency answers "down" instead of hanging the probe.
 */
import { Controller, Get, Injectable, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency is usable; rejects with the reason otherwise. */
  check(): Promise<void>;
}

export type CheckResult = { status: 'up' } | { status: 'down'; error: string };

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, CheckResult>;
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(check: ReadinessCheck): void {
    this.checks.set(check.name, check);
  }

  async readiness(timeoutMs = CHECK_TIMEOUT_MS): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks.values()].map(async (c): Promise<[string, CheckResult]> => {
        try {
          await withTimeout(c.check(), timeoutMs);
          return [c.name, { status: 'up' }];
        } catch (error) {
          return [c.name, { status: 'down', error: error instanceof Error ? error.message : String(error) }];
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const allUp = entries.every(([, r]) => r.status === 'up');
    return { status: allUp ? 'ok' : 'unavailable', checks };
  }
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up and serving HTTP' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Every dependency this app uses answers (503 otherwise)' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const report = await this.registry.readiness();
    if (report.status !== 'ok') void reply.status(503);
    return report;
  }
}
