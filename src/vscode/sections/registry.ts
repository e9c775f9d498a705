// The order of an incident's children in the tree. Feature modules add their section here.
import { endChecklistSection, rolesSection, startChecklistSection, timelineSection } from './core';
import { fixSection } from './fix';
import { postMortemSection } from './postmortem';
import { remindersSection } from './reminders';
import type { TreeSection } from './section';
import { testPlanSection } from './testPlan';
import { updatesSection } from './updates';

export const TREE_SECTIONS: readonly TreeSection[] = [remindersSection, rolesSection, startChecklistSection, updatesSection, fixSection, testPlanSection, endChecklistSection, postMortemSection, timelineSection];
