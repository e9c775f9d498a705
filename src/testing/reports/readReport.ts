// Picks the parser for a report format.
import { readJestJson } from './jestJson';
import { readJunit } from './junit';
import { readMochaJson } from './mochaJson';
import type { ParsedReport, ParseOptions, ReportFormat } from './report';

export function readReport(format: ReportFormat, path: string, opts: ParseOptions): ParsedReport {
  switch (format) {
    case 'junit':
      return readJunit(path, opts);
    case 'mocha-json':
      return readMochaJson(path, opts);
    case 'jest-json':
      return readJestJson(path, opts);
  }
}
