// The chat-room announcement for the start step "announce". It names the incident's actual
// level: the source runbook's Level 2 text says "Level 1" there by mistake. The room is
// internal, so the IM's direct phone number belongs in it where the level asks for it.
import { LEVEL_TABLE, RUNBOOK_URL } from './levels';
import { findPerson, personLabel } from './people';
import type { Incident, Person } from './record';

export const ANNOUNCE_STEP_ID = 'announce';

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
