// The command that meets each unmet close condition, offered as its button. Free of `vscode`
// so the mapping is checked in plain Node.
import type { GateAction } from '../testing/gate';
import { COMMANDS } from './ids';

export const GATE_ACTIONS: Record<GateAction, { label: string; command: string; args: (id: string) => unknown[] }> = {
  'link-branch': { label: 'Link Fix Branch', command: COMMANDS.linkFixBranch, args: (id) => [id] },
  'checkout-branch': { label: 'Check Out Fix Branch', command: COMMANDS.checkoutFixBranch, args: (id) => [id] },
  // Committing is the Source Control view's job.
  'commit-changes': { label: 'Open Source Control', command: 'workbench.view.scm', args: () => [] },
  'link-test': { label: 'Link Automated Test', command: COMMANDS.linkAutomatedTest, args: (id) => [id] },
  'run-tests': { label: 'Run Linked Tests', command: COMMANDS.runLinkedTests, args: (id) => [id] },
  'record-result': { label: 'Record Test Result', command: COMMANDS.recordTestResult, args: (id) => [id] },
  'sign-off': { label: 'Sign Off', command: COMMANDS.signOff, args: (id) => [id] },
  'tick-checklist': { label: 'Tick Checklist Step', command: COMMANDS.tickStep, args: (id) => [id] },
  // A plan without items needs one: the command that adds it, not the raw record.
  'open-plan': { label: 'Add Test Plan Item', command: COMMANDS.addPlanItem, args: (id) => [id] },
  'sign-waiver': { label: 'Sign: No Automated Test Possible', command: COMMANDS.signNoAutomatedTest, args: (id) => [id] },
};
