import type { RecipeRunStatus } from '@darkroom/jobs';

const time = (ms: number | undefined): string => (ms ? new Date(ms).toISOString() : '-');

/** One step of a run on a line: its state, its edit and Adobe job, and why it failed. */
function stepLine(step: RecipeRunStatus['steps'][number], width: number): string {
  return [
    step.name.padEnd(width),
    step.state.padEnd(9),
    `edit ${step.editId}`,
    ...(step.remoteJobId ? [`adobe job ${step.remoteJobId}`] : []),
    ...(step.failure ? [`failed ${step.failure.reason}: ${step.failure.message}`] : []),
  ].join('  ');
}

/** A run's status as aligned `key  value` lines: one line per parameter, step and output. */
export function runStatusLines(run: RecipeRunStatus): string[] {
  const rows: [string, string][] = [
    ['id', run.id],
    ['recipe', run.recipe],
    ['state', run.state],
    ['account', run.account],
  ];
  if (run.tenant) rows.push(['tenant', run.tenant]);
  if (run.priority) rows.push(['priority', String(run.priority)]);
  if (run.deadlineAt) rows.push(['deadline', time(run.deadlineAt)]);
  if (run.callback) rows.push(['callback', run.callback.target]);
  if (run.round > 0) rows.push(['round', String(run.round)]);
  rows.push(['enqueued', time(run.enqueuedAt)]);
  if (run.finishedAt) rows.push(['finished', time(run.finishedAt)]);
  for (const [name, value] of Object.entries(run.params)) rows.push(['param', `${name}=${value}`]);
  const width = Math.max(...run.steps.map((s) => s.name.length));
  for (const step of run.steps) rows.push(['step', stepLine(step, width)]);
  for (const output of run.outputs ?? []) rows.push(['output', output]);
  if (run.failure) {
    const where = run.failure.step ? `step ${run.failure.step}: ` : '';
    rows.push(['failure', `${where}${run.failure.reason}: ${run.failure.message}`]);
  }
  const keyWidth = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(keyWidth)}  ${v}`);
}
