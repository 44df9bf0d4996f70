import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { infraDir, repoRoot } from './support/paths';

interface Rule {
  alert?: string;
  annotations?: Record<string, string>;
}

const RUNBOOK = 'RELIABILITY.md';

function alertRules(): Rule[] {
  const file = parse(readFileSync(path.join(infraDir, 'prometheus/alerts.yml'), 'utf8')) as {
    groups: { rules: Rule[] }[];
  };
  return file.groups.flatMap((group) => group.rules).filter((rule) => rule.alert);
}

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** Each heading's anchor with the text of its section, up to the next heading of any level. */
function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = markdown.split(/^(#{1,6} .*)$/m);
  for (let i = 1; i < parts.length; i += 2) {
    out.set(anchorOf((parts[i] ?? '').replace(/^#+ /, '')), parts[i + 1] ?? '');
  }
  return out;
}

/** What is wrong with an alert's runbook link: missing, not into the runbook, or no such section. */
function runbookProblems(rules: Rule[], runbook: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const { alert, annotations } of rules) {
    const url = annotations?.runbook_url;
    const anchor = url?.startsWith(`${RUNBOOK}#`) ? url.slice(RUNBOOK.length + 1) : undefined;
    if (anchor === undefined) {
      problems.push(`${alert}: runbook_url ${url ?? '(none)'} is not a section of ${RUNBOOK}`);
      continue;
    }
    const section = runbook.get(anchor);
    if (section === undefined) {
      problems.push(`${alert}: ${RUNBOOK} has no section #${anchor}`);
      continue;
    }
    for (const part of ['**Means**', '**Check**', '**Do**']) {
      if (!section.includes(part)) problems.push(`${alert}: #${anchor} does not say ${part}`);
    }
  }
  return problems;
}

describe("the alerts' runbooks", () => {
  const runbook = sections(readFileSync(path.join(repoRoot, RUNBOOK), 'utf8'));

  it('give every alert a runbook_url to a section of RELIABILITY.md that says what to check and do', () => {
    const rules = alertRules();
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining(['DarkroomNoConsumer', 'DarkroomProcessDown']),
    );
    expect(runbookProblems(rules, runbook)).toEqual([]);
  });

  it('name one section per alert, after the alert', () => {
    for (const { alert, annotations } of alertRules()) {
      expect({ alert, runbook_url: annotations?.runbook_url }).toEqual({
        alert,
        runbook_url: `${RUNBOOK}#${anchorOf(alert ?? '')}`,
      });
    }
  });

  it('would catch a missing link, a missing section and a section that says nothing to do', () => {
    const rules: Rule[] = [
      { alert: 'A', annotations: {} },
      { alert: 'B', annotations: { runbook_url: `${RUNBOOK}#no-such-section` } },
      { alert: 'C', annotations: { runbook_url: `${RUNBOOK}#short` } },
    ];
    const short = sections('## Short\n\n**Means**: something.\n');
    expect(runbookProblems(rules, short)).toEqual([
      `A: runbook_url (none) is not a section of ${RUNBOOK}`,
      `B: ${RUNBOOK} has no section #no-such-section`,
      'C: #short does not say **Check**',
      'C: #short does not say **Do**',
    ]);
  });

  it('makes anchors the way GitHub does', () => {
    expect(anchorOf('A job is never lost once `enqueue` returned')).toBe(
      'a-job-is-never-lost-once-enqueue-returned',
    );
    expect(anchorOf('DarkroomNoConsumer')).toBe('darkroomnoconsumer');
  });
});
