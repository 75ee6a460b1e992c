/**
 * The one call an app makes to run its handlers on Kafka: attaches a HeraldConsumerServer to a
 * Nest application (hybrid: the app keeps serving HTTP) and, when the app uses PlatformModule,
 * registers the consumer as a readiness check so /health/ready answers 503 until the group is
 * joined and again once the consumer crashed or is closing.
 */
import type { INestApplication } from '@nestjs/common';
import { HealthRegistry } from '@app/platform';
import type { HeraldConsumerOptions } from './consumer-options';
import { HeraldConsumerServer } from './herald-consumer.server';

export function connectHeraldConsumer(
  app: INestApplication,
  options: HeraldConsumerOptions,
): HeraldConsumerServer {
  const server = new HeraldConsumerServer(options);
  // inheritAppConfig: the app's global pipes, interceptors and filters apply to handlers too.
  const microservice = app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  server.bindTo(microservice);
  let health: HealthRegistry | undefined;
  try {
    health = app.get(HealthRegistry, { strict: false });
  } catch {
    health = undefined; // an app without PlatformModule: isReady() is still there
  }
  health?.register({
    name: `kafka-consumer:${options.groupId}`,
    check: async () => {
      const problem = server.readinessProblem();
      if (problem !== undefined) throw new Error(problem);
    },
  });
  return server;
}
