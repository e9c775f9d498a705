import assert from 'node:assert/strict';
import { testPlanPageHtml } from '../../src/webview/testPlanHtml';

describe('the test-plan page\'s HTML', () => {
  const html = testPlanPageHtml({ cspSource: 'https://webview.example', nonce: 'n0nce+/=', resource: (...p) => `https://webview.example/ext/${p.join('/')}` });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';

  it('allows only its own nonce\'d script, and styles, fonts and images from the webview\'s source', () => {
    assert.deepEqual(csp.split('; ').sort(), [
      "default-src 'none'",
      'font-src https://webview.example',
      'img-src https://webview.example',
      "script-src 'nonce-n0nce+/='",
      'style-src https://webview.example',
    ]);
    assert.doesNotMatch(csp, /unsafe|\*/);
  });

  it('loads one script by its nonce and only the extension\'s dist/ and media/ files; nothing inline', () => {
    assert.deepEqual(html.match(/<script[^>]*>/g), ['<script nonce="n0nce+/=" src="https://webview.example/ext/dist/webview/testPlan.js">']);
    const loaded = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(loaded, ['https://webview.example/ext/dist/codicons/codicon.css', 'https://webview.example/ext/media/webview/testPlan.css', 'https://webview.example/ext/dist/webview/testPlan.js']);
    assert.doesNotMatch(html, /\son[a-z]+=|<style|style="/i);
  });
});
