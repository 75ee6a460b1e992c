import { runService } from '@app/platform';
import { analyticsConfigSchema } from './config';
import { AnalyticsModule } from './analytics.module';

void runService(
  {
    name: 'analytics',
    title: 'Herald analytics',
    description: 'Analytics consumer: counts every event once and serves time series and a dashboard.',
    configSchema: analyticsConfigSchema,
    module: (config) => AnalyticsModule.register(config),
    port: (config) => config.ANALYTICS_PORT,
    host: (config) => config.HOST,
  },
  process.env,
);
