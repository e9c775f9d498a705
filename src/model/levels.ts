// The three severity levels as one table. Everything level-dependent reads it; nothing
// else branches on the level number. Summarised from the Graceful Disasters runbook family.
import type { Level } from './record';

export const RUNBOOK_URL = 'https://github.com/masukomi/graceful_disasters';

export interface ChecklistStepTemplate {
  /** Stable across levels, so done steps survive a severity change. */
  id: string;
  text: string;
}

export interface EndStepTemplate extends ChecklistStepTemplate {
  /** Must be done before the incident may close (the steps before "declare over"). */
  beforeClose: boolean;
}

/** How the level treats calling someone during their quiet hours. */
export type WakingRule = 'any-hour' | 'not-at-night' | 'next-business-day';

export interface LevelRules {
  level: Level;
  name: string;
  summary: string;
  /** Minutes between update cycles. */
  updateCadenceMinutes: number;
  /** Who receives the cycle's summary. */
  observers: string[];
  waking: WakingRule;
  wakingText: string;
  conferenceCall: boolean;
  customers: string;
  /** How customers hear of progress between calls. */
  customerEmailCadence: string;
  /** The level a fix released without its automated tests drops to. */
  releaseWithoutTestsDropsTo: Level;
  /** The IM may send everyone home and regroup in the morning. */
  regroupAllowed: boolean;
  postMortem: string;
  postPostMortem: boolean;
  /** Which way to look for an IM. */
  chooseIm: string;
  /** The runbook expects more than one developer on the problem; a lone worker is flagged. */
  multipleWorkers: boolean;
  /** The level an incident that is not solved quickly enough is elevated to, if any. */
  escalatesTo: Level | null;
  /** The IM posts their direct phone number in the chat room. */
  imPhoneInRoom: boolean;
  start: ChecklistStepTemplate[];
  end: EndStepTemplate[];
}

const step = (id: string, text: string): ChecklistStepTemplate => ({ id, text });
const endStep = (id: string, text: string, beforeClose: boolean): EndStepTemplate => ({ id, text, beforeClose });

const END_TEST_STAGING = endStep('test-staging', 'Execute the test plan in staging', true);
const END_DEPLOY = endStep('deploy', 'Deploy the fix to production', true);
const END_TEST_PRODUCTION = endStep('test-production', 'Execute the test plan in production, skipping tests that create or change customer data', true);
const END_UPDATE_OBSERVERS = endStep('update-observers', 'Update the observers', true);
const END_CONFIRM_OBSERVERS = endStep('confirm-observers', 'Confirm the observers are satisfied and the workers can be released', true);
const END_RELEASE = endStep('release-workers', 'Release the workers and anyone else', false);
const END_POST_MORTEM = endStep('post-mortem', 'Begin the post-mortem, or write notes on the key points to come back to', false);
const END_CELEBRATE = endStep('celebrate', 'Celebrate', false);

export const LEVEL_TABLE: Readonly<Record<Level, LevelRules>> = {
  1: {
    level: 1,
    name: 'Level 1',
    summary: 'Several customer sites down, a top customer down, or customers actively harmed.',
    updateCadenceMinutes: 60,
    observers: ['CEO', 'C-levels', 'SMEs as needed', 'PRM'],
    waking: 'any-hour',
    wakingText: 'Anyone may be called at any hour.',
    conferenceCall: true,
    customers: 'Call now if in office hours or affected off hours, otherwise just before their office hours.',
    customerEmailCadence: 'hourly email updates',
    releaseWithoutTestsDropsTo: 2,
    regroupAllowed: false,
    postMortem: 'Top priority; a meeting with the observers and the PRM.',
    postPostMortem: true,
    chooseIm: 'Go up the hierarchy.',
    multipleWorkers: true,
    escalatesTo: null,
    imPhoneInRoom: true,
    start: [
      step('find-workers', 'With the SME, find who should work on the problem and reach them; if unreachable, choose someone else until someone is actively working'),
      step('announce', 'Join the incident chat room and announce the incident with its level and the runbook link; post your direct phone number'),
      step('start-call', 'Start the conference call (workers muted)'),
      step('contact-observers', 'Contact the observers'),
      step('contact-prm', 'Contact the PR manager or delegate the role'),
      step('file-ticket', 'File a ticket'),
      step('link-ticket', 'Post the ticket link in the chat room and mention the ticket on the conference call'),
      step('ask-help', 'Ask the workers whether they need help; arrange it if they do'),
      step('be-available', 'Be available to the workers'),
      step('begin-test-plan', 'Begin the test plan'),
    ],
    end: [
      END_TEST_STAGING,
      END_DEPLOY,
      END_TEST_PRODUCTION,
      END_UPDATE_OBSERVERS,
      END_CONFIRM_OBSERVERS,
      endStep('declare-over', 'Thank everyone and declare the incident over in the chat room and on the conference call', false),
      endStep('end-call', 'End the conference call', false),
      END_RELEASE,
      END_POST_MORTEM,
      END_CELEBRATE,
    ],
  },
  2: {
    level: 2,
    name: 'Level 2',
    summary: 'Important parts unusable; not harming customers yet but will if not addressed quickly, or will lose customers or money.',
    updateCadenceMinutes: 120,
    observers: ['C-levels', 'SMEs', 'PRM'],
    waking: 'not-at-night',
    wakingText: 'Never wake people in the middle of the night; a call before their working day starts is fine.',
    conferenceCall: false,
    customers: 'Call, but not in the middle of the night.',
    customerEmailCadence: 'bi-hourly email updates during business hours',
    releaseWithoutTestsDropsTo: 3,
    regroupAllowed: true,
    postMortem: 'Top priority; a meeting with the observers and the PRM.',
    postPostMortem: true,
    chooseIm: 'Go up the hierarchy.',
    multipleWorkers: true,
    escalatesTo: 1,
    imPhoneInRoom: true,
    start: [
      step('find-workers', 'With the SME, find who should work on the problem and reach them; if unreachable, choose someone else until someone is actively working'),
      step('announce', 'Join the incident chat room and announce the incident with its level and the runbook link; post your direct phone number'),
      step('contact-observers', 'Contact the observers within normal waking hours'),
      step('contact-prm', 'Contact the PR manager or delegate the role'),
      step('file-ticket', 'File a ticket'),
      step('link-ticket', 'Post the ticket link in the chat room'),
      step('ask-help', 'Ask the workers whether they need help; arrange it if they do'),
      step('be-available', 'Be available to the workers'),
      step('begin-test-plan', 'Begin the test plan'),
    ],
    end: [
      END_TEST_STAGING,
      END_DEPLOY,
      END_TEST_PRODUCTION,
      END_UPDATE_OBSERVERS,
      END_CONFIRM_OBSERVERS,
      endStep('declare-over', 'Thank everyone and declare the incident over in the chat room', false),
      END_RELEASE,
      END_POST_MORTEM,
      END_CELEBRATE,
    ],
  },
  3: {
    level: 3,
    name: 'Level 3',
    summary: 'A significant problem, not harming anyone now, that will hurt customer relations or the bottom line if left.',
    updateCadenceMinutes: 240,
    observers: ['C-levels', 'SMEs', 'PRM'],
    waking: 'next-business-day',
    wakingText: 'Wait for the next business day (but not the next sprint).',
    conferenceCall: false,
    customers: 'Only if they notice; the public log is updated at declaration.',
    customerEmailCadence: 'no active notice',
    releaseWithoutTestsDropsTo: 3,
    regroupAllowed: true,
    postMortem: 'At the next convenient time.',
    postPostMortem: false,
    chooseIm: 'Fine to go down the hierarchy.',
    multipleWorkers: false,
    escalatesTo: null,
    imPhoneInRoom: false,
    start: [
      step('find-workers', 'Find the workers'),
      step('contact-observers', 'Contact the observers (email is fine)'),
      step('contact-prm', 'Contact the PR manager (email is fine)'),
      step('file-ticket', 'File a ticket'),
      step('ask-help', 'Ask the workers whether they need help'),
      step('be-available', 'Be available to the workers'),
      step('begin-test-plan', 'Begin the test plan'),
    ],
    end: [
      END_TEST_STAGING,
      END_DEPLOY,
      END_TEST_PRODUCTION,
      END_UPDATE_OBSERVERS,
      endStep('post-mortem', 'Write the post-mortem or notes', false),
    ],
  },
};

export function levelRules(level: Level): LevelRules {
  return LEVEL_TABLE[level];
}
