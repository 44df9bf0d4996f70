import { SCENARIO_IDS, type ScenarioId } from './report';

export interface BenchArgs {
  /** Scenarios to run, in the suite's order. @defaultValue all */
  only: ScenarioId[];
  /** Smaller batches (100,000 jobs for scale) for a run of a few minutes. @defaultValue false */
  quick: boolean;
  /** Runs per variant. @defaultValue 3 */
  runs: number;
  /** Where results go. @defaultValue `<repo>/bench/results` */
  outDir?: string;
}

export class BenchArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

const isScenario = (name: string): name is ScenarioId =>
  (SCENARIO_IDS as readonly string[]).includes(name);

/** Parses `--only a,b`, `--only a --only b`, `--quick`, `--runs N`, `--out DIR`. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const only = new Set<ScenarioId>();
  let quick = false;
  let runs = 3;
  let outDir: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[(i += 1)];
      if (v === undefined || v === '') throw new BenchArgsError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--':
        break;
      case '--quick':
        quick = true;
        break;
      case '--only':
        for (const name of value().split(',')) {
          if (!isScenario(name)) {
            throw new BenchArgsError(
              `--only: unknown scenario "${name}"; one of ${SCENARIO_IDS.join(', ')}`,
            );
          }
          only.add(name);
        }
        break;
      case '--runs': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1)
          throw new BenchArgsError('--runs must be an integer >= 1');
        runs = n;
        break;
      }
      case '--out':
        outDir = value();
        break;
      default:
        throw new BenchArgsError(`unknown argument ${arg}`);
    }
  }
  return {
    only: SCENARIO_IDS.filter((id) => only.size === 0 || only.has(id)),
    quick,
    runs,
    ...(outDir ? { outDir } : {}),
  };
}
