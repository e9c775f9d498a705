// Which incident a command acts on when nobody named one. Asking "Which incident?" is a real
// question only when the context does not answer it: the record in the active editor, the
// incident selected in the tree, or the only open one do.
import { isOpen } from './lifecycle';
import type { Incident } from './record';
import { compareTimestamps } from './time';

export interface ChoiceContext {
  /** The incident whose record is in the active editor. */
  editorIncidentId?: string;
  /** The incident the tree's selection belongs to. */
  selectedIncidentId?: string;
}

export type ImplicitReason = 'editor' | 'selection' | 'only';

/**
 * The incident the context names, and why; undefined when a person has to choose.
 * `candidates` are the incidents the command may act on (open ones, usually).
 */
export function implicitIncident<T extends { incident: Pick<Incident, 'id'> }>(candidates: readonly T[], context: ChoiceContext): { entry: T; reason: ImplicitReason } | undefined {
  const byId = (id: string | undefined) => (id === undefined ? undefined : candidates.find((c) => c.incident.id === id));
  const fromEditor = byId(context.editorIncidentId);
  if (fromEditor) return { entry: fromEditor, reason: 'editor' };
  const fromSelection = byId(context.selectedIncidentId);
  if (fromSelection) return { entry: fromSelection, reason: 'selection' };
  if (candidates.length === 1) return { entry: candidates[0], reason: 'only' };
  return undefined;
}

/** What choosing needs of an incident: a closed one not read yet offers these from its summary. */
export type ChoiceFacts = Pick<Incident, 'id' | 'title' | 'severity' | 'status' | 'declared_at'>;

/**
 * The order incidents are offered in when asking: open before closed, most severe level first
 * (Level 1 before 2 before 3), then the most recently declared first, then by id.
 */
export function compareForChoice(a: ChoiceFacts, b: ChoiceFacts): number {
  if (isOpen(a) !== isOpen(b)) return isOpen(a) ? -1 : 1;
  return a.severity - b.severity || compareTimestamps(b.declared_at, a.declared_at) || a.id.localeCompare(b.id);
}
