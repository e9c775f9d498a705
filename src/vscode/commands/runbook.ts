// The runbook's rules as commands: people and roles, contacts, checklists, severity, regroups.
// Every change goes through runOperation; each command returns a RunbookResult.
import type { ExtensionParts } from '../context';
import { COMMANDS } from '../ids';
import {
  addPersonCommand,
  assignRoleCommand,
  handOffWorkerCommand,
  handOverImCommand,
  logContactCommand,
  releasePersonCommand,
  removeRoleCommand,
} from './runbookPeople';
import {
  changeSeverityCommand,
  copyAnnouncementCommand,
  resumeWorkCommand,
  sendEveryoneHomeCommand,
  tickStepCommand,
  untickStepCommand,
} from './runbookSteps';
import type { CommandTable } from './table';

export function runbookCommands(parts: ExtensionParts): CommandTable {
  return {
    [COMMANDS.addPerson]: (arg?) => addPersonCommand(parts, arg),
    [COMMANDS.assignRole]: (arg?) => assignRoleCommand(parts, arg),
    [COMMANDS.removeRole]: (arg?) => removeRoleCommand(parts, arg),
    [COMMANDS.handOverIm]: (arg?) => handOverImCommand(parts, arg),
    [COMMANDS.handOffWorker]: (arg?) => handOffWorkerCommand(parts, arg),
    [COMMANDS.releasePerson]: (arg?) => releasePersonCommand(parts, arg),
    [COMMANDS.logContact]: (arg?) => logContactCommand(parts, arg),
    [COMMANDS.tickStep]: (arg?) => tickStepCommand(parts, arg),
    [COMMANDS.untickStep]: (arg?) => untickStepCommand(parts, arg),
    [COMMANDS.copyAnnouncement]: (arg?) => copyAnnouncementCommand(parts, arg),
    [COMMANDS.changeSeverity]: (arg?) => changeSeverityCommand(parts, arg),
    [COMMANDS.sendEveryoneHome]: (arg?) => sendEveryoneHomeCommand(parts, arg),
    [COMMANDS.resumeWork]: (arg?) => resumeWorkCommand(parts, arg),
  };
}
