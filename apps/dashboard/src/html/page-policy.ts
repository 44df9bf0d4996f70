import { createHash } from 'node:crypto';

/**
 * The Content-Security-Policy of the dashboard's own pages: no script, no frame, nothing
 * fetched; only the page's one inline style, allowed by its hash. `formAction` is where the
 * page's form may submit (`'none'` for a page without a form).
 */
export function pagePolicy(style: string, formAction: "'none'" | "'self'" = "'none'"): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`,
    "base-uri 'none'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
  ].join('; ');
}
