import type { SmokeReport } from './types.js';

function escape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters even when escaped.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** The report as JUnit XML, in the shape GitHub Actions, GitLab, Jenkins and Azure Pipelines read. */
export function toJUnit(report: SmokeReport, timestamp: Date): string {
  const failures = report.checks.filter((c) => c.status === 'fail').length;
  const skipped = report.checks.filter((c) => c.status === 'skip').length;
  const total = report.checks.reduce((sum, c) => sum + c.durationMs, 0);
  const counts = `tests="${report.checks.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(total)}"`;
  const cases = report.checks.map((c) => {
    const open = `    <testcase classname="switchyard.smoke" name="${c.name}" time="${seconds(c.durationMs)}"`;
    const reason = escape(c.reason ?? '');
    if (c.status === 'fail') return `${open}>\n      <failure message="${reason}" type="SmokeCheckFailed">${reason}</failure>\n    </testcase>`;
    if (c.status === 'skip') return `${open}>\n      <skipped message="${reason}"/>\n    </testcase>`;
    return `${open}>\n      <system-out>${reason}</system-out>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="switchyard smoke" ${counts}>`,
    `  <testsuite name="switchyard smoke" ${counts} timestamp="${timestamp.toISOString().replace(/\.\d{3}Z$/, '')}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
