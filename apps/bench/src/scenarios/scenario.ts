import {
  mediansOf,
  type DerivedFigure,
  type Measurement,
  type MetricColumn,
  type ScenarioId,
  type ScenarioResult,
} from '../report';

export interface ScenarioContext {
  quick: boolean;
  /** Runs per variant (at least 1). */
  runs: number;
  log(message: string): void;
}

export type Scenario = (ctx: ScenarioContext) => Promise<ScenarioResult>;

/** Assembles a result: medians from the measurements, then figures computed from the medians. */
export function buildResult(input: {
  id: ScenarioId;
  title: string;
  parameters: Record<string, unknown>;
  columns: MetricColumn[];
  measurements: Measurement[];
  figures: (medians: Record<string, Record<string, number>>) => DerivedFigure[];
  notes: string[];
}): ScenarioResult {
  const medians = mediansOf(input.measurements);
  return {
    id: input.id,
    title: input.title,
    parameters: input.parameters,
    columns: input.columns,
    measurements: input.measurements,
    medians,
    figures: input.figures(medians),
    notes: input.notes,
  };
}

/** Round to 3 significant decimals so results files stay readable. */
export function rounded(metrics: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(metrics).map(([k, v]) => [
      k,
      Number.isFinite(v) ? Math.round(v * 1000) / 1000 : v,
    ]),
  );
}
