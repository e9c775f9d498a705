// Applies RecordEdits to a parsed YAML Document in place, so everything the edits do not
// touch (comments, key order, blank lines, quoting, keys we do not know) is written back as it was.
import {
  Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  Pair,
  Scalar,
  visit,
  YAMLMap,
  YAMLSeq,
  type Node,
  type ToStringOptions,
} from 'yaml';
import type { RecordEdit, RecordPath } from '../model/edits';
import { editTextInPlace } from './textEdit';

export class RecordEditError extends Error {
  constructor(
    readonly path: RecordPath,
    message: string,
  ) {
    super(message);
    this.name = 'RecordEditError';
  }
}

/** Applies the edits in order. Throws RecordEditError when a path cannot be reached. */
export function applyEdits(doc: Document, edits: readonly RecordEdit[]): void {
  for (const edit of edits) {
    switch (edit.op) {
      case 'set':
        if (edit.value === undefined) deleteAt(doc, edit.path);
        else setAt(doc, edit.path, edit.value);
        break;
      case 'append':
        appendAt(doc, edit.path, edit.value);
        break;
      case 'delete':
        deleteAt(doc, edit.path);
        break;
    }
  }
}

/**
 * A YAML node for a new value: block style, timestamps and anything another YAML reader
 * could take for a number, boolean, null or date double-quoted. Short lists of plain values
 * stay on one line, e.g. `sme: [bruno]`.
 */
export function createValueNode(doc: Document, value: unknown): Node {
  const node = doc.createNode(value) as Node;
  styleNewNode(node);
  return node;
}

function styleNewNode(root: Node): void {
  visit(root, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && mustQuote(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
    Map(_key, node) {
      node.flow = node.items.length === 0;
    },
    Seq(_key, node) {
      // An empty list reads best as `[]` on its key's line.
      node.flow = node.items.length === 0 || isShortScalarList(node);
    },
  });
}

function isShortScalarList(seq: YAMLSeq): boolean {
  let width = 0;
  for (const item of seq.items) {
    if (!isScalar(item)) return false;
    const text = String(item.value);
    if (text.includes('\n')) return false;
    width += text.length + 2;
  }
  return width <= 60;
}

const TIMESTAMP_LIKE = /^\d{4}-\d{2}-\d{2}([Tt ]\d{1,2}:\d{2}.*)?$/;
// YAML 1.1 readers (and some editors) resolve more plain scalars than the 1.2 core schema does.
const YAML11_AMBIGUOUS =
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+([eE][-+]?[0-9]+)?|\.(inf|Inf|INF))|\.(nan|NaN|NAN))$/;

/** True when a plain (unquoted) string could be read back as something other than that string. */
export function mustQuote(text: string): boolean {
  return TIMESTAMP_LIKE.test(text) || YAML11_AMBIGUOUS.test(text);
}

function isScalarValue(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Writes a new scalar value into an existing scalar node, keeping its comments and, where still correct, its style. */
function overwriteScalar(node: Scalar, value: string | number | boolean | null): void {
  const wasString = typeof node.value === 'string';
  node.value = value;
  if (typeof value === 'string') {
    if (!wasString || node.type === undefined || node.type === Scalar.PLAIN) {
      node.type = mustQuote(value) ? Scalar.QUOTE_DOUBLE : Scalar.PLAIN;
    }
    if ((node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL) && value === '') node.type = Scalar.QUOTE_DOUBLE;
  } else {
    node.type = Scalar.PLAIN;
    delete node.format;
    delete node.minFractionDigits;
  }
  if (node.tag !== undefined && (!wasString || typeof value !== 'string')) delete node.tag;
}

/** Replaces a node, carrying over the comments and blank line attached to the old one. */
function replacement(doc: Document, old: unknown, value: unknown): Node {
  const node = createValueNode(doc, value);
  if (isNode(old)) {
    if (old.commentBefore) node.commentBefore = old.commentBefore;
    if (old.comment) node.comment = old.comment;
    if (old.spaceBefore) node.spaceBefore = old.spaceBefore;
  }
  return node;
}

function describePath(path: RecordPath): string {
  return path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('').replace(/^\./, '') || '(root)';
}

function findPair(map: YAMLMap, key: string | number): Pair | undefined {
  return map.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) === String(key) : String(p.key) === String(key))) as
    | Pair
    | undefined;
}

function isNullish(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** The collection at path, creating block maps where a key is missing or empty. */
function containerAt(doc: Document, path: RecordPath, fullPath: RecordPath): YAMLMap | YAMLSeq {
  if (isNullish(doc.contents)) doc.contents = new YAMLMap() as never;
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isMap(node)) {
      let pair = findPair(node, seg);
      if (!pair) {
        pair = new Pair(doc.createNode(seg), new YAMLMap());
        node.items.push(pair);
      } else if (isNullish(pair.value)) {
        const map = new YAMLMap();
        if (isScalar(pair.value) && pair.value.comment) map.comment = pair.value.comment;
        pair.value = map;
      }
      node = pair.value;
    } else if (isSeq(node)) {
      if (typeof seg !== 'number' || seg < 0 || seg >= node.items.length) {
        throw new RecordEditError(fullPath, `cannot edit ${describePath(fullPath)}: ${describePath(path.slice(0, i + 1))} is not an item of the list`);
      }
      node = node.items[seg];
    } else {
      throw new RecordEditError(fullPath, `cannot edit ${describePath(fullPath)}: ${describePath(path.slice(0, i))} is not a mapping or list`);
    }
  }
  if (!isMap(node) && !isSeq(node)) {
    throw new RecordEditError(fullPath, `cannot edit ${describePath(fullPath)}: ${describePath(path)} is not a mapping or list`);
  }
  return node;
}

function setAt(doc: Document, path: RecordPath, value: unknown): void {
  if (path.length === 0) {
    doc.contents = replacement(doc, doc.contents, value) as never;
    return;
  }
  const parent = containerAt(doc, path.slice(0, -1), path);
  const key = path[path.length - 1]!;
  if (isMap(parent)) {
    const pair = findPair(parent, key);
    if (!pair) {
      parent.items.push(new Pair(doc.createNode(key), createValueNode(doc, value)));
    } else if (isScalar(pair.value) && isScalarValue(value)) {
      overwriteScalar(pair.value, value);
    } else {
      pair.value = replacement(doc, pair.value, value);
    }
    return;
  }
  if (typeof key !== 'number' || key < 0 || key > parent.items.length) {
    throw new RecordEditError(path, `cannot set ${describePath(path)}: no such item in the list`);
  }
  const old = parent.items[key];
  if (isScalar(old) && isScalarValue(value)) overwriteScalar(old, value);
  else parent.items[key] = replacement(doc, old, value);
}

function appendAt(doc: Document, path: RecordPath, value: unknown): void {
  const existing = path.length === 0 ? doc.contents : nodeAt(doc, path);
  if (isNullish(existing)) {
    setAt(doc, path, [value]);
    const seq = nodeAt(doc, path);
    // A log grows one entry per line; keep even a first short value in block style.
    if (isSeq(seq)) seq.flow = false;
    return;
  }
  if (!isSeq(existing)) throw new RecordEditError(path, `cannot append to ${describePath(path)}: it is not a list`);
  if (existing.items.length === 0) existing.flow = false;
  existing.items.push(createValueNode(doc, value));
}

function deleteAt(doc: Document, path: RecordPath): void {
  if (path.length === 0) throw new RecordEditError(path, 'cannot delete the whole record');
  const parent = nodeAt(doc, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (isMap(parent)) {
    const idx = parent.items.findIndex((p) => p === findPair(parent, key));
    if (idx >= 0) parent.items.splice(idx, 1);
  } else if (isSeq(parent) && typeof key === 'number' && key >= 0 && key < parent.items.length) {
    parent.items.splice(key, 1);
  }
}

function nodeAt(doc: Document, path: RecordPath): unknown {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) node = findPair(node, seg)?.value;
    else if (isSeq(node) && typeof seg === 'number') node = node.items[seg];
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/**
 * Output options that match how the original text was laid out, so untouched parts come
 * back byte for byte: sequence indentation, indent width, flow padding, line endings.
 */
export function formatOptionsFor(text: string): ToStringOptions {
  const lines = text.split(/\r?\n/);
  let indentSeq = true;
  let indent = 2;
  let foundSeq = false;
  let foundIndent = false;
  for (let i = 0; i + 1 < lines.length && !(foundSeq && foundIndent); i++) {
    const m = /^(\s*)(?:- )?[^\s#:][^:#]*:\s*(#.*)?$/.exec(lines[i]!);
    if (!m) continue;
    const keyIndent = lines[i]!.search(/[^\s-]/);
    let j = i + 1;
    while (j < lines.length && /^\s*(#.*)?$/.test(lines[j]!)) j++;
    const next = lines[j];
    if (next === undefined) continue;
    const nextIndent = next.search(/\S/);
    if (!foundSeq && /^\s*- /.test(next)) {
      indentSeq = nextIndent > keyIndent;
      foundSeq = true;
    } else if (!foundIndent && nextIndent > keyIndent && !/^\s*- /.test(next)) {
      indent = nextIndent - keyIndent;
      foundIndent = true;
    }
  }
  const flowPadded = /[[{] /.test(text) || !/[[{][^\s\]}]/.test(text);
  return {
    indent: indent >= 1 && indent <= 8 ? indent : 2,
    indentSeq,
    lineWidth: 0,
    minContentWidth: 0,
    flowCollectionPadding: flowPadded,
  };
}

/**
 * The text of a parsed record after the edits. Only the source of the changed values is
 * replaced (see textEdit.ts); everything else stays byte for byte. doc must have been parsed
 * from original and is not changed.
 */
export function editText(original: string, doc: Document, edits: readonly RecordEdit[]): string {
  return editTextInPlace(original, doc, edits);
}
