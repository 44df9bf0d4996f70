import { BenchArgsError, parseBenchArgs } from '../src/cli-args';
import { SCENARIO_IDS } from '../src/report';

describe('parseBenchArgs', () => {
  it('runs every scenario three times at full size by default', () => {
    expect(parseBenchArgs([])).toEqual({ only: [...SCENARIO_IDS], quick: false, runs: 3 });
  });

  it('keeps the suite order whatever order --only names scenarios in', () => {
    const args = parseBenchArgs(['--', '--only', 'scale,overhead', '--only=workers', '--quick']);
    expect(args.only).toEqual(['overhead', 'scale', 'workers']);
    expect(args.quick).toBe(true);
  });

  it('reads --runs and --out', () => {
    expect(parseBenchArgs(['--runs', '1', '--out=/tmp/x'])).toMatchObject({
      runs: 1,
      outDir: '/tmp/x',
    });
  });

  it.each([
    [['--only', 'nope'], /unknown scenario "nope"/],
    [['--runs', '0'], /--runs must be an integer >= 1/],
    [['--only'], /--only needs a value/],
    [['--fast'], /unknown argument --fast/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchArgsError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
