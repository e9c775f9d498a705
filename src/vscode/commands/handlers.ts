// Every command's handler, by id. Loaded on the first command, not at activation: the feature
// modules and what only they use are a bundle of their own (see esbuild.mjs, "A light start").
import type { ExtensionParts } from '../context';
import { setUpPeopleFileCommand } from '../peopleFileSetup';
import { COMMANDS } from '../ids';
import { closeCommands } from './close';
import { correctionCommands } from './corrections';
import { customerCommands } from './customers';
import { declareIncident } from './declare';
import { fixCommands } from './fix';
import { openProblem, openRecord, refresh, revealInTree } from './records';
import { setupGitMergeDriver } from './gitSetup';
import { runbookCommands } from './runbook';
import { storyCommands } from './story';
import type { CommandTable } from './table';
import { testPlanCommands } from './testPlan';
import { updateCommands } from './updates';
import { openTestPlan } from '../webview/openTestPlan';

export function createCommands(parts: ExtensionParts): CommandTable {
  return {
    ...updateCommands(parts),
    ...runbookCommands(parts),
    ...fixCommands(parts),
    ...testPlanCommands(parts),
    ...closeCommands(parts),
    ...storyCommands(parts),
    ...correctionCommands(parts),
    ...customerCommands(parts),
    [COMMANDS.declare]: (args?) => declareIncident(parts, args),
    [COMMANDS.openRecord]: (target?) => openRecord(parts, target),
    [COMMANDS.revealInTree]: (id?) => revealInTree(parts, id),
    [COMMANDS.refresh]: () => refresh(parts),
    [COMMANDS.setUpPeopleFile]: (relative?) => setUpPeopleFileCommand(parts, relative),
    [COMMANDS.openProblem]: (file: string, line: number, col: number) => openProblem(file, line, col),
    [COMMANDS.setupGitMergeDriver]: () => setupGitMergeDriver(parts),
    [COMMANDS.openTestPlan]: (target?) => openTestPlan(parts, target),
  };
}
