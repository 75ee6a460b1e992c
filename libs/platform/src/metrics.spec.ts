import { MetricsService } from './metrics';

describe('MetricsService', () => {
  it("names process and Node.js metrics as prom-client's standard ones, labelled with the service", async () => {
    const metrics = new MetricsService('gateway');
    metrics.httpRequestDuration.observe({ method: 'GET', route: '/health/live', status_code: '200' }, 0.002);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^process_cpu_seconds_total\{service="gateway"\} \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes\{service="gateway"\} \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds\{service="gateway"\} /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes\{service="gateway"\} \d/m);
    expect(text).toContain(
      'herald_http_request_duration_seconds_count{service="gateway",method="GET",route="/health/live",status_code="200"} 1',
    );
    const names = [...text.matchAll(/^# TYPE (\S+)/gm)].map((match) => match[1]);
    expect(names.filter((name) => name?.startsWith('herald_'))).toEqual([
      'herald_http_request_duration_seconds',
    ]);
  });
});
