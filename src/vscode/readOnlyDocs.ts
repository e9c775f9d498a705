// Generated texts a person reads and copies (observer summaries, PR Manager call notes) open as
// read-only documents: they are regenerated from the records at will, so an editor that asks
// "Save changes?" on close would only get in the way.
import * as vscode from 'vscode';

export const READ_ONLY_SCHEME = 'incident-room';

const contents = new Map<string, string>();
const changes = new vscode.EventEmitter<vscode.Uri>();

/** The provider; registered once by activate, which owns it. */
export function registerReadOnlyDocuments(): vscode.Disposable {
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changes.event,
    provideTextDocumentContent: (uri) => contents.get(uri.toString()) ?? '',
  };
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(READ_ONLY_SCHEME, provider),
    changes,
    { dispose: () => contents.clear() },
  );
}

/** Shows the text read-only under the name, e.g. "checkout-5xx observer summary.md". */
export async function showReadOnly(name: string, text: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.from({ scheme: READ_ONLY_SCHEME, path: `/${name.replace(/[\\/]/g, '-')}` });
  contents.set(uri.toString(), text);
  changes.fire(uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'markdown' && name.endsWith('.md')) await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
  return vscode.window.showTextDocument(doc, { preview: true });
}
