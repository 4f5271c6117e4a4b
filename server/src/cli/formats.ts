/**
 * exim-lint's output formats: text (one finding per line), json, GitHub Actions workflow
 * commands (annotations on the pull request's files) and SARIF 2.1.0 (code scanning).
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allRules } from '../core/analysis/registry';
import { Finding, Severity } from '../core/analysis/types';
import { printable } from '../core/util/printable';

export const FORMATS = ['text', 'json', 'github', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export function formatFindings(findings: Finding[], format: Format, version: string): string {
  switch (format) {
    case 'json':
      return JSON.stringify(findings.map(jsonFinding), null, 2) + '\n';
    case 'github':
      return findings.map(githubFinding).join('');
    case 'sarif':
      return JSON.stringify(sarifLog(findings, version), null, 2) + '\n';
    default:
      return findings.length > 0 ? findings.map(textFinding).join('\n') + '\n' : '';
  }
}

function jsonFinding(f: Finding) {
  return {
    file: f.loc.file,
    line: f.loc.range.start.line + 1,
    column: f.loc.range.start.character + 1,
    endLine: f.loc.range.end.line + 1,
    endColumn: f.loc.range.end.character + 1,
    severity: f.severity,
    code: f.code,
    message: f.message,
  };
}

function textFinding(f: Finding): string {
  // A file name can hold control characters too; messages are made printable by the analysis.
  return `${printable(f.loc.file)}:${f.loc.range.start.line + 1}:${f.loc.range.start.character + 1}: ${f.severity} ${f.code}: ${f.message}`;
}

const GITHUB_COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };

/** A workflow command's message: "%", CR and LF escaped. */
const githubData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
/** A workflow command's property value: also ":" and ",". */
const githubProperty = (s: string) => githubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function githubFinding(f: Finding): string {
  const r = f.loc.range;
  const props = [
    `file=${githubProperty(f.loc.file)}`,
    `line=${r.start.line + 1}`,
    `col=${r.start.character + 1}`,
    `endLine=${r.end.line + 1}`,
    `endColumn=${r.end.character + 1}`,
    `title=${githubProperty(`exim-lint ${f.code}`)}`,
  ];
  return `::${GITHUB_COMMAND[f.severity]} ${props.join(',')}::${githubData(f.message)}\n`;
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** A relative path stays relative (to the directory the check ran in); an absolute one becomes a file: URI. */
function artifactUri(path: string): string {
  return isAbsolute(path) ? pathToFileURL(path).href : encodeURI(path.replace(/\\/g, '/'));
}

function sarifLog(findings: Finding[], version: string) {
  const rules = allRules();
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'exim-lint',
            version,
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.title },
              defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => ({
          ruleId: f.code,
          ...(index.has(f.code) ? { ruleIndex: index.get(f.code) } : {}),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(f.loc.file) },
                region: {
                  startLine: f.loc.range.start.line + 1,
                  startColumn: f.loc.range.start.character + 1,
                  endLine: f.loc.range.end.line + 1,
                  endColumn: f.loc.range.end.character + 1,
                },
              },
            },
          ],
        })),
      },
    ],
  };
}
