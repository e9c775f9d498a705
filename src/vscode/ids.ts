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
  addPerson: 'incidentRoom.addPerson',
  assignRole: 'incidentRoom.assignRole',
  removeRole: 'incidentRoom.removeRole',
  handOverIm: 'incidentRoom.handOverIm',
  logContact: 'incidentRoom.logContact',
  tickStep: 'incidentRoom.tickStep',
  untickStep: 'incidentRoom.untickStep',
  copyAnnouncement: 'incidentRoom.copyAnnouncement',
  changeSeverity: 'incidentRoom.changeSeverity',
  handOffWorker: 'incidentRoom.handOffWorker',
  releasePerson: 'incidentRoom.releasePerson',
  sendEveryoneHome: 'incidentRoom.sendEveryoneHome',
  resumeWork: 'incidentRoom.resumeWork',
  recordUpdates: 'incidentRoom.recordUpdates',
  copyObserverSummary: 'incidentRoom.copyObserverSummary',
  draftCustomerUpdate: 'incidentRoom.draftCustomerUpdate',
  sendCustomerUpdate: 'incidentRoom.sendCustomerUpdate',
  exportPublicLog: 'incidentRoom.exportPublicLog',
  addCustomerQuestion: 'incidentRoom.addCustomerQuestion',
  copyPrmCallNotes: 'incidentRoom.copyPrmCallNotes',
  linkFixBranch: 'incidentRoom.linkFixBranch',
  checkoutFixBranch: 'incidentRoom.checkoutFixBranch',
  addPlanItem: 'incidentRoom.addPlanItem',
  linkAutomatedTest: 'incidentRoom.linkAutomatedTest',
  recordTestResult: 'incidentRoom.recordTestResult',
  signOff: 'incidentRoom.signOff',
  runLinkedTests: 'incidentRoom.runLinkedTests',
  closeIncident: 'incidentRoom.closeIncident',
  releaseWithoutTests: 'incidentRoom.releaseWithoutTests',
  unlinkAutomatedTest: 'incidentRoom.unlinkAutomatedTest',
  removePlanItem: 'incidentRoom.removePlanItem',
  recordNoAutomatedTest: 'incidentRoom.recordNoAutomatedTest',
  signNoAutomatedTest: 'incidentRoom.signNoAutomatedTest',
  setupGitMergeDriver: 'incidentRoom.setupGitMergeDriver',
  addTimelineNote: 'incidentRoom.addTimelineNote',
  exportTimeline: 'incidentRoom.exportTimeline',
  writePostMortem: 'incidentRoom.writePostMortem',
  postMortemReady: 'incidentRoom.postMortemReady',
  schedulePostMortemMeeting: 'incidentRoom.schedulePostMortemMeeting',
  draftPostPostMortem: 'incidentRoom.draftPostPostMortem',
  sendPostPostMortem: 'incidentRoom.sendPostPostMortem',
  incidentReport: 'incidentRoom.incidentReport',
  openTestPlan: 'incidentRoom.openTestPlan',
  editPerson: 'incidentRoom.editPerson',
  removePerson: 'incidentRoom.removePerson',
  editIncident: 'incidentRoom.editIncident',
  setUpPeopleFile: 'incidentRoom.setUpPeopleFile',
  addCustomer: 'incidentRoom.addCustomer',
  editCustomer: 'incidentRoom.editCustomer',
  removeCustomer: 'incidentRoom.removeCustomer',
} as const;
export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export const CONTEXT = {
  hasIncidents: 'incidentRoom.hasIncidents',
  hasBrokenRecords: 'incidentRoom.hasBrokenRecords',
  customerDraftActive: 'incidentRoom.customerDraftActive',
  postPostMortemDraftActive: 'incidentRoom.postPostMortemDraftActive',
  /** The level (1–3) of the incident a palette command would act on without asking; 0 when none. */
  incidentInViewLevel: 'incidentRoom.incidentInViewLevel',
} as const;

/** Settings under the `incidentRoom` section. */
export const SETTINGS_SECTION = 'incidentRoom';
export const SETTINGS = {
  recordsFolder: 'recordsFolder',
  peopleFile: 'peopleFile',
  actor: 'actor',
  quietHoursStart: 'quietHours.start',
  quietHoursEnd: 'quietHours.end',
  escalateAfterMinutes: 'escalateAfterMinutes',
  handOffAfterMinutes: 'handOffAfterMinutes',
  updateWarningMinutes: 'updateWarningMinutes',
  publicLogPath: 'publicLogPath',
  testCommand: 'testCommand',
  trustedBaseBranches: 'trustedBaseBranches',
  testTimeoutSeconds: 'testTimeoutSeconds',
  maxRecordSizeKB: 'maxRecordSizeKB',
  timelineOrder: 'timelineOrder',
  postmortemFolder: 'postmortemFolder',
  customersFile: 'customersFile',
} as const;

export const STATUS_BAR_ITEM = 'incidentRoom.countdown';

export const TEST_CONTROLLER = 'incidentRoom.tests';

export const DEFAULT_RECORDS_FOLDER = '.incidents';
