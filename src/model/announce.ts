// The chat-room announcement for the start step "announce". It names the incident's actual
// level: the source runbook's Level 2 text says "Level 1" there by mistake. The room is
// internal, so the IM's direct phone number belongs in it where the level asks for it.
import { LEVEL_TABLE, RUNBOOK_URL } from './levels';
import { findPerson, personLabel } from './people';
import { personIdsInRoles } from './roles';
import type { Incident, Person } from './record';
import { formatForReader } from './timeDisplay';

export const ANNOUNCE_STEP_ID = 'announce';
/** The end step the closing text is for: "Thank everyone and declare the incident over in the chat room". */
export const DECLARE_OVER_STEP_ID = 'declare-over';

export function announcementText(incident: Incident, people: readonly Person[]): string {
  const rules = LEVEL_TABLE[incident.severity];
  const imId = incident.roles.incident_manager;
  const im = findPerson(people, imId);
  const lines = [
    `${rules.name} incident: ${incident.title}`,
    `Impact: ${incident.impact.trim()}`,
    `Runbook: ${incident.links?.runbook ?? RUNBOOK_URL}`,
    `Ticket: ${incident.links?.ticket ?? 'not filed yet'}`,
  ];
  if (rules.imPhoneInRoom) {
    const phone = im?.phone?.trim();
    lines.push(
      phone
        ? `Incident Manager: ${personLabel(people, imId)}, direct phone ${phone}`
        : `Incident Manager: ${personLabel(people, imId)} (no direct phone number recorded: add it with "Incident: Edit Person", then copy this announcement again)`,
    );
  } else {
    lines.push(`Incident Manager: ${personLabel(people, imId)}`);
  }
  return lines.join('\n');
}

/**
 * The chat-room text for the end step "declare-over": the incident is over, who is thanked by
 * name (everyone who held a role, the IM excepted), and what follows (the post-mortem, at the
 * level's priority). Times in the IM's zone, named, as the room spans zones. Only for a closed
 * incident: the runbook declares it over once the close gate has let it close.
 */
export function closingAnnouncementText(incident: Incident, people: readonly Person[], postmortemFile: string): string {
  if (incident.status !== 'closed' || !incident.closed_at) throw new Error('the incident is not closed yet: it is declared over once Close Incident has closed it');
  const rules = LEVEL_TABLE[incident.severity];
  const imId = incident.roles.incident_manager;
  const zone = findPerson(people, imId)?.timezone ?? 'UTC';
  const thanked = [...new Set(personIdsInRoles(incident))].filter((id) => id !== imId);
  const names = thanked.map((id) => personLabel(people, id));
  const lines = [
    `${rules.name} incident over: ${incident.title}`,
    `Closed ${formatForReader(incident.closed_at, zone)} by the Incident Manager, ${personLabel(people, imId)}.`,
    names.length > 0 ? `Thank you, ${joinNames(names)}.` : 'Thank you, everyone.',
    `Post-mortem: ${postmortemFile} (${rules.postMortem.split(';')[0]!.replace(/\.$/, '').toLowerCase()}).`,
    `Ticket: ${incident.links?.ticket ?? 'not filed'}`,
  ];
  return lines.join('\n');
}

function joinNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
