// The same integration suite as runIntegrationInCodeServer, in a desktop VS Code that
// @vscode/test-electron downloads from Microsoft's update servers (so only where that is reachable).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { makeFixtureWorkspace, projectRoot } from './codeServer';

async function main(): Promise<number> {
  const root = projectRoot();
  const workspace = await makeFixtureWorkspace();
  try {
    return await runTests({
      version: '1.100.3',
      extensionDevelopmentPath: root,
      extensionTestsPath: join(root, 'out', 'test', 'integration', 'index'),
      extensionTestsEnv: { INCIDENT_ROOM_TEST_WORKSPACE: workspace },
      // Other installed extensions and the workspace-trust prompt would change what the suite sees.
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    });
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
