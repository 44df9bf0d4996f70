import { exerciseAllMetrics } from './exercise';
import { promtool } from './promtool';

describe('metric output', () => {
  it('passes `promtool check metrics` with every metric class exercised', async () => {
    const register = exerciseAllMetrics(['removeBackground', 'autoTone'], ['acct-a', 'acct-b']);
    const text = await register.metrics();
    expect(text).toContain('darkroom_jobs_completed_total');
    expect(text).toContain('darkroom_nodejs_eventloop_lag_p99_seconds');
    const { status, output } = promtool(['check', 'metrics'], text);
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('names every Darkroom metric with the darkroom_ prefix and a base-unit suffix', async () => {
    const register = exerciseAllMetrics();
    const json = await register.getMetricsAsJSON();
    for (const metric of json) {
      expect(metric.name).toMatch(/^darkroom_/);
      if (String(metric.type) === 'counter') expect(metric.name).toMatch(/_total$/);
      if (/duration|wait|lag|age|remote/.test(metric.name)) expect(metric.name).toMatch(/_seconds/);
    }
  });
});
