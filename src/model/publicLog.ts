// The public incident log the runbook recommends ("full transparency with customers"),
// regenerated from the records each time so it cannot drift from them. Only what outsiders
// may read goes in: no contact details, no internal names or links, no customer names.
// The output depends on the records alone (no clock, no locale), so the same records give
// the same bytes and a regenerated log only shows up in a diff when a record changed.
import { DateTime } from 'luxon';
import { privateFacts, publicStatusText, publicTitle, scrubForOutsiders } from './customerText';
import { LEVEL_TABLE } from './levels';
import type { Incident, Level } from './record';
import { instantOf } from './time';

/** "2026-11-27 13:05 UTC": one zone for every reader of a public page. */
function utc(ts: string): string {
  return `${DateTime.fromMillis(instantOf(ts), { zone: 'UTC' }).toFormat('yyyy-MM-dd HH:mm')} UTC`;
}

/** Keeps record text from becoming markup on the published page. */
function escapeMarkdown(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/^([#>*+-]|\d+\.)(\s)/gm, '\\$1$2');
}

function block(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function quoted(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');
}

/**
 * The most severe level the incident reached (1 is the most severe): the current one, or one it
 * was at before a severity change, read from the timeline's "Level 1 → Level 2" entries.
 */
export function peakLevel(incident: Incident): Level {
  let peak = incident.severity;
  for (const entry of incident.timeline) {
    if (entry.kind !== 'severity-changed') continue;
    const m = /Level ([123])\s*→\s*Level ([123])/.exec(entry.text);
    if (!m) continue;
    peak = Math.min(peak, Number(m[1]), Number(m[2])) as Level;
  }
  return peak;
}

/** "Level 1", or "Level 3 (peaked at Level 1)" after a de-escalation. */
function severityLine(incident: Incident): string {
  const peak = peakLevel(incident);
  const now = LEVEL_TABLE[incident.severity].name;
  return peak === incident.severity ? now : `${LEVEL_TABLE[peak].name} at its peak; ${now} now`;
}

/** One incident's part of the public log; it depends on that record alone, so it can be kept per record. */
export interface PublicLogSection {
  id: string;
  /** The declared instant, for the order of the log. */
  declaredMs: number;
  text: string;
}

export function renderPublicLog(incidents: readonly Incident[]): string {
  return joinPublicLog(incidents.map(publicLogSection));
}

/** The log from its sections: newest first by declared instant; the id breaks ties so equal times cannot reorder. */
export function joinPublicLog(sections: readonly PublicLogSection[]): string {
  return `${publicLogPieces(sections).join('\n').replace(/\n+$/, '')}\n`;
}

/**
 * The pieces the log is made of, in order: joined by newlines, with the trailing newlines made
 * one, they are the log (joinPublicLog). The sections' texts themselves, not copies, so a writer
 * can stream a log of thousands of incidents without holding it as one string.
 */
export function publicLogPieces(sections: readonly PublicLogSection[]): string[] {
  const ordered = [...sections].sort((a, b) => b.declaredMs - a.declaredMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out: string[] = ['# Incident log', ''];
  if (ordered.length === 0) out.push('No incidents have been recorded.', '');
  for (const section of ordered) out.push(section.text);
  return out;
}

export function publicLogSection(incident: Incident): PublicLogSection {
  const out: string[] = [];
  const facts = privateFacts(incident);
  const clean = (text: string): string => escapeMarkdown(block(scrubForOutsiders(text, facts, true)));
  out.push(`## ${escapeMarkdown(publicTitle(incident, facts, true))}`);
  out.push('');
  out.push(`- Severity: ${severityLine(incident)}`);
  out.push(`- Status: ${publicStatusText(incident.status)}`);
  out.push(`- Declared: ${utc(incident.declared_at)}`);
  if (incident.closed_at) out.push(`- Closed: ${utc(incident.closed_at)}`);
  // The runbook's fix that is not code: said openly, since no automated test guards against a repeat.
  const noTest = incident.test_plan?.no_automated_test;
  if (noTest) out.push(`- Verification: no automated test is possible for this fix (${clean(noTest.reason)}); it was verified by a manual test plan`);
  out.push('');
  out.push('### Impact');
  out.push('');
  out.push(clean(incident.impact));
  out.push('');
  const sent = (incident.updates ?? [])
    .filter((u) => u.customer_update?.sent_at && u.customer_update.text.trim())
    .map((u) => ({ at: u.customer_update!.sent_at as string, text: u.customer_update!.text }))
    .sort((a, b) => instantOf(a.at) - instantOf(b.at));
  if (sent.length > 0) {
    out.push('### Updates');
    out.push('');
    for (const u of sent) {
      out.push(`#### ${utc(u.at)}`);
      out.push('');
      out.push(quoted(clean(u.text)));
      out.push('');
    }
  }
  // The PR manager's post-post-mortem, once sent: what happened and what will stop it recurring.
  const summary = incident.post_post_mortem;
  if (summary?.sent_at && summary.text.trim()) {
    out.push(`### What happened and what we are changing (${utc(summary.sent_at)})`);
    out.push('');
    out.push(quoted(clean(summary.text)));
    out.push('');
  }
  return { id: incident.id, declaredMs: instantOf(incident.declared_at), text: out.join('\n') };
}
