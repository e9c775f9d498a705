// The layout the public-log tests share (a records folder, the summary cache and the kept
// sections beside it, the log), and what the log must say: a full render of every valid record.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderPublicLog } from '../../../src/model/publicLog';
import { parseRecord } from '../../../src/store/recordFile';

export interface PublicLogFiles {
  folder: string;
  cacheFile: string;
  sectionsFile: string;
  logFile: string;
}

export function publicLogFiles(dir: string): PublicLogFiles {
  return {
    folder: path.join(dir, '.incidents'),
    cacheFile: path.join(dir, 'cache', 'summaries.json'),
    sectionsFile: path.join(dir, 'cache', 'summaries.public-log.jsonl'),
    logFile: path.join(dir, 'INCIDENT-LOG.md'),
  };
}

/** The log rendered from every record in the folder parsed now. */
export function fullRenderOf(folder: string): string {
  const incidents = fs
    .readdirSync(folder)
    .map((n) => parseRecord(path.join(folder, n), fs.readFileSync(path.join(folder, n))))
    .flatMap((r) => (r.kind === 'ok' ? [r.incident] : []));
  return renderPublicLog(incidents);
}
