// When a post-mortem is ready: its written sections are filled and every action item has an
// owner and a due date. Marking it ready records who and when and meets the end checklist's
// post-mortem step. Until then a closed incident keeps a reminder: it is the IM's top priority,
// and one that closed after hours waits for the next morning in the IM's zone.
import { DateTime } from 'luxon';
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import { LEVEL_TABLE } from './levels';
import { HUMAN_SECTIONS, parseRegions, POST_MORTEM_END_STEP, QUOTE_POSTMORTEM, RULE_POSTMORTEM } from './postmortem';
import type { ActionItem, Incident, Person } from './record';
import type { Reminder } from './reminder';
import { instantOf, toTimestamp } from './time';
import { storyZone } from './timelineNotes';
import { DEFAULT_BUSINESS_DAY, nextBusinessDayStart, parseClock, type BusinessDay } from './waking';

export const POST_MORTEM_STEP = POST_MORTEM_END_STEP;

export interface Readiness {
  ready: boolean;
  /** Everything still missing, one line each. */
  problems: string[];
  actionItems: ActionItem[];
}

/** The text people wrote: generated regions, HTML comments (the prompts) and blank lines removed. */
function humanText(markdown: string): string {
  const segments = parseRegions(markdown);
  return segments
    .filter((s) => s.kind === 'text')
    .map((s) => s.lines.join('\n'))
    .join('\n');
}

/** The body of each level-2 heading in people's text, by heading (lower case). */
function sections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | undefined;
  let body: string[] = [];
  const flush = () => {
    if (current !== undefined) out.set(current, body.join('\n'));
  };
  for (const line of text.split('\n')) {
    const h = /^##\s+(.+?)\s*#*\s*$/.exec(line);
    if (h && !line.startsWith('###')) {
      flush();
      current = h[1].toLowerCase();
      body = [];
    } else if (current !== undefined) body.push(line);
  }
  flush();
  return out;
}

function withoutComments(text: string): string {
  return text.replace(/<!--[\s\S]*?-->/g, '');
}

const cells = (row: string): string[] =>
  row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Action items from the section's table; rows with every cell empty are the template's blank row. */
export function parseActionItems(body: string): { items: ActionItem[]; problems: string[] } {
  const rows = withoutComments(body)
    .split('\n')
    .filter((l) => l.trim().startsWith('|'));
  const problems: string[] = [];
  const items: ActionItem[] = [];
  const header = rows[0] ? cells(rows[0]).map((c) => c.toLowerCase()) : [];
  const col = (name: string) => header.findIndex((h) => h.startsWith(name));
  const [iText, iOwner, iDue, iTicket, iDone] = ['action', 'owner', 'due', 'ticket', 'done'].map(col);
  if (rows.length && (iText < 0 || iOwner < 0 || iDue < 0)) {
    problems.push('The action items table needs the columns Action, Owner and Due.');
    return { items, problems };
  }
  for (const row of rows.slice(1)) {
    const c = cells(row);
    if (c.every((x) => /^:?-*:?$/.test(x))) continue;
    const text = c[iText] ?? '';
    const owner = c[iOwner] ?? '';
    const due = c[iDue] ?? '';
    const label = text || `row ${items.length + 1}`;
    if (!text) problems.push(`An action item has no text (owner "${owner}", due "${due}").`);
    if (!owner) problems.push(`Action item "${label}" has no owner.`);
    if (!due) problems.push(`Action item "${label}" has no due date.`);
    else if (!DATE.test(due) || !DateTime.fromISO(due).isValid) problems.push(`Action item "${label}": "${due}" is not a date (YYYY-MM-DD).`);
    const item: ActionItem = { text, owner, due };
    const ticket = iTicket >= 0 ? c[iTicket] : '';
    if (ticket) item.ticket = ticket;
    if (iDone >= 0 && /^(yes|y|done|x|true|✓)$/i.test(c[iDone] ?? '')) item.done = true;
    items.push(item);
  }
  if (!items.length && !problems.length) problems.push('There are no action items: what will prevent it happening again?');
  return { items, problems };
}

/** Whether the post-mortem's written sections are filled and its action items owned and dated. */
export function postMortemReadiness(markdown: string): Readiness {
  const found = sections(humanText(markdown));
  const problems: string[] = [];
  let actionItems: ActionItem[] = [];
  for (const s of HUMAN_SECTIONS) {
    const body = found.get(s.heading.toLowerCase());
    if (body === undefined) {
      problems.push(`The section "${s.heading}" is missing.`);
      continue;
    }
    if (s.id === 'action-items') {
      const parsed = parseActionItems(body);
      actionItems = parsed.items;
      problems.push(...parsed.problems);
    } else if (!withoutComments(body).trim()) {
      problems.push(`"${s.heading}" is not written yet.`);
    }
  }
  return { ready: problems.length === 0, problems, actionItems };
}

/**
 * Post-Mortem Ready: refused with every missing piece listed; otherwise records who and when,
 * the action items as they stand, and meets the end checklist's post-mortem step. Marking it
 * again refreshes the action items (e.g. some are done) and keeps the first ready time.
 */
export function markPostMortemReady(incident: Incident, markdown: string, ctx: ActionContext): RecordEdit[] {
  if (incident.status === 'active') throw new RuleViolation(RULE_POSTMORTEM, `${QUOTE_POSTMORTEM} This incident is still active.`);
  const readiness = postMortemReadiness(markdown);
  if (!readiness.ready) throw new RuleViolation(RULE_POSTMORTEM, `The post-mortem is not ready: ${readiness.problems.join(' ')}`);
  const at = toTimestamp(ctx.now, ctx.zone);
  const edits: RecordEdit[] = [{ op: 'set', path: ['postmortem', 'action_items'], value: readiness.actionItems }];
  if (incident.postmortem?.ready_at) {
    edits.push(timelineEdit(ctx, 'postmortem-updated', `Post-mortem action items updated (${readiness.actionItems.filter((a) => !a.done).length} open)`));
    return edits;
  }
  edits.push({ op: 'set', path: ['postmortem', 'ready_at'], value: at }, { op: 'set', path: ['postmortem', 'ready_by'], value: ctx.actor });
  const index = incident.checklists.end.findIndex((s) => s.id === POST_MORTEM_STEP);
  if (index >= 0 && !incident.checklists.end[index].done_at) {
    edits.push({ op: 'set', path: ['checklists', 'end', index, 'done_at'], value: at }, { op: 'set', path: ['checklists', 'end', index, 'done_by'], value: ctx.actor });
  }
  edits.push(timelineEdit(ctx, 'postmortem-ready', `Post-mortem ready with ${readiness.actionItems.length} action item${readiness.actionItems.length === 1 ? '' : 's'}`));
  return edits;
}

/**
 * The runbook's end step is "Begin writing up the Post-Mortem OR if you need a break, write up
 * some notes about the key points": it may be ticked once either is on record (a post-mortem
 * begun with Write Post-Mortem, or a timeline note written after the close), not on a bare
 * checkbox. Post-Mortem Ready meets it too. The post-mortem's own reminder stays until it is ready.
 */
export function refuseManualPostMortemTick(incident: Incident, list: string, stepId: string): void {
  if (list !== 'end' || stepId !== POST_MORTEM_STEP || incident.postmortem?.ready_at || incident.postmortem?.written_at) return;
  if (notesAfterClose(incident)) return;
  throw new RuleViolation(
    RULE_POSTMORTEM,
    'The post-mortem step is met once the post-mortem is begun (Write Post-Mortem) or notes on the key points are in the timeline (Add Timeline Note, after the close), not by a checkbox.',
  );
}

/** Whether a timeline note was written after the close (whatever time it tells of). */
function notesAfterClose(incident: Incident): boolean {
  if (!incident.closed_at) return false;
  const closed = instantOf(incident.closed_at);
  return incident.timeline.some((e) => e.kind === 'note' && instantOf(e.recorded_at ?? e.at) >= closed);
}

function isBusinessTime(at: number, zone: string, business: BusinessDay): boolean {
  const local = DateTime.fromMillis(at, { zone });
  const minutes = local.hour * 60 + local.minute;
  const start = parseClock(business.start);
  const end = parseClock(business.end);
  return business.days.includes(local.weekday) && minutes >= start.hour * 60 + start.minute && minutes < end.hour * 60 + end.minute;
}

/** When the post-mortem reminder starts: at the close, or the next morning in the IM's zone when it closed after hours. */
export function postMortemReminderStart(incident: Incident, people: readonly Person[], business: BusinessDay = DEFAULT_BUSINESS_DAY): number | undefined {
  if (incident.status !== 'closed' || !incident.closed_at) return undefined;
  const closed = instantOf(incident.closed_at);
  const zone = storyZone(incident, people);
  return isBusinessTime(closed, zone, business) ? closed : instantOf(nextBusinessDayStart(new Date(closed), zone, business));
}

/** The reminder on a closed incident whose post-mortem is not ready; null before it starts and once ready. */
export function postMortemReminder(incident: Incident, people: readonly Person[], now: Date, business: BusinessDay = DEFAULT_BUSINESS_DAY): Reminder | null {
  if (incident.postmortem?.ready_at) return null;
  const start = postMortemReminderStart(incident, people, business);
  if (start === undefined || now.getTime() < start) return null;
  const rules = LEVEL_TABLE[incident.severity];
  const written = Boolean(incident.postmortem?.written_at);
  return {
    id: 'postmortem',
    // Level 3's post-mortem waits for a convenient time; Levels 1 and 2 make it the top priority.
    severity: rules.postPostMortem ? 'warning' : 'info',
    message: `${written ? 'The post-mortem is not ready yet' : 'The post-mortem is not written yet'}. ${rules.postMortem} "${QUOTE_POSTMORTEM}"`,
    action: { kind: written ? 'postmortem-ready' : 'write-postmortem', label: written ? 'Post-Mortem Ready' : 'Write Post-Mortem' },
  };
}
