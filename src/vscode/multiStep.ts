// One multi-step input for entries that take several answers (Add Person, Declare, Edit): each
// step shows "2/6", has a Back button, starts from a default or the earlier answer, and
// validates as the person types. Escape cancels the whole entry.
import * as vscode from 'vscode';

export type Answers = Record<string, string>;

interface StepBase {
  /** Where the answer is kept in the result. */
  key: string;
  /** Skip the step when this says so (e.g. only ask a new person's zone when adding someone). */
  when?: (answers: Answers) => boolean;
}

export interface InputStep extends StepBase {
  kind: 'input';
  prompt: string | ((answers: Answers) => string);
  placeHolder?: string;
  /** The value shown at first, unless the step was answered before (going Back keeps answers). */
  value?: string | ((answers: Answers) => string);
  /** An error message, or undefined when the value is fine. */
  validate?: (value: string, answers: Answers) => string | undefined;
}

export interface PickOption {
  label: string;
  value: string;
  description?: string;
  detail?: string;
}

export interface PickStep extends StepBase {
  kind: 'pick';
  placeHolder: string | ((answers: Answers) => string);
  options: (answers: Answers) => PickOption[];
}

export type Step = InputStep | PickStep;

type Outcome = { kind: 'answer'; value: string } | { kind: 'back' } | { kind: 'cancel' };

const resolve = <T>(v: T | ((a: Answers) => T), answers: Answers): T => (typeof v === 'function' ? (v as (a: Answers) => T)(answers) : v);

/**
 * Asks the steps in order and returns every answer (trimmed), or undefined when cancelled.
 * `initial` pre-fills answers, e.g. the current values when editing.
 */
export async function runSteps(title: string, steps: readonly Step[], initial: Answers = {}): Promise<Answers | undefined> {
  const answers: Answers = { ...initial };
  const history: number[] = [];
  let index = 0;
  while (index < steps.length) {
    const step = steps[index];
    if (step.when && !step.when(answers)) {
      index++;
      continue;
    }
    const shown = steps.filter((s) => !s.when || s.when(answers));
    const position = shown.indexOf(step) + 1;
    const outcome = step.kind === 'input' ? await askInput(title, step, answers, position, shown.length, history.length > 0) : await askPick(title, step, answers, position, shown.length, history.length > 0);
    if (outcome.kind === 'cancel') return undefined;
    if (outcome.kind === 'back') {
      index = history.pop() ?? 0;
      continue;
    }
    answers[step.key] = outcome.value;
    history.push(index);
    index++;
  }
  return answers;
}

/**
 * Shows one quick input and settles once, with the first of answer, Back or hide; the input and
 * its listeners are disposed then. `wire` sets it up and returns its listeners.
 */
function askOnce<Q extends vscode.QuickInput & { buttons: readonly vscode.QuickInputButton[]; onDidTriggerButton: vscode.Event<vscode.QuickInputButton> }>(
  input: Q,
  canGoBack: boolean,
  wire: (finish: (outcome: Outcome) => void) => vscode.Disposable[],
): Promise<Outcome> {
  return new Promise((done) => {
    const disposables: vscode.Disposable[] = [input];
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      done(outcome);
      disposables.forEach((d) => d.dispose());
    };
    input.ignoreFocusOut = true;
    input.buttons = canGoBack ? [vscode.QuickInputButtons.Back] : [];
    disposables.push(
      ...wire(finish),
      input.onDidTriggerButton((b) => {
        if (b === vscode.QuickInputButtons.Back) finish({ kind: 'back' });
      }),
      input.onDidHide(() => finish({ kind: 'cancel' })),
    );
    input.show();
  });
}

function askInput(title: string, step: InputStep, answers: Answers, position: number, total: number, canGoBack: boolean): Promise<Outcome> {
  const box = vscode.window.createInputBox();
  box.title = title;
  box.step = position;
  box.totalSteps = total;
  box.prompt = resolve(step.prompt, answers);
  box.placeholder = step.placeHolder;
  box.value = answers[step.key] ?? resolve(step.value ?? '', answers);
  const check = (value: string) => (box.validationMessage = step.validate?.(value.trim(), answers));
  check(box.value);
  return askOnce(box, canGoBack, (finish) => [
    box.onDidChangeValue(check),
    box.onDidAccept(() => {
      const value = box.value.trim();
      const error = step.validate?.(value, answers);
      if (error) {
        box.validationMessage = error;
        return;
      }
      finish({ kind: 'answer', value });
    }),
  ]);
}

function askPick(title: string, step: PickStep, answers: Answers, position: number, total: number, canGoBack: boolean): Promise<Outcome> {
  type Item = vscode.QuickPickItem & { value: string };
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = title;
  pick.step = position;
  pick.totalSteps = total;
  pick.placeholder = resolve(step.placeHolder, answers);
  pick.matchOnDescription = true;
  const items: Item[] = step.options(answers).map((o) => ({ label: o.label, description: o.description, detail: o.detail, value: o.value }));
  pick.items = items;
  // Going back lands on the earlier choice.
  const earlier = items.find((i) => i.value === answers[step.key]);
  if (earlier) pick.activeItems = [earlier];
  return askOnce(pick, canGoBack, (finish) => [
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      if (chosen) finish({ kind: 'answer', value: chosen.value });
    }),
  ]);
}
