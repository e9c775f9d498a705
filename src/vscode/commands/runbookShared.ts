// What the runbook commands share: where their arguments come from (a tree node, an argument
// object, or questions), the result they return, and choosing or adding a person.
import * as vscode from 'vscode';
import { RuleViolation, type ActionContext, type RecordEdit } from '../../model/edits';
import { addPerson, findPerson } from '../../model/people';
import type { Incident, Person } from '../../model/record';
import type { ExtensionParts } from '../context';
import type { IncidentEntry } from '../incidentsModel';
import { runOperation, type OperationScope } from '../operations';
import { showRefusal } from '../refusal';
import { knownPeople } from '../people';
import { runSteps } from '../multiStep';
import { personFromAnswers, personSteps, placeContacts, type ContactsPlace } from '../personSteps';
import type { IncidentTarget } from '../pick';
import type { IncidentTreeNode } from '../tree';

/**
 * What every runbook command returns, so callers (tests, other commands) can tell a refusal
 * from a cancellation without reading notifications.
 */
export type RunbookResult =
  | { outcome: 'done'; incident: Incident; detail?: Record<string, unknown> }
  | { outcome: 'refused'; rule: string; message: string }
  | { outcome: 'cancelled' }
  | { outcome: 'failed'; message: string };

export const CANCELLED: RunbookResult = { outcome: 'cancelled' };

/** Arguments every runbook command accepts: the incident id; the rest are the command's own. */
export interface IncidentArgs {
  incident?: string;
  /** Ask for what is missing as if run by a person (a reminder's action); tests leave it out. */
  ask?: boolean;
}

export interface CommandInput<A> {
  target: IncidentTarget;
  /** Given by the caller or by the node the command ran from; missing ones are asked. */
  args: Partial<A>;
  /** True when the command ran from the tree or the palette, so it may ask questions. */
  interactive: boolean;
}

function isNode(value: unknown): value is IncidentTreeNode {
  return typeof value === 'object' && value !== null && 'kind' in value && 'id' in value;
}

/** Reads a command's first argument: a tree node (menus), an id, an argument object (tests, reminders) or nothing (palette). */
export function commandInput<A extends IncidentArgs>(arg: unknown): CommandInput<A> {
  if (isNode(arg)) {
    const data = arg.kind === 'leaf' ? (arg.item.data ?? {}) : {};
    return { target: arg, args: data as Partial<A>, interactive: true };
  }
  if (typeof arg === 'string') return { target: arg, args: {}, interactive: true };
  if (typeof arg === 'object' && arg !== null) {
    const args = arg as Partial<A>;
    return { target: args.incident, args, interactive: args.ask === true };
  }
  return { target: undefined, args: {}, interactive: true };
}

/**
 * runOperation, remembering a refusal so the command can return it: runOperation shows it to
 * the person ("Refused: …") and the caller still learns which rule said no.
 */
export async function runRunbook(
  parts: ExtensionParts,
  entry: IncidentEntry,
  operation: (scope: OperationScope) => RecordEdit[],
  done?: string | ((incident: Incident) => string | undefined),
): Promise<RunbookResult> {
  let refusal: RuleViolation | undefined;
  let failure: Error | undefined;
  const updated = await runOperation(
    parts,
    entry,
    (scope) => {
      try {
        return operation(scope);
      } catch (err) {
        if (err instanceof RuleViolation) refusal = err;
        else failure = err as Error;
        throw err;
      }
    },
    done,
  );
  if (updated) return { outcome: 'done', incident: updated };
  if (refusal) return { outcome: 'refused', rule: refusal.rule, message: `Refused: ${refusal.message}` };
  if (failure) return { outcome: 'failed', message: failure.message };
  // No acting person was chosen, or the file could not be written (already shown).
  return { outcome: 'failed', message: 'The record was not changed.' };
}

/** Shows a refusal decided before any record is touched, the same way runOperation does. */
export function refuseNow(rule: string, message: string): RunbookResult {
  showRefusal(message);
  return { outcome: 'refused', rule, message: `Refused: ${message}` };
}

export function failNow(message: string): RunbookResult {
  void vscode.window.showErrorMessage(message);
  return { outcome: 'failed', message };
}

/**
 * The edits that put a person chosen from another record (or newly entered) into this record's
 * people first, and the record as the next operation should see it, so labels read their name.
 */
export function withPerson(scope: OperationScope, person: Person | undefined): { incident: Incident; edits: RecordEdit[] } {
  if (!person || findPerson(scope.people, person.id)) return { incident: scope.incident, edits: [] };
  const edits = addPerson(scope.incident, person, scope.ctx);
  const incident: Incident = { ...scope.incident, people: [...(scope.incident.people ?? []), person] };
  return { incident, edits };
}

/** Runs role edits on a record that may first need the person added; both land in one write. */
export function withPersonThen(
  scope: OperationScope,
  person: Person | undefined,
  then: (incident: Incident, ctx: ActionContext) => RecordEdit[],
): RecordEdit[] {
  const { incident, edits } = withPerson(scope, person);
  return [...edits, ...then(incident, scope.ctx)];
}

/** A person given by id in arguments, looked up among everyone the folder knows. */
export async function personById(parts: ExtensionParts, entry: IncidentEntry, id: string): Promise<Person | undefined> {
  return (await knownPeople(parts, entry)).find((p) => p.id === id);
}

/** A person argument: an id of someone known, or a full person to add. */
export async function resolvePersonArg(parts: ExtensionParts, entry: IncidentEntry, value: string | Person): Promise<Person | undefined> {
  if (typeof value === 'object') return value;
  const found = await personById(parts, entry, value);
  if (!found) void vscode.window.showErrorMessage(`No person "${value}" is known in this workspace; add them first.`);
  return found;
}

const ADD_SOMEONE = '$(person-add) Someone else…';

export interface PersonPickOptions {
  title: string;
  placeHolder: string;
  /** Shown beside each name, e.g. their current roles. */
  describe?: (person: Person) => string | undefined;
  /** Leave people out of the list (e.g. the person handing off). */
  exclude?: (person: Person) => boolean;
  /** Offer to add someone not yet known. */
  allowNew: boolean;
}

/** Picks someone the workspace knows, or asks for a new person's details. */
export async function pickPerson(parts: ExtensionParts, entry: IncidentEntry, opts: PersonPickOptions): Promise<Person | undefined> {
  const people = (await knownPeople(parts, entry)).filter((p) => !opts.exclude?.(p));
  type Item = vscode.QuickPickItem & { person?: Person };
  const items: Item[] = people.map((p) => ({ label: p.name, description: opts.describe?.(p) ?? p.id, detail: p.timezone, person: p }));
  if (opts.allowNew) items.push({ label: ADD_SOMEONE, alwaysShow: true });
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Nobody to choose from.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: opts.title, placeHolder: opts.placeHolder, ignoreFocusOut: true, matchOnDescription: true });
  if (!picked) return undefined;
  return picked.person ?? askNewPerson(opts.title, people.map((p) => p.id), entry.folder);
}

/**
 * Asks for a new person's details in one multi-step input (Back, defaults, checks per step);
 * the zone is required because waking hours are theirs. With a folder, their phone and email
 * go to the people file unless the person chooses the record.
 */
export async function askNewPerson(title: string, takenIds: readonly string[], folder?: vscode.WorkspaceFolder): Promise<Person | undefined> {
  const target = folder ?? vscode.workspace.workspaceFolders?.[0];
  if (!target) return undefined;
  const answers = await runSteps(title, personSteps(target, { takenIds }));
  if (!answers) return undefined;
  return placeContacts(target, personFromAnswers(answers), answers.contacts as ContactsPlace | undefined);
}
