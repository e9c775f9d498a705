// The order of an incident's children in the tree. Feature modules add their section here.
import { endChecklistSection, rolesSection, startChecklistSection, timelineSection } from './core';
import type { TreeSection } from './section';

export const TREE_SECTIONS: readonly TreeSection[] = [rolesSection, startChecklistSection, endChecklistSection, timelineSection];
