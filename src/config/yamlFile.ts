// Reads a YAML input safely (size cap, alias-bomb cap, duplicate keys are
// errors) and keeps its syntax tree so any key path can be located as
// line:column for error messages.
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Alias, type Document, type Node } from 'yaml';
import { InputError, type Origin } from './errors.js';
import { DEFAULT_LIMITS, formatCount, LIMIT_FLAGS } from './limits.js';
import { binary, InputFileError, lineCol, readTextFile } from '../workload/inputFile.js';
import type { KeyPath } from '../workload/expand.js';
import { PROTO_KEY_MESSAGE, protoKeyPath } from './overrides.js';
import { READ_SCHEMA, refusedTagOf, tagMessage } from './yamlTags.js';

/** Largest YAML input accepted by default, in bytes (scenarios and models are small). */
export const MAX_YAML_BYTES = DEFAULT_LIMITS.maxInputBytes;

/** Most aliases a document may expand; a legitimate file uses a handful, an alias bomb millions. */
const MAX_ALIASES = 1000;

/** A parsed YAML document that can say where a key path is written. */
export class YamlFile {
  private constructor(
    readonly path: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    readonly data: unknown,
  ) {}

  /**
   * Read and parse `path`; any problem is an {@link InputError} naming the
   * file. The size is checked before a byte is read, so a huge file is
   * refused at once; devices and FIFOs are refused (they could be endless).
   */
  static read(path: string, what: string, maxBytes: number = MAX_YAML_BYTES): YamlFile {
    let text: string;
    try {
      text = readTextFile(path, yamlRole(what), { maxBytes, flag: LIMIT_FLAGS.maxInputBytes });
    } catch (e) {
      if (e instanceof InputFileError) throw new InputError(e.detail, { source: path, ...e.at });
      throw e;
    }
    return YamlFile.parse(path, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, what); // a byte-order mark is not content
  }

  /** Parse YAML text that came from `path`. */
  static parse(path: string, text: string, what: string): YamlFile {
    let lines = new LineCounter();
    const nul = text.indexOf('\u0000');
    if (nul >= 0) throw new InputError(binary(yamlRole(what)), { source: path, ...lineCol(text, nul) });
    // uniqueKeys off: yaml's check compares each key with every key before it in its mapping (40,000 keys took
    // 53 s); examine() below finds the same first duplicate in one pass. silent: no Node warning ahead of our message.
    const options = { lineCounter: lines, uniqueKeys: false, prettyErrors: false, logLevel: 'silent', ...READ_SCHEMA } as const;
    // One document a file: a second one (after ---) would otherwise be dropped unread, errors and all.
    const all = parseAllDocuments(text, options);
    if (Array.isArray(all) && all.length > 1) {
      throw new InputError(`${what} file holds more than one YAML document (a second starts here); expected one document`, { source: path, ...lineCol(text, all[1].range[0]) });
    }
    // The one document as parsed already (parsing is most of the time of a large file); none (an empty file): an empty one.
    let doc: Document.Parsed;
    if (Array.isArray(all) && all.length === 1) doc = all[0];
    else {
      lines = new LineCounter();
      doc = parseDocument(text, { ...options, lineCounter: lines });
    }
    const err = doc.errors[0];
    if (err) {
      const pos = lines.linePos(err.pos[0]);
      let msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      if (/Maximum call stack/.test(msg)) msg = 'the document nests too deeply for the parser (hundreds of levels); expected a scenario of modest depth';
      throw new InputError(`YAML syntax error: ${msg}`, { source: path, line: pos.line, col: pos.col });
    }
    // A tag yaml cannot resolve (!foo) made its value a string without a word; !!binary, !!omap and the like
    // build values no schema expects, which were then blamed on their shape. vmmsim's files need no tags.
    const { tagged, twice, aliases, targets } = examine(doc);
    if (tagged !== null) throw new InputError(tagMessage(tagged.tag, tagged.unresolved), { source: path, ...lines.linePos(tagged.offset) });
    if (twice !== null) {
      const key = (/^[^:\n]*/.exec(text.slice(twice)) ?? [''])[0].trim();
      throw new InputError(`YAML syntax error: Map keys must be unique (the key ${JSON.stringify(key)} appears twice)`, { source: path, ...lines.linePos(twice) });
    }
    if (aliases.length > MAX_ALIASES) {
      const a = aliases[MAX_ALIASES];
      throw new InputError(`more than ${formatCount(MAX_ALIASES)} YAML aliases (*${a.source} here is alias number ${formatCount(MAX_ALIASES + 1)}); expected a document with a handful`,
        { source: path, ...lines.linePos(a.range?.[0] ?? 0) });
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      const unresolved = unresolvedAlias(aliases, targets);
      if (unresolved) {
        throw new InputError(`YAML alias *${unresolved.anchor} names no anchor: expected &${unresolved.anchor} on a node before it`, { source: path, ...lines.linePos(unresolved.offset) });
      }
      const blame = aliasBlame(doc, targets);
      if (!blame) throw new InputError(`YAML cannot be expanded: ${(e as Error).message}`, { source: path, line: 1, col: 1 });
      throw new InputError(
        `YAML aliases expand too far (an alias bomb?): *${blame.anchor} here stands for ${formatCount(blame.nodes)} nodes, and it is one of many; ` +
          'expected a document whose aliases expand to a modest size',
        { source: path, ...lines.linePos(blame.offset) },
        blame.path,
      );
    }
    const file = new YamlFile(path, doc, lines, data);
    const proto = protoKeyPath(data);
    if (proto) throw new InputError(PROTO_KEY_MESSAGE, file.locate(proto, true), proto);
    return file;
  }

  /** Whether the file itself writes the node at `path` (not only a node enclosing it). */
  has(path: KeyPath): boolean {
    let node: unknown = this.doc.contents;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return false;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
        node = node.items[seg];
      } else return false;
    }
    return true;
  }

  /**
   * Where `path` is written: the key itself when it exists (so an unknown key
   * points at its name), else the nearest enclosing node that exists.
   */
  locate(path: KeyPath, atKey = false): Origin {
    let node: unknown = this.doc.contents;
    let offset = (node as Node | null)?.range?.[0] ?? 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
        // A bad scalar value is pointed at itself; containers at their key.
        if (i === path.length - 1 && !atKey && isScalar(node) && node.range) offset = node.range[0];
      } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
        node = node.items[seg];
        offset = (node as Node | null)?.range?.[0] ?? offset;
      } else break;
    }
    const pos = this.lines.linePos(offset);
    return { source: this.path, line: pos.line, col: pos.col };
  }
}

/** How a YAML input is named in messages about its bytes. */
function yamlRole(what: string): { what: string; expected: string } {
  return { what, expected: 'a YAML file' };
}

/** What {@link examine} finds in a document. */
interface Examined {
  /** The first explicit tag outside the core schema, or one yaml could not resolve for its value; or null. */
  tagged: { tag: string; offset: number; unresolved: boolean } | null;
  /** Offset of the first key that repeats a key before it in its mapping, or null. */
  twice: number | null;
  /** The aliases in document order, and the node each stands for (undefined: no anchor before it). */
  aliases: Alias[];
  targets: Map<Alias, Node | undefined>;
}

/**
 * One walk of the document in document order (pre-order: a mapping before
 * its keys and values, a key before its value, as yaml's visit walks it;
 * iterative, so any depth) that finds what yaml would find only in
 * quadratic time, or only by a warning: duplicate keys (yaml's uniqueKeys
 * scans every key before each one; here a set per mapping, the same scalar
 * equality), each alias's anchor (yaml's Alias.resolve walks the whole
 * document per alias; here the last anchor seen, yaml's rule) and tags.
 */
function examine(doc: Document.Parsed): Examined {
  const unresolved = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  const found: Examined = { tagged: null, twice: null, aliases: [], targets: new Map() };
  const anchors = new Map<string, Node>();
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isAlias(n)) {
      found.aliases.push(n);
      found.targets.set(n, anchors.get(n.source));
      continue;
    }
    if (!isNode(n)) continue;
    if (n.anchor) anchors.set(n.anchor, n);
    if (found.tagged === null) found.tagged = refusedTagOf(n, unresolved);
    if (isMap(n)) {
      const seen = new Set<unknown>();
      for (const p of n.items) {
        const k = p.key;
        // yaml compares scalar values with ===: NaN never equals itself, other values as a set compares them.
        if (!isScalar(k) || Number.isNaN(k.value)) continue;
        if (seen.has(k.value)) {
          const at = k.range?.[0] ?? 0;
          if (found.twice === null || at < found.twice) found.twice = at;
          break;
        }
        seen.add(k.value);
      }
      for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i].value, n.items[i].key);
    } else if (isSeq(n)) {
      for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i]);
    }
  }
  if (found.tagged === null && unresolved !== undefined) {
    const tag = (/Unresolved tag: (\S+)/.exec(unresolved.message) ?? ['', '?'])[1];
    found.tagged = { tag, offset: unresolved.pos[0], unresolved: true };
  }
  return found;
}

/** The first alias (in document order) whose anchor is not set before it, or null. */
function unresolvedAlias(aliases: readonly Alias[], targets: ReadonlyMap<Alias, Node | undefined>): { offset: number; anchor: string } | null {
  const a = aliases.find((x) => targets.get(x) === undefined);
  return a === undefined ? null : { offset: a.range?.[0] ?? 0, anchor: a.source };
}

/**
 * Where an alias bomb sits: from the root, descend into the child that
 * expands to the most nodes until reaching the alias that carries it.
 * Null if no alias is involved.
 */
function aliasBlame(doc: Document.Parsed, targets: ReadonlyMap<Alias, Node | undefined>): { path: KeyPath; offset: number; anchor: string; nodes: number } | null {
  const memo = new Map<unknown, number>();
  const inProgress = new Set<unknown>();
  const size = (n: unknown): number => {
    const target = isAlias(n) ? targets.get(n) : n;
    if (target === undefined || target === null || inProgress.has(target)) return 1;
    const known = memo.get(target);
    if (known !== undefined) return known;
    inProgress.add(target);
    let s = 1;
    if (isMap(target)) for (const p of target.items) s += size(p.value);
    else if (isSeq(target)) for (const item of target.items) s += size(item);
    inProgress.delete(target);
    memo.set(target, s);
    return s;
  };
  const path: Array<string | number> = [];
  let node: unknown = doc.contents;
  for (;;) {
    if (isAlias(node)) return { path, offset: node.range?.[0] ?? 0, anchor: node.source, nodes: size(node) };
    let best: { node: unknown; seg: string | number } | null = null;
    let bestSize = 0;
    if (isMap(node)) {
      for (const p of node.items) {
        const s = size(p.value);
        if (s > bestSize) [best, bestSize] = [{ node: p.value, seg: isScalar(p.key) ? String(p.key.value) : '?' }, s];
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const s = size(item);
        if (s > bestSize) [best, bestSize] = [{ node: item, seg: i }, s];
      });
    }
    if (best === null) return null;
    path.push((best as { seg: string | number }).seg);
    node = (best as { node: unknown }).node;
  }
}
