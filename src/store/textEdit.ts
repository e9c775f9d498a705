// Edits a record's text in place: each edit becomes a patch of the source range of the node it
// changes (found through the parsed document's node ranges), so every byte outside the changed
// values stays as it was, whatever the file's style (folded scalars, flow maps, indentation,
// BOM, line endings). No re-serialisation of the document: one parse per edit. A construct
// that cannot be patched in place is refused with the reason, never rewritten.
import {
  Document,
  isAlias,
  isCollection,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  Scalar,
  visit,
  YAMLMap,
  YAMLSeq,
  type Node,
  type Pair,
  type ToStringOptions,
} from 'yaml';
import type { RecordEdit, RecordPath } from '../model/edits';
import { createValueNode, formatOptionsFor, mustQuote, RecordEditError } from './recordEditor';

interface Patch {
  start: number;
  end: number;
  text: string;
  /** Order among patches at the same offset. */
  seq: number;
  /** Depth of the collection an insertion goes into: at one offset, the deeper one comes first (it belongs to the item that ends there). */
  depth: number;
}

/** Asks the caller to apply what is pending, re-parse, and try this edit again. */
class NeedsReparse extends Error {}

function describePath(path: RecordPath): string {
  return path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('').replace(/^\./, '') || '(root)';
}

/**
 * The text after the edits. doc must be the document parsed from original (node ranges are
 * offsets into it). Throws RecordEditError for a path that cannot be reached or a construct
 * that cannot be changed without rewriting more than the changed values.
 */
export function editTextInPlace(original: string, doc: Document, edits: readonly RecordEdit[]): string {
  let planner = new Planner(original, doc);
  for (const edit of edits) {
    const mark = planner.mark();
    try {
      planner.plan(edit);
    } catch (err) {
      if (!(err instanceof NeedsReparse) || mark.patches === 0) throw asEditError(err, edit);
      // This edit depends on an earlier one (a node it created, an index it shifted): settle those first.
      planner.rollback(mark);
      const settled = planner.result();
      planner = new Planner(settled, reparse(settled));
      try {
        planner.plan(edit);
      } catch (again) {
        throw asEditError(again, edit);
      }
    }
  }
  return planner.result();
}

function asEditError(err: unknown, edit: RecordEdit): Error {
  if (err instanceof NeedsReparse) return new RecordEditError(edit.path, `cannot change ${describePath(edit.path)} in place`);
  return err as Error;
}

function reparse(text: string): Document {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new RecordEditError([], `the edit could not be made in place: ${doc.errors[0]!.message}`);
  return doc;
}

function applyPatches(text: string, patches: Patch[]): string {
  const sorted = [...patches].sort(
    (a, b) => a.start - b.start || Number(a.end > a.start) - Number(b.end > b.start) || b.depth - a.depth || a.seq - b.seq,
  );
  let out = '';
  let at = 0;
  for (const p of sorted) {
    if (p.start < at) throw new NeedsReparse();
    out += text.slice(at, p.start) + p.text;
    at = p.end;
  }
  return out + text.slice(at);
}

interface Context {
  text: string;
  doc: Document;
  eol: string;
  options: ToStringOptions;
  patches: Patch[];
  /** Source ranges already replaced or removed by this batch. */
  touched: [number, number][];
  /** Keys added to a map by this batch (a second add must see the first). */
  added: Map<Node | Document, Set<string>>;
  /** Aliases in the document, by the anchor they name. */
  aliased: Set<string>;
}

class Planner {
  private readonly ctx: Context;

  constructor(text: string, doc: Document) {
    const aliased = new Set<string>();
    // Only a text with an anchor can have aliases that matter; skip the walk otherwise.
    if (/&[^\s]/.test(text)) {
      visit(doc, {
        Alias(_k, node) {
          aliased.add(node.source);
        },
      });
    }
    this.ctx = {
      text,
      doc,
      eol: text.includes('\r\n') ? '\r\n' : '\n',
      options: formatOptionsFor(text),
      patches: [],
      touched: [],
      added: new Map(),
      aliased,
    };
  }

  mark(): { patches: number; touched: number; added: Map<Node | Document, Set<string>> } {
    const added = new Map<Node | Document, Set<string>>();
    for (const [k, v] of this.ctx.added) added.set(k, new Set(v));
    return { patches: this.ctx.patches.length, touched: this.ctx.touched.length, added };
  }

  rollback(mark: ReturnType<Planner['mark']>): void {
    this.ctx.patches.length = mark.patches;
    this.ctx.touched.length = mark.touched;
    this.ctx.added = mark.added;
  }

  plan(edit: RecordEdit): void {
    const ctx = this.ctx;
    if (edit.path.length === 0) throw new RecordEditError(edit.path, 'cannot replace the whole record in place');
    if (edit.op === 'delete' || (edit.op === 'set' && edit.value === undefined)) planDelete(ctx, edit.path);
    else if (edit.op === 'append') planAppend(ctx, edit.path, edit.value);
    else planSet(ctx, edit.path, edit.value);
  }

  result(): string {
    return applyPatches(this.ctx.text, this.ctx.patches);
  }
}

function patch(ctx: Context, start: number, end: number, text: string, depth = 0): void {
  for (const [s, e] of ctx.touched) {
    if (start < e && end > s) throw new NeedsReparse();
    if (start === end && start > s && start < e) throw new NeedsReparse();
  }
  if (end > start) ctx.touched.push([start, end]);
  ctx.patches.push({ start, end, text: text.replace(/\r?\n/g, ctx.eol), seq: ctx.patches.length, depth });
}

function within(ctx: Context, node: Node): void {
  const r = node.range;
  if (!r) throw new NeedsReparse();
  for (const [s, e] of ctx.touched) if (r[0] < e && r[1] > s) throw new NeedsReparse();
}

// ---- finding things --------------------------------------------------------------------

function findPair(map: YAMLMap, key: string | number): Pair | undefined {
  return map.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) === String(key) : String(p.key) === String(key))) as Pair | undefined;
}

function isNullish(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** The node at path, or where the path first leaves the document. */
function resolve(ctx: Context, path: RecordPath): { node: unknown; depth: number; parent?: Node; pair?: Pair } {
  let node: unknown = ctx.doc.contents;
  let parent: Node | undefined;
  let pair: Pair | undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isAlias(node)) throw new RecordEditError(path, `cannot edit ${describePath(path)}: ${describePath(path.slice(0, i))} is an alias (*${node.source}); edit the anchored value by hand`);
    if (isMap(node)) {
      if (ctx.added.get(node)?.has(String(seg))) throw new NeedsReparse();
      const p = findPair(node, seg);
      if (!p) return { node: undefined, depth: i, parent: node };
      parent = node;
      pair = p;
      node = p.value;
      if (isNullish(node) && i < path.length - 1) return { node, depth: i + 1, parent, pair };
    } else if (isSeq(node)) {
      if (typeof seg !== 'number' || seg < 0 || seg >= node.items.length) {
        if (ctx.added.get(node)) throw new NeedsReparse();
        throw new RecordEditError(path, `cannot edit ${describePath(path)}: ${describePath(path.slice(0, i + 1))} is not an item of the list`);
      }
      parent = node;
      pair = undefined;
      node = node.items[seg];
    } else {
      throw new RecordEditError(path, `cannot edit ${describePath(path)}: ${describePath(path.slice(0, i))} is not a mapping or list`);
    }
  }
  return { node, depth: path.length, parent, pair };
}

/** Refuses to change a node that has an anchor some alias refers to: the aliases would silently change or break. */
function refuseAnchored(ctx: Context, path: RecordPath, node: unknown): void {
  if (!isNode(node) || ctx.aliased.size === 0) return;
  visit(node as Node, (_key, n) => {
    if (isNode(n) && n.anchor && ctx.aliased.has(n.anchor)) {
      throw new RecordEditError(
        path,
        `cannot change ${describePath(path)}: it holds the anchor &${n.anchor}, which aliases (*${n.anchor}) elsewhere in the record refer to; changing it would change or break them. Edit it by hand.`,
      );
    }
    return undefined;
  });
}

// ---- text helpers ----------------------------------------------------------------------

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

function onlySpacesBefore(text: string, offset: number): boolean {
  return /^[ ]*$/.test(text.slice(lineStart(text, offset), offset));
}

function indentLines(text: string, indent: number): string {
  const pad = ' '.repeat(indent);
  return text.replace(/\n(?!$)/g, `\n${pad}`);
}

/** Where the ':' after a block or flow key is. */
function afterColon(ctx: Context, pair: Pair): number {
  const key = pair.key as Node;
  const from = key.range![1];
  const colon = ctx.text.indexOf(':', from);
  if (colon < 0) throw new RecordEditError([], 'a key without its colon');
  return colon + 1;
}

// ---- rendering new values ----------------------------------------------------------------

/** What follows `key:` for value: " value" (flow or scalar) or "\n  lines\n" (block), relative to column 0. */
function renderAfterKey(ctx: Context, value: unknown | Node): string {
  const doc = new Document();
  const node = isNode(value) ? value : createValueNode(doc, value);
  const map = new YAMLMap();
  map.items.push(doc.createPair('k', null));
  (map.items[0] as Pair).value = node;
  doc.contents = map as never;
  const out = doc.toString(ctx.options);
  return out.slice(2);
}

/** What follows `-` for a list item. */
function renderAfterDash(ctx: Context, value: unknown): string {
  const doc = new Document();
  const seq = new YAMLSeq();
  seq.items.push(createValueNode(doc, value));
  doc.contents = seq as never;
  return doc.toString(ctx.options).slice(1);
}

function renderFlow(value: unknown, padded: boolean): string {
  const doc = new Document();
  const node = createValueNode(doc, value);
  visit(node, {
    Map(_k, n) {
      n.flow = true;
    },
    Seq(_k, n) {
      n.flow = true;
    },
  });
  doc.contents = node as never;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: padded }).replace(/\n$/, '');
}

/** A scalar's new source, in the old node's style where that still reads back as the value. */
function renderScalar(ctx: Context, old: Scalar, value: string | number | boolean | null, baseCol: number): string {
  const wasString = typeof old.value === 'string';
  const node = new Scalar(value);
  if (typeof value === 'string') {
    let type = wasString ? old.type : undefined;
    if (type === undefined || type === Scalar.PLAIN) type = mustQuote(value) || value.includes('\n') || value !== value.trim() ? Scalar.QUOTE_DOUBLE : Scalar.PLAIN;
    if ((type === Scalar.BLOCK_FOLDED || type === Scalar.BLOCK_LITERAL) && (value === '' || value !== value.trimStart())) type = Scalar.QUOTE_DOUBLE;
    node.type = type;
  } else if (old.tag !== undefined) {
    throw new RecordEditError([], `a value tagged ${old.tag} cannot take a ${value === null ? 'null' : typeof value}`);
  }
  const rendered = renderAfterKey(ctx, node);
  const block = node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL;
  if (block) return indentLines(rendered.replace(/^ /, ''), baseCol);
  const flat = rendered.replace(/^ /, '').replace(/\n$/, '');
  // A block scalar's range ends with its line break; a flow one replacing it must keep that break.
  return ctx.text[old.range![1] - 1] === '\n' ? `${flat}\n` : flat;
}

// ---- set -------------------------------------------------------------------------------

function nest(path: RecordPath, value: unknown): unknown {
  let v = value;
  for (let i = path.length - 1; i >= 0; i--) v = { [String(path[i])]: v };
  return v;
}

function planSet(ctx: Context, path: RecordPath, value: unknown): void {
  const found = resolve(ctx, path);
  if (found.depth === path.length) {
    refuseAnchored(ctx, path, found.node);
    replaceValue(ctx, path, found, value);
    return;
  }
  // The path leaves the document at depth: build the rest as new maps.
  const rest = path.slice(found.depth);
  if (found.node === undefined && isMap(found.parent)) {
    insertPair(ctx, path, found.parent, String(rest[0]), nest(rest.slice(1), value), found.depth);
  } else {
    // An empty value on the way: it becomes a map.
    refuseAnchored(ctx, path, found.node);
    replaceValue(ctx, path, found, nest(rest, value));
  }
}

function replaceValue(ctx: Context, path: RecordPath, found: { node: unknown; parent?: Node; pair?: Pair }, value: unknown): void {
  const old = found.node;
  if (isAlias(old)) throw new RecordEditError(path, `cannot set ${describePath(path)}: it is an alias (*${old.source}); edit it by hand`);
  if (isScalar(old) && old.value !== null && (value === null || ['string', 'number', 'boolean'].includes(typeof value))) {
    within(ctx, old);
    const r = old.range!;
    const anchor = found.pair ? (found.pair.key as Node).range?.[0] : ctx.text.lastIndexOf('-', r[0]);
    const baseCol = anchor !== undefined && anchor >= 0 ? column(ctx.text, anchor) : 0;
    const source = renderScalar(ctx, old, value as string | number | boolean | null, baseCol);
    // A trailing comment on the same line keeps its column while there is room.
    const gap = /^( +)#/.exec(ctx.text.slice(r[1], lineEnd(ctx.text, r[1])));
    if (gap && !source.includes('\n')) {
      const pad = Math.max(1, gap[1]!.length - (source.length - (r[1] - r[0])));
      patch(ctx, r[0], r[1] + gap[1]!.length, source + ' '.repeat(pad));
    } else patch(ctx, r[0], r[1], source);
    return;
  }
  if (isSeq(found.parent) && !found.pair) {
    replaceItem(ctx, path, found.parent, old as Node, value);
    return;
  }
  if (!found.pair) throw new RecordEditError(path, `cannot set ${describePath(path)} in place`);
  const pair = found.pair;
  const rendered = renderAfterKey(ctx, value);
  const keyNode = pair.key as Node;
  if (!keyNode.range) throw new NeedsReparse();
  const keyCol = column(ctx.text, keyNode.range[0]);
  const oldNode = isNode(old) ? old : undefined;
  if (oldNode) within(ctx, oldNode);
  if (!rendered.startsWith('\n')) {
    // A flow value or scalar on the key's line.
    const text = rendered.replace(/^ /, '').replace(/\n$/, '');
    if (oldNode?.range && oldNode.range[1] > oldNode.range[0]) {
      const end = isCollection(oldNode) && !oldNode.flow ? oldNode.range[1] - (ctx.text[oldNode.range[1] - 1] === '\n' ? 1 : 0) : oldNode.range[1];
      const start = isCollection(oldNode) && !oldNode.flow ? afterColon(ctx, pair) : oldNode.range[0];
      patch(ctx, start, end, start === oldNode.range[0] ? text : ` ${text}`);
    } else {
      patch(ctx, afterColon(ctx, pair), afterColon(ctx, pair), ` ${text}`);
    }
    return;
  }
  const lines = indentLines(rendered.slice(1), keyCol).replace(/^/, ' '.repeat(keyCol));
  if (oldNode?.range && isCollection(oldNode) && !oldNode.flow) {
    // A block collection below the key: replace its lines.
    patch(ctx, lineStart(ctx.text, oldNode.range[0]), oldNode.range[1], lines);
    return;
  }
  // An empty, null or flow value on the key's line: remove it, and put the block below that line.
  const valueStart = afterColon(ctx, pair);
  const valueEnd = oldNode?.range && oldNode.range[1] > oldNode.range[0] ? oldNode.range[1] : valueStart;
  if (valueEnd > valueStart) patch(ctx, valueStart, valueEnd, '');
  const at = lineEnd(ctx.text, Math.max(valueEnd, afterColon(ctx, pair)));
  patch(ctx, at, at, (ctx.text[at - 1] === '\n' ? '' : '\n') + lines, path.length);
}

function replaceItem(ctx: Context, path: RecordPath, seq: YAMLSeq, old: Node, value: unknown): void {
  if (!old?.range) throw new NeedsReparse();
  if (seq.flow) {
    patch(ctx, old.range[0], old.range[1], renderFlow(value, ctx.options.flowCollectionPadding !== false));
    return;
  }
  const dash = ctx.text.lastIndexOf('-', old.range[0]);
  if (dash < 0 || !onlySpacesBefore(ctx.text, dash)) throw new RecordEditError(path, `cannot replace ${describePath(path)} in place: its list item does not start its line`);
  const col = column(ctx.text, dash);
  const rendered = indentLines(renderAfterDash(ctx, value), col);
  const end = isCollection(old) ? old.range[1] : lineEnd(ctx.text, old.range[1]);
  patch(ctx, dash + 1, end, rendered);
}

function insertPair(ctx: Context, path: RecordPath, map: YAMLMap, key: string, value: unknown, containerDepth: number): void {
  if (!map.range) throw new NeedsReparse();
  ctx.added.set(map, (ctx.added.get(map) ?? new Set()).add(key));
  if (map.flow) {
    const last = map.items[map.items.length - 1] as Pair | undefined;
    const lastEnd = last ? ((last.value as Node | null)?.range?.[1] ?? (last.key as Node).range![1]) : undefined;
    const flowValue = renderFlow({ [key]: value }, ctx.options.flowCollectionPadding !== false).replace(/^\{ ?/, '').replace(/ ?\}$/, '');
    if (lastEnd === undefined) {
      const close = ctx.text.lastIndexOf('}', map.range[1]);
      patch(ctx, close, close, flowValue);
    } else patch(ctx, lastEnd, lastEnd, `, ${flowValue}`);
    return;
  }
  const first = map.items[0] as Pair | undefined;
  const firstKey = first?.key as Node | undefined;
  if (!firstKey?.range) throw new RecordEditError(path, `cannot add ${key} to ${describePath(path.slice(0, -1))} in place`);
  const col = column(ctx.text, firstKey.range[0]);
  const doc = new Document();
  const m = new YAMLMap();
  m.items.push(doc.createPair(key, null));
  (m.items[0] as Pair).value = createValueNode(doc, value);
  doc.contents = m as never;
  const lines = ' '.repeat(col) + indentLines(doc.toString(ctx.options), col);
  // After the map's last line (its value end includes that line's newline for a block map).
  let at = map.range[1];
  if (at > 0 && ctx.text[at - 1] !== '\n') at = lineEnd(ctx.text, at);
  patch(ctx, at, at, (at > 0 && ctx.text[at - 1] !== '\n' ? '\n' : '') + lines, containerDepth);
}

// ---- append ----------------------------------------------------------------------------

function planAppend(ctx: Context, path: RecordPath, value: unknown): void {
  const found = resolve(ctx, path);
  const node = found.depth === path.length ? found.node : undefined;
  if (found.depth < path.length || isNullish(node)) {
    // A missing or empty list: set it, in block style.
    const list = [value];
    if (found.depth === path.length) replaceValue(ctx, path, found, blockList(list));
    else planSet(ctx, path, blockList(list));
    return;
  }
  if (!isSeq(node)) throw new RecordEditError(path, `cannot append to ${describePath(path)}: it is not a list`);
  if (!node.range) throw new NeedsReparse();
  refuseAnchored(ctx, path, node);
  // Edits inside the list's items do not matter; a replacement of the list or of its end does.
  const [s0, s1] = [node.range[0], node.range[1]];
  if (ctx.touched.some(([s, e]) => (s <= s0 && e >= s1) || (s < s1 && e >= s1))) throw new NeedsReparse();
  ctx.added.set(node, (ctx.added.get(node) ?? new Set()).add(String(node.items.length)));
  if (node.flow) {
    if (node.items.length === 0) {
      replaceValue(ctx, path, found, blockList([value]));
      return;
    }
    const last = node.items[node.items.length - 1] as Node;
    if (!last.range) throw new NeedsReparse();
    patch(ctx, last.range[1], last.range[1], `, ${renderFlow(value, ctx.options.flowCollectionPadding !== false)}`);
    return;
  }
  const dash = node.range[0];
  if (!onlySpacesBefore(ctx.text, dash)) throw new RecordEditError(path, `cannot append to ${describePath(path)} in place: its first item does not start its line`);
  const col = column(ctx.text, dash);
  const first = (node.items[0] as Node | undefined)?.range?.[0];
  // Columns from the first item's dash to its value, when that value starts on the dash's line.
  const firstOffset = first === undefined || ctx.text.slice(dash + 1, first).includes('\n') ? undefined : first - dash;
  const lines = renderBlockItem(ctx.options, col, firstOffset, value);
  let at = node.range[1];
  if (at > 0 && ctx.text[at - 1] !== '\n') at = lineEnd(ctx.text, at);
  patch(ctx, at, at, (at > 0 && ctx.text[at - 1] !== '\n' ? '\n' : '') + lines, path.length);
}

/**
 * The lines of a new item for a block list whose dashes are at column col, laid out like its
 * first item: e.g. "-   a: 1" with its keys 4 columns in when the first item's value starts
 * firstOffset columns after its dash on the dash's line (undefined when it starts below it).
 */
export function renderBlockItem(options: ToStringOptions, col: number, firstOffset: number | undefined, value: unknown): string {
  const doc = new Document();
  const seq = new YAMLSeq();
  seq.items.push(createValueNode(doc, value));
  doc.contents = seq as never;
  let rendered = doc.toString(options).slice(1);
  if (firstOffset !== undefined && firstOffset > 2 && /^ [^\s]/.test(rendered)) {
    const extra = ' '.repeat(firstOffset - 2);
    rendered = ' ' + extra + rendered.slice(1).replace(/\n(?!$)/g, `\n${extra}`);
  }
  return ' '.repeat(col) + '-' + indentLines(rendered, col);
}

/** A marker value: a list to write in block style even when short. */
function blockList(items: unknown[]): Node {
  const doc = new Document();
  const seq = createValueNode(doc, items) as YAMLSeq;
  seq.flow = false;
  return seq;
}

// ---- delete ----------------------------------------------------------------------------

function planDelete(ctx: Context, path: RecordPath): void {
  const found = resolve(ctx, path);
  // A path that is already gone: nothing to delete.
  if (found.depth < path.length || found.node === undefined) return;
  refuseAnchored(ctx, path, found.node);
  const parent = found.parent;
  if (isMap(parent) && found.pair) {
    const key = found.pair.key as Node;
    if (!key.range || !parent.range) throw new NeedsReparse();
    within(ctx, key);
    const value = found.pair.value as Node | null;
    const end = value?.range ? value.range[2] : key.range[2];
    if (parent.flow) {
      const index = parent.items.indexOf(found.pair);
      removeFlowItem(ctx, parent, index, key.range[0], value?.range ? value.range[1] : key.range[1]);
      return;
    }
    if (!onlySpacesBefore(ctx.text, key.range[0])) {
      throw new RecordEditError(path, `cannot delete ${describePath(path)} in place: it shares its line with a list dash; delete it by hand`);
    }
    if (parent.items.length === 1) throw new RecordEditError(path, `cannot delete ${describePath(path)} in place: it is the only key of its mapping`);
    patch(ctx, lineStart(ctx.text, key.range[0]), lineEnd(ctx.text, Math.max(end - 1, key.range[1])), '');
    return;
  }
  if (isSeq(parent)) {
    const item = found.node as Node;
    if (!item?.range || !parent.range) throw new NeedsReparse();
    within(ctx, item);
    const index = parent.items.indexOf(item);
    if (parent.flow) {
      removeFlowItem(ctx, parent, index, item.range[0], item.range[1]);
      return;
    }
    const dash = ctx.text.lastIndexOf('-', item.range[0]);
    if (!onlySpacesBefore(ctx.text, dash)) throw new RecordEditError(path, `cannot delete ${describePath(path)} in place: its list item does not start its line`);
    if (parent.items.length === 1) {
      // The last item: the list stays a list, written as [].
      const holder = resolve(ctx, path.slice(0, -1));
      replaceValue(ctx, path.slice(0, -1), holder, []);
      return;
    }
    patch(ctx, lineStart(ctx.text, dash), lineEnd(ctx.text, item.range[2] - 1), '');
    return;
  }
}

function removeFlowItem(ctx: Context, collection: YAMLMap | YAMLSeq, index: number, start: number, end: number): void {
  const items = collection.items as unknown[];
  const rangeOf = (it: unknown): [number, number] | undefined => {
    if (isPair(it)) {
      const k = it.key as Node;
      const v = it.value as Node | null;
      return k?.range ? [k.range[0], v?.range ? v.range[1] : k.range[1]] : undefined;
    }
    return isNode(it) && it.range ? [it.range[0], it.range[1]] : undefined;
  };
  if (items.length === 1) {
    patch(ctx, start, end, '');
    return;
  }
  if (index < items.length - 1) {
    const next = rangeOf(items[index + 1]);
    if (!next) throw new NeedsReparse();
    patch(ctx, start, next[0], '');
  } else {
    const prev = rangeOf(items[index - 1]);
    if (!prev) throw new NeedsReparse();
    patch(ctx, prev[1], end, '');
  }
}
