import {
  formatNumber,
  mediansOf,
  renderReport,
  renderScenario,
  type ScenarioResult,
} from '../src/report';

const scenario = (overrides: Partial<ScenarioResult> = {}): ScenarioResult => {
  const measurements = [
    { variant: 'Darkroom', run: 1, metrics: { jobsPerSecond: 100, failed: 0 } },
    { variant: 'raw | BullMQ', run: 1, metrics: { jobsPerSecond: 4000, failed: 0 } },
    { variant: 'Darkroom', run: 2, metrics: { jobsPerSecond: 300, failed: 1 } },
    { variant: 'Darkroom', run: 3, metrics: { jobsPerSecond: 200, failed: 0 } },
  ];
  return {
    id: 'overhead',
    title: '1. Overhead',
    parameters: { jobs: 5000, emulator: 'timeFactor 0' },
    columns: [
      { key: 'jobsPerSecond', label: 'jobs/s', digits: 0 },
      { key: 'failed', label: 'failed', digits: 0 },
      { key: 'pollsPerJob', label: 'polls/job', digits: 2 },
    ],
    measurements,
    medians: mediansOf(measurements),
    figures: [{ label: 'ratio', value: 20, digits: 1, target: '>= 20' }],
    notes: ['measured side by side'],
    ...overrides,
  };
};

describe('mediansOf', () => {
  it('takes the median of each metric per variant, in the order variants first appear', () => {
    const medians = mediansOf(scenario().measurements);
    expect(Object.keys(medians)).toEqual(['Darkroom', 'raw | BullMQ']);
    expect(medians.Darkroom).toEqual({ jobsPerSecond: 200, failed: 0 });
    expect(medians['raw | BullMQ']?.jobsPerSecond).toBe(4000);
  });
});

describe('formatNumber', () => {
  it('uses fixed decimals with thousands separators and a dash for missing values', () => {
    expect(formatNumber(14134.4, 0)).toBe('14,134');
    expect(formatNumber(1.005, 2)).toBe('1.01');
    expect(formatNumber(Number.NaN)).toBe('–');
    expect(formatNumber(undefined)).toBe('–');
  });
});

describe('renderScenario', () => {
  it('renders one row of medians per variant with its run count, escaping pipes', () => {
    const lines = renderScenario(scenario()).split('\n');
    expect(lines).toContain('| variant | runs | jobs/s | failed | polls/job |');
    expect(lines).toContain('| Darkroom | 3 | 200 | 0 | – |');
    expect(lines).toContain('| raw \\| BullMQ | 1 | 4,000 | 0 | – |');
  });

  it('lists parameters, derived figures with their targets, and notes', () => {
    const text = renderScenario(scenario());
    expect(text).toContain('Parameters: jobs=5000, emulator=timeFactor 0');
    expect(text).toContain('- ratio: **20.0** (target >= 20)');
    expect(text).toContain('> measured side by side');
  });

  it('shows the load average the scenario ran under', () => {
    const text = renderScenario(scenario({ loadAverage: { start: 1.234, end: 2.5 } }));
    expect(text).toContain('Load average (1 min), start / end: 1.23 / 2.50');
  });

  it('leaves out the figures and notes sections when there are none', () => {
    const text = renderScenario(scenario({ figures: [], notes: [] }));
    expect(text).not.toContain('- ');
    expect(text).not.toContain('> ');
  });
});

describe('renderReport', () => {
  it('starts with the command that produced it and the machine, then each scenario', () => {
    const text = renderReport({
      command: 'pnpm bench -- --quick',
      date: '2026-01-01T00:00:00.000Z',
      wallSeconds: 61.2,
      quick: true,
      machine: {
        cpuModel: 'Test CPU',
        cores: 2,
        memoryGiB: 4,
        node: '20.0.0',
        redis: '7.0.0',
        platform: 'linux',
        packages: { bullmq: '6.7.0' },
      },
      scenarios: [scenario()],
    });
    expect(text).toMatch(/^# Darkroom benchmark results/);
    expect(text).toContain(
      'Produced by `pnpm bench -- --quick` on 2026-01-01T00:00:00.000Z in 61 s (quick mode).',
    );
    expect(text).toContain('Test CPU, 2 cores, 4.0 GiB, Node 20.0.0, Redis 7.0.0');
    expect(text).toContain('## 1. Overhead');
    expect(text.endsWith('\n')).toBe(true);
  });
});
