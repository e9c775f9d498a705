// The Updates section: the recorded cycles, newest first, and when the next one is due.
import * as vscode from 'vscode';
import { nextUpdate } from '../../model/cadence';
import { dueHeadline } from '../../model/labels';
import { countOf } from '../../model/plural';
import { formatTime } from '../../model/timeDisplay';
import { personLabel } from '../../model/people';
import { decisionText, isNoUpdate } from '../../model/updates';
import { compareTimestamps } from '../../model/time';
import { COMMANDS } from '../ids';
import { isOpen } from '../../model/lifecycle';
import type { LeafItem, TreeSection } from './section';

function when(ts: string, now: number): string {
  try {
    return formatTime(ts, undefined, now);
  } catch {
    return ts;
  }
}

export const updatesSection: TreeSection = {
  id: 'updates',
  header: (entry, _parts, now) => {
    const incident = entry.incident;
    const count = incident.updates?.length ?? 0;
    let due = '';
    if (isOpen(incident)) {
      try {
        due = `${dueHeadline(nextUpdate(incident, now), undefined, now)} · `;
      } catch {
        due = '';
      }
    }
    return { label: 'Updates', icon: new vscode.ThemeIcon('comment-discussion'), description: `${due}${countOf(count, 'cycle')}` };
  },
  children: (entry, _parts, now) => {
    const incident = entry.incident;
    const people = incident.people ?? [];
    const items: LeafItem[] = (incident.updates ?? [])
      .map((cycle, index) => ({ cycle, index }))
      .sort((a, b) => compareTimestamps(b.cycle.at, a.cycle.at))
      .map(({ cycle, index }) => ({
        key: `cycle-${index}`,
        label: `${when(cycle.at, now)} · ${decisionText(cycle.decision)}`,
        description: cycle.customer_update?.sent_at ? 'customer update sent' : undefined,
        icon: new vscode.ThemeIcon('comment'),
        contextValue: 'update:cycle',
        tooltip: cycle.decision_note,
        children: cycle.workers.map((w) => ({
          key: w.person,
          label: personLabel(people, w.person),
          description: isNoUpdate(w) ? 'no update' : `${w.found} → ${w.next}${w.needs_help ? ` (needs help${w.help_wanted ? `: ${w.help_wanted}` : ''})` : ''}`,
          tooltip: `Found: ${w.found}\nNext: ${w.next}\nNeeds help: ${w.needs_help ? (w.help_wanted ? `yes: ${w.help_wanted}` : 'yes') : 'no'}`,
          icon: new vscode.ThemeIcon(w.needs_help ? 'question' : 'person'),
        })),
      }));
    const questions = incident.questions ?? [];
    items.unshift({
      key: 'questions',
      label: 'Questions for customers',
      description: questions.length ? countOf(questions.length, 'question') : 'none yet',
      icon: new vscode.ThemeIcon('question'),
      contextValue: 'update:questions',
      children: questions.map((q, i) => ({ key: `q${i}`, label: q, icon: new vscode.ThemeIcon('circle-small') })),
    });
    if (isOpen(incident)) {
      items.unshift({
        key: 'record',
        label: 'Record updates…',
        icon: new vscode.ThemeIcon('add'),
        command: { command: COMMANDS.recordUpdates, title: 'Record Updates', arguments: [incident.id] },
      });
    }
    return items;
  },
};
