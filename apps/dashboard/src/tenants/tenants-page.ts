import { escapeHtml } from '../html/escape-html';
import { pagePolicy } from '../html/page-policy';
import { type QueueTenants, type TenantRow, type TenantsSnapshot } from './tenants-snapshot';

/** How often the page reloads itself (a `<meta http-equiv="refresh">`, no script). */
export const TENANTS_REFRESH_SECONDS = 15;

const STYLE = [
  'body{font:14px system-ui,sans-serif;margin:24px;color:#1b1f24}',
  'table{border-collapse:collapse;margin:8px 0 24px}',
  'th,td{border:1px solid #d0d7de;padding:4px 10px;text-align:right}',
  'th:first-child,td:first-child{text-align:left}',
  'thead th{background:#f6f8fa}',
  '.muted{color:#57606a;font-size:12px}',
].join('');

/**
 * The page's policy: no script, no frame, nothing fetched; only its own inline style, allowed by
 * its hash. The refresh is a meta tag, which a CSP does not govern.
 */
export const TENANTS_PAGE_CSP = pagePolicy(STYLE);

const HEADERS = [
  'tenant',
  'waiting',
  'completed 1 h',
  'failed 1 h',
  'completed 24 h',
  'failed 24 h',
  'submits/min 1 h',
  '429s 1 h',
  '429s 24 h',
];

function row(t: TenantRow): string {
  const byAccount = t.accounts.map((a) => `${a.account} ${a.waiting}`).join(', ');
  const cells = [
    t.waiting,
    t.hour.completed,
    t.hour.failed,
    t.day.completed,
    t.day.failed,
    t.hour.submitsPerMinute.toFixed(2),
    t.hour.rateLimited,
    t.day.rateLimited,
  ].map((n, i) => {
    const title = i === 0 && byAccount ? ` title="${escapeHtml(byAccount)}"` : '';
    return `<td${title}>${escapeHtml(String(n))}</td>`;
  });
  return `<tr><td>${escapeHtml(t.tenant)}</td>${cells.join('')}</tr>`;
}

function section(q: QueueTenants): string {
  const head = HEADERS.map((h) => `<th scope="col">${h}</th>`).join('');
  const body =
    q.tenants.length === 0
      ? `<tr><td colspan="${HEADERS.length}">no tenant has waiting edits or usage in the last day</td></tr>`
      : q.tenants.map(row).join('');
  return [
    `<h2>queue ${escapeHtml(q.queue)}</h2>`,
    `<p class="muted">1 h counts since ${escapeHtml(q.windows.hour.since)}, 24 h since ` +
      `${escapeHtml(q.windows.day.since)} (usage is kept by the hour); waiting: edits parked ` +
      `for fair dispatch.</p>`,
    `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`,
  ].join('\n');
}

/** The tenants page: one plain table per queue, reloading itself. */
export function renderTenantsPage(
  snapshot: TenantsSnapshot,
  links: { board: string; json: string },
): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="refresh" content="${TENANTS_REFRESH_SECONDS}">`,
    '<title>Darkroom tenants</title>',
    `<style>${STYLE}</style>`,
    '</head><body>',
    '<h1>Tenants</h1>',
    `<p class="muted">as of ${escapeHtml(snapshot.generatedAt)}, every ` +
      `${TENANTS_REFRESH_SECONDS} s · <a href="${escapeHtml(links.board)}">queues</a> · ` +
      `<a href="${escapeHtml(links.json)}">JSON</a></p>`,
    ...snapshot.queues.map(section),
    '</body></html>',
    '',
  ].join('\n');
}
