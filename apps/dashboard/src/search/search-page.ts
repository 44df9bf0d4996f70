import { editSearchStates, type EditJobStatus } from '@darkroom/jobs';
import { escapeHtml } from '../html/escape-html';
import { pagePolicy } from '../html/page-policy';

/** The search's fields, as the query string carries them (`limit` has no input of its own). */
export const SEARCH_FIELDS = ['tenant', 'adobeJobId', 'state', 'limit'] as const;
export type SearchForm = Partial<Record<(typeof SEARCH_FIELDS)[number], string>>;

/** One edit queue's page of matches. */
export interface QueueMatches {
  queue: string;
  items: EditJobStatus[];
  /** Present when more edits may match: the next page of this queue. */
  cursor?: string;
  /** Entries looked at for this page. */
  scanned: number;
}

const STYLE = [
  'body{font:14px system-ui,sans-serif;margin:24px;color:#1b1f24}',
  'form{display:flex;gap:12px;align-items:end;flex-wrap:wrap;margin:8px 0 16px}',
  'label{display:flex;flex-direction:column;gap:2px;font-size:12px;color:#57606a}',
  'input,select,button{font:inherit;padding:4px 8px}',
  'table{border-collapse:collapse;margin:8px 0 24px}',
  'th,td{border:1px solid #d0d7de;padding:4px 10px;text-align:left;vertical-align:top}',
  'thead th{background:#f6f8fa}',
  '.muted{color:#57606a;font-size:12px}',
  '.error{color:#cf222e}',
].join('');

/**
 * The page's policy: no script, nothing fetched, only its own inline style (by hash); its form
 * may submit to this origin only.
 */
export const SEARCH_PAGE_CSP = pagePolicy(STYLE, "'self'");

/** Where the search page and the board live, already under the base path. */
export interface SearchLinks {
  page: string;
  json: string;
  board: string;
}

const iso = (ms: number | undefined): string => (ms ? new Date(ms).toISOString() : '');

/** A link to the edit's page in Bull Board. */
export function boardJobPath(board: string, queue: string, id: string): string {
  return `${board}queue/${encodeURIComponent(queue)}/${encodeURIComponent(id)}`;
}

/** What became of the edit: its failure's reason and message, or its outputs. */
function outcomeOf(edit: EditJobStatus): string {
  if (edit.failure) return `${edit.failure.reason}: ${edit.failure.message}`;
  // Typed, but read from Redis: a job a script completed by hand may hold any return value.
  const outputs: unknown = edit.result?.outputs;
  if (!Array.isArray(outputs)) return '';
  return outputs.length === 1 ? '1 output' : `${outputs.length} outputs`;
}

function row(board: string, queue: string, edit: EditJobStatus): string {
  const adobe = [edit.remoteJobId, ...(edit.earlierRemoteJobIds ?? [])].filter(Boolean).join(', ');
  const cells = [
    edit.state,
    edit.tenant ?? 'default',
    edit.operation,
    edit.account,
    adobe,
    iso(edit.enqueuedAt),
    outcomeOf(edit),
  ].map((text) => `<td>${escapeHtml(text)}</td>`);
  const link = `<a href="${escapeHtml(boardJobPath(board, queue, edit.id))}">${escapeHtml(edit.id)}</a>`;
  return `<tr><td>${link}</td>${cells.join('')}</tr>`;
}

const HEADERS = [
  'edit',
  'state',
  'tenant',
  'operation',
  'account',
  'Adobe job',
  'enqueued',
  'outcome',
];

/** The query string of the next page of one queue: the same form, that queue, its cursor. */
function nextPageHref(links: SearchLinks, form: SearchForm, queue: string, cursor: string): string {
  const params = new URLSearchParams();
  for (const field of SEARCH_FIELDS) if (form[field]) params.set(field, form[field]);
  params.set('queue', queue);
  params.set('cursor', cursor);
  return `${links.page}?${params.toString()}`;
}

function section(links: SearchLinks, form: SearchForm, matches: QueueMatches): string {
  const head = HEADERS.map((h) => `<th scope="col">${h}</th>`).join('');
  const body =
    matches.items.length === 0
      ? `<tr><td colspan="${HEADERS.length}">no edit matches</td></tr>`
      : matches.items.map((edit) => row(links.board, matches.queue, edit)).join('');
  const more = matches.cursor
    ? ` · <a href="${escapeHtml(nextPageHref(links, form, matches.queue, matches.cursor))}">more in this queue</a>`
    : '';
  return [
    `<h2>queue ${escapeHtml(matches.queue)}</h2>`,
    `<p class="muted">${matches.items.length} shown, ${matches.scanned} entries looked at${more}</p>`,
    `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`,
  ].join('\n');
}

function formHtml(action: string, form: SearchForm): string {
  const value = (field: keyof SearchForm): string => escapeHtml(form[field] ?? '');
  const options = ['', ...editSearchStates].map((state) => {
    const selected = (form.state ?? '') === state ? ' selected' : '';
    return `<option value="${state}"${selected}>${state || 'any state'}</option>`;
  });
  // A limit given in the address is kept for the next search, without an input of its own.
  const limit = form.limit ? `<input type="hidden" name="limit" value="${value('limit')}">` : '';
  return [
    `<form method="get" action="${escapeHtml(action)}">`,
    `<label>tenant<input name="tenant" value="${value('tenant')}" maxlength="64"></label>`,
    `<label>Adobe job id<input name="adobeJobId" value="${value('adobeJobId')}" maxlength="200"></label>`,
    `<label>state<select name="state">${options.join('')}</select></label>`,
    limit,
    '<button type="submit">Search</button>',
    '</form>',
  ].join('\n');
}

/**
 * The search page: the form, then one table per edit queue of the edits that match, newest
 * first, each linking to its page in Bull Board; or the form and what was wrong with it.
 */
export function renderSearchPage(
  links: SearchLinks,
  form: SearchForm,
  outcome: { matches: QueueMatches[] } | { error: string },
): string {
  const results =
    'error' in outcome
      ? [`<p class="error">${escapeHtml(outcome.error)}</p>`]
      : outcome.matches.map((matches) => section(links, form, matches));
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<title>Darkroom edit search</title>',
    `<style>${STYLE}</style>`,
    '</head><body>',
    '<h1>Search edits</h1>',
    `<p class="muted">by tenant (<code>default</code> for edits that named none) or by the id ` +
      `of an Adobe job an edit submitted · <a href="${escapeHtml(links.board)}">queues</a> · ` +
      `<a href="${escapeHtml(links.json)}">JSON</a></p>`,
    formHtml(links.page, form),
    ...results,
    '</body></html>',
    '',
  ].join('\n');
}
