// Every id the manifest and the code share, defined once. package.json repeats them by
// necessity; test/unit/manifest.test.ts checks the two agree.

export const EXTENSION_ID = 'incident-room.incident-room';

export const VIEW_CONTAINER = 'incidentRoom';
export const VIEW_INCIDENTS = 'incidentRoom.incidents';

export const COMMANDS = {
  declare: 'incidentRoom.declare',
  openRecord: 'incidentRoom.openRecord',
  revealInTree: 'incidentRoom.revealInTree',
  refresh: 'incidentRoom.refresh',
  openProblem: 'incidentRoom.openProblem',
} as const;
export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export const CONTEXT = {
  hasIncidents: 'incidentRoom.hasIncidents',
  hasBrokenRecords: 'incidentRoom.hasBrokenRecords',
} as const;

/** Settings under the `incidentRoom` section. */
export const SETTINGS_SECTION = 'incidentRoom';
export const SETTINGS = {
  recordsFolder: 'recordsFolder',
  peopleFile: 'peopleFile',
  actor: 'actor',
} as const;

export const DEFAULT_RECORDS_FOLDER = '.incidents';
