// Reads a YAML input safely (size cap, alias-bomb cap, duplicate keys are
// errors) and keeps its syntax tree so any key path can be located as
// line:column for error messages.
import { readFileSync, statSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { InputError, type Origin } from './errors.js';
import type { KeyPath } from '../workload/expand.js';

/** Largest YAML input accepted, in bytes (scenarios and models are small). */
export const MAX_YAML_BYTES = 4 * 1024 * 1024;

/** A parsed YAML document that can say where a key path is written. */
export class YamlFile {
  private constructor(
    readonly path: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    readonly data: unknown,
  ) {}

  /** Read and parse `path`; any problem is an {@link InputError} naming the file. */
  static read(path: string, what: string): YamlFile {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      throw new InputError(`${what} file not found`, { source: path });
    }
    if (size > MAX_YAML_BYTES) {
      throw new InputError(`${what} file is ${size} bytes; the limit is ${MAX_YAML_BYTES} bytes`, { source: path });
    }
    const text = readFileSync(path, 'utf8');
    return YamlFile.parse(path, text, what);
  }

  /** Parse YAML text that came from `path`. */
  static parse(path: string, text: string, what: string): YamlFile {
    if (text.includes('\u0000')) throw new InputError(`${what} file is binary, not YAML text`, { source: path, line: 1, col: 1 });
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    const err = doc.errors[0];
    if (err) {
      const pos = lines.linePos(err.pos[0]);
      const msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(`YAML syntax error: ${msg}`, { source: path, line: pos.line, col: pos.col });
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      throw new InputError(`YAML cannot be expanded: ${(e as Error).message} (alias bombs are refused)`, { source: path, line: 1, col: 1 });
    }
    return new YamlFile(path, doc, lines, data);
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
