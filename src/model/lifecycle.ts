// Whether an incident is still open, and how long it has been going: the same answer for the
// tree, the status bar, the Test Explorer and the command line.
import type { Incident } from './record';
import { instantOf } from './time';

export function isOpen(incident: Pick<Incident, 'status'>): boolean {
  return incident.status !== 'closed';
}

/** From the declaration to the close, or to `now` while open. */
export function incidentAgeMs(incident: Incident, now: number): number {
  const end = !isOpen(incident) && incident.closed_at ? instantOf(incident.closed_at) : now;
  return end - instantOf(incident.declared_at);
}
