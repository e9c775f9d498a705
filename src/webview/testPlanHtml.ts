// The test-plan page's HTML, apart from `vscode` so the render benchmark loads the very page the
// panel shows: a nonce for the one script, nothing inline, resources only from where the host
// allows (the extension's dist/ and media/).

export interface PageHtmlInput {
  /** The webview's own source expression for the CSP (`webview.cspSource`). */
  cspSource: string;
  nonce: string;
  /** The URI the page loads a file of the extension by, from its path segments. */
  resource: (...path: string[]) => string;
}

export function testPlanPageHtml({ cspSource, nonce, resource }: PageHtmlInput): string {
  const csp = [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${resource('dist', 'codicons', 'codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${resource('media', 'webview', 'testPlan.css')}">
<title>Test plan</title>
</head>
<body>
<main id="app" aria-busy="true" aria-label="Test plan"><p>Loading the test plan…</p></main>
<script nonce="${nonce}" src="${resource('dist', 'webview', 'testPlan.js')}"></script>
</body>
</html>`;
}
