import type * as vscode from 'vscode';
import type { IncidentsModel } from './incidentsModel';
import type { IncidentTestController } from './testing/controller';
import type { IncidentTesting } from './testing/incidentTesting';
import type { IncidentTreeNode, IncidentTreeProvider } from './tree';
import type { TestPlanPanels } from './webview/testPlanPanel';

/** What commands and views share; built once in activate. */
export interface ExtensionParts {
  extension: vscode.ExtensionContext;
  model: IncidentsModel;
  tree: IncidentTreeProvider;
  treeView: vscode.TreeView<IncidentTreeNode>;
  testing: IncidentTesting;
  testController: IncidentTestController;
  testPlanPanels: TestPlanPanels;
}
