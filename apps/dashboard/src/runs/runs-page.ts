import { type RecipeRunStatus, type RecipeRunStep } from '@darkroom/jobs';
import { escapeHtml } from '../html/escape-html';
import { pagePolicy } from '../html/page-policy';
import { boardJobPath } from '../search/search-page';
import { RUNS_PER_QUEUE, runListStates, type RunListState } from './runs-query';

/** One edit queue's newest runs. */
export interface QueueRuns {
  /** The edit queue. */
  queue: string;
  /** The runs queue they are read from (`<queue>-runs`). */
  runsQueue: string;
  runs: RecipeRunStatus[];
}

/** Where the runs page, its JSON and the board live, already under the base path. */
export interface RunsLinks {
  page: string;
  json: string;
  board: string;
}

const STYLE = [
  'body{font:14px system-ui,sans-serif;margin:24px;color:#1b1f24}',
  'table{border-collapse:collapse;margin:8px 0 24px}',
  'th,td{border:1px solid #d0d7de;padding:4px 10px;text-align:left;vertical-align:top}',
  'thead th,tbody th{background:#f6f8fa}',
  'ul{margin:0;padding-left:18px}',
  'td a{white-space:nowrap}',
  '.muted{color:#57606a;font-size:12px}',
  '.error{color:#cf222e}',
].join('');

/** The page's policy: no script, no form, nothing fetched; only its own inline style (by hash). */
export const RUNS_PAGE_CSP = pagePolicy(STYLE);

const iso = (ms: number | undefined): string => (ms ? new Date(ms).toISOString() : '');

const cell = (text: string): string => `<td>${escapeHtml(text)}</td>`;

const link = (href: string, text: string): string =>
  `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;

/** The page of one run; `queue` is the edit queue it belongs to. */
export function runHref(page: string, id: string, queue: string): string {
  const params = new URLSearchParams({ id, queue });
  return `${page}?${params.toString()}`;
}

/** The list narrowed to `state`, or the whole list. */
function listHref(page: string, state?: RunListState): string {
  return state ? `${page}?${new URLSearchParams({ state }).toString()}` : page;
}

function page(title: string, body: string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}

/** What became of a run: its failure (the step, reason and message), or its outputs. */
function outcomeOf(run: RecipeRunStatus): string {
  if (run.failure) {
    const where = run.failure.step ? `step ${run.failure.step}: ` : '';
    return `${where}${run.failure.reason}: ${run.failure.message}`;
  }
  if (!run.outputs) return '';
  return run.outputs.length === 1 ? '1 output' : `${run.outputs.length} outputs`;
}

const LIST_HEADERS = [
  'run',
  'recipe',
  'state',
  'tenant',
  'steps completed',
  'enqueued',
  'finished',
  'outcome',
];

function listRow(links: RunsLinks, queue: string, run: RecipeRunStatus): string {
  const completed = run.steps.filter((s) => s.state === 'completed').length;
  const cells = [
    run.recipe,
    run.state,
    run.tenant ?? 'default',
    `${completed} of ${run.steps.length}`,
    iso(run.enqueuedAt),
    iso(run.finishedAt),
    outcomeOf(run),
  ].map(cell);
  return `<tr><td>${link(runHref(links.page, run.id, queue), run.id)}</td>${cells.join('')}</tr>`;
}

function listSection(links: RunsLinks, found: QueueRuns): string {
  const head = LIST_HEADERS.map((h) => `<th scope="col">${h}</th>`).join('');
  const body =
    found.runs.length === 0
      ? `<tr><td colspan="${LIST_HEADERS.length}">no run</td></tr>`
      : found.runs.map((run) => listRow(links, found.queue, run)).join('');
  return [
    `<h2>queue ${escapeHtml(found.queue)}</h2>`,
    `<p class="muted">${found.runs.length} shown, from the runs queue ` +
      `${escapeHtml(found.runsQueue)}</p>`,
    `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`,
  ].join('\n');
}

/** Links to the list in each state, the one shown as text. */
function stateFilter(links: RunsLinks, current: RunListState | undefined): string {
  const choices: (RunListState | undefined)[] = [undefined, ...runListStates];
  const items = choices.map((state) => {
    const text = state ?? 'any state';
    return state === current ? `<strong>${text}</strong>` : link(listHref(links.page, state), text);
  });
  return `<p>state of the runs queue: ${items.join(' · ')}</p>`;
}

/**
 * The runs list: per edit queue, its newest runs (newest enqueued first), each linking to its
 * own page, with links that narrow the list to one state of the runs queue.
 */
export function renderRunsList(
  links: RunsLinks,
  found: QueueRuns[],
  state: RunListState | undefined,
): string {
  return page('Darkroom runs', [
    '<h1>Runs</h1>',
    `<p class="muted">the newest ${RUNS_PER_QUEUE} recipe runs of each edit queue · ` +
      `${link(links.board, 'queues')} · ${link(listHref(links.json, state), 'JSON')}</p>`,
    stateFilter(links, state),
    ...found.map((q) => listSection(links, q)),
  ]);
}

const STEP_HEADERS = [
  'step',
  'needs',
  'state',
  'edit',
  'Adobe job',
  'failure reason',
  'failure message',
];

function stepRow(links: RunsLinks, queue: string, step: RecipeRunStep): string {
  // A pending step's edit is not enqueued yet: its id is known, but there is no page to open.
  const edit =
    step.state === 'pending'
      ? cell(step.editId)
      : `<td>${link(boardJobPath(links.board, queue, step.editId), step.editId)}</td>`;
  return [
    '<tr>',
    cell(step.name),
    cell(step.needs.join(', ')),
    cell(step.state),
    edit,
    cell(step.remoteJobId ?? ''),
    cell(step.failure?.reason ?? ''),
    cell(step.failure?.message ?? ''),
    '</tr>',
  ].join('');
}

function factsTable(queue: string, run: RecipeRunStatus): string {
  const params = Object.entries(run.params);
  const paramList =
    params.length === 0
      ? 'none'
      : `<ul>${params
          .map(
            ([name, value]) => `<li><code>${escapeHtml(name)}</code> = ${escapeHtml(value)}</li>`,
          )
          .join('')}</ul>`;
  const rows: [string, string][] = [
    ['queue', escapeHtml(queue)],
    ['recipe', escapeHtml(run.recipe)],
    ['state', escapeHtml(run.state)],
    ['tenant', escapeHtml(run.tenant ?? 'default')],
    ['account', escapeHtml(run.account)],
    ['round', escapeHtml(String(run.round))],
    ...(run.priority ? [['priority', escapeHtml(String(run.priority))] as [string, string]] : []),
    ...(run.deadlineAt ? [['deadline', escapeHtml(iso(run.deadlineAt))] as [string, string]] : []),
    // Origin and path only: a callback's query may carry a secret.
    ...(run.callback ? [['callback', escapeHtml(run.callback.target)] as [string, string]] : []),
    ['enqueued', escapeHtml(iso(run.enqueuedAt))],
    ['finished', escapeHtml(iso(run.finishedAt))],
    ['params', paramList],
  ];
  const body = rows.map(([name, html]) => `<tr><th scope="row">${name}</th><td>${html}</td></tr>`);
  return `<table><tbody>${body.join('')}</tbody></table>`;
}

function ending(run: RecipeRunStatus): string[] {
  if (run.failure) {
    return ['<h2>Failure</h2>', `<p class="error">${escapeHtml(outcomeOf(run))}</p>`];
  }
  if (run.outputs) {
    const items = run.outputs.map((ref) => `<li><code>${escapeHtml(ref)}</code></li>`).join('');
    return ['<h2>Outputs</h2>', run.outputs.length === 0 ? '<p>none</p>' : `<ul>${items}</ul>`];
  }
  return [];
}

/**
 * One run's page: its facts and parameters, a table of its steps (each edit linking to its page
 * in Bull Board once enqueued), then its outputs or its failure.
 */
export function renderRunPage(links: RunsLinks, queue: string, run: RecipeRunStatus): string {
  const head = STEP_HEADERS.map((h) => `<th scope="col">${h}</th>`).join('');
  const steps = run.steps.map((step) => stepRow(links, queue, step)).join('');
  return page(`Darkroom run ${run.id}`, [
    `<h1>Run ${escapeHtml(run.id)}</h1>`,
    `<p class="muted">${link(links.page, 'all runs')} · ${link(links.board, 'queues')} · ` +
      `${link(runHref(links.json, run.id, queue), 'JSON')}</p>`,
    factsTable(queue, run),
    '<h2>Steps</h2>',
    `<table><thead><tr>${head}</tr></thead><tbody>${steps}</tbody></table>`,
    ...ending(run),
  ]);
}

/** The page for a query the runs page cannot answer (400) or a run it cannot find (404). */
export function renderRunsProblem(links: RunsLinks, title: string, message: string): string {
  return page(`Darkroom runs: ${title}`, [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="error">${escapeHtml(message)}</p>`,
    `<p class="muted">${link(links.page, 'all runs')} · ${link(links.board, 'queues')}</p>`,
  ]);
}
