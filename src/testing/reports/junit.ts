// JUnit XML, the common format: node:test's `--test-reporter=junit` (verified against
// node 20.20.2, which nests describe blocks as <testsuite> and writes no `file` attribute),
// and any writer that puts `file` on <testcase> or <testsuite> (jest-junit, mocha-junit-reporter).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ParsedOutcome, ParsedReport, ParsedTest, ParseOptions } from './report';
import { readReportFile, ReportError, toWorkspaceFile } from './report';

interface XmlNode {
  testsuite?: XmlNode[];
  testcase?: XmlNode[];
  failure?: XmlDetail[];
  error?: XmlDetail[];
  skipped?: XmlDetail[];
  [attr: `@_${string}`]: string | undefined;
}

type XmlDetail = { '#text'?: string; '@_message'?: string } | string;

const LISTS = new Set(['testsuite', 'testcase', 'failure', 'error', 'skipped']);

// Suite names that stand for "the whole run" rather than a describe block.
const PLACEHOLDER_SUITES = new Set(['', 'root', 'Root Suite', 'Mocha Tests', 'jest tests']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => LISTS.has(name),
});

function detailMessage(list: XmlDetail[] | undefined): string | undefined {
  const d = list?.[0];
  if (d === undefined) return undefined;
  if (typeof d === 'string') return d.split('\n')[0] || undefined;
  return d['@_message'] || d['#text']?.split('\n')[0] || undefined;
}

interface Walk {
  suites: string[];
  file?: string;
}

export function parseJunit(text: string, opts: ParseOptions): ParsedReport {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new ReportError(`the JUnit report is truncated or not XML (line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg})`);
  }
  const doc = parser.parse(text) as { testsuites?: XmlNode | ''; testsuite?: XmlNode[] };
  const root: XmlNode | undefined = doc.testsuites !== undefined ? (doc.testsuites === '' ? {} : doc.testsuites) : doc.testsuite ? { testsuite: doc.testsuite } : undefined;
  if (!root) throw new ReportError('not a JUnit report: expected <testsuites> or <testsuite>');

  const tests: ParsedTest[] = [];
  const isFileName = (name: string, file: string | undefined) => !!file && (name === file || toWorkspaceFile(name, opts.workspaceDir) === toWorkspaceFile(file, opts.workspaceDir));

  const visitCase = (c: XmlNode, at: Walk) => {
    const name = c['@_name'] ?? '';
    const fileAttr = c['@_file'] ?? at.file;
    let suites = at.suites;
    const classname = c['@_classname'];
    // Java-style writers put the suite in classname; node:test writes the constant "test".
    if (suites.length === 0 && classname && classname !== 'test' && classname !== name && !isFileName(classname, fileAttr)) suites = [classname];
    // Writers that use the full title as the name repeat the suite path in front of it.
    const prefix = suites.join(' ') + ' ';
    const title = suites.length > 0 && name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : name;
    let outcome: ParsedOutcome = 'passed';
    let message: string | undefined;
    if (c.failure?.length || c.error?.length) {
      outcome = 'failed';
      message = detailMessage(c.failure) ?? detailMessage(c.error);
    } else if (c.skipped?.length) {
      outcome = 'skipped';
    }
    const test: ParsedTest = { ref: { file: fileAttr ? toWorkspaceFile(fileAttr, opts.workspaceDir) : '', title: [...suites, title] }, outcome };
    if (!fileAttr) test.fileUnknown = true;
    const seconds = Number(c['@_time']);
    if (c['@_time'] !== undefined && Number.isFinite(seconds)) test.durationMs = Math.round(seconds * 1000 * 1000) / 1000;
    if (message) test.message = message;
    tests.push(test);
  };

  const visitSuite = (s: XmlNode, at: Walk) => {
    const file = s['@_file'] ?? at.file;
    const name = s['@_name'] ?? '';
    const here: Walk = { suites: PLACEHOLDER_SUITES.has(name) || isFileName(name, file) ? at.suites : [...at.suites, name] };
    if (file !== undefined) here.file = file;
    for (const c of s.testcase ?? []) visitCase(c, here);
    for (const child of s.testsuite ?? []) visitSuite(child, here);
  };

  for (const c of root.testcase ?? []) visitCase(c, { suites: [] });
  for (const s of root.testsuite ?? []) visitSuite(s, { suites: [] });
  return { format: 'junit', tests };
}

export function readJunit(path: string, opts: ParseOptions): ParsedReport {
  return parseJunit(readReportFile(path), opts);
}
