// YAML tags vmmsim accepts: those of the core schema, which only say what a
// plain value resolves to anyway. Any other (!foo, which yaml turns into a
// string without a word; !!binary, !!omap, which build values no schema
// expects) is refused, in files and in --set values alike.
import { isNode, visit, type Document, type Node, type YAMLWarning } from 'yaml';
import { printable } from '../workload/inputFile.js';

/**
 * The schema every YAML vmmsim reads is parsed with (files, --set values,
 * report --scenario): the 1.2 core schema whatever a `%YAML 1.1` directive
 * says, which would switch to YAML 1.1's types — 1:30 is 90, 2001-12-14 a
 * date, `y` and `off` booleans, `<<` a merge — values no other file means.
 */
export const READ_SCHEMA = { schema: 'core' } as const;

/** Tags of the YAML core schema a value may carry. */
export const CORE_TAGS: ReadonlySet<string> = new Set(['str', 'int', 'float', 'bool', 'null', 'seq', 'map'].map((t) => `tag:yaml.org,2002:${t}`));

/** The message for a refused tag (`unresolved`: yaml could not resolve it for its value). */
export function tagMessage(tag: string, unresolved: boolean): string {
  const why = unresolved ? 'cannot be resolved for this value' : 'is not one vmmsim reads';
  return `the YAML tag ${printable(tag.replace(/^tag:yaml\.org,2002:/, '!!'))} ${why}; expected the value written plainly (tags such as !!str, !!int and !!bool may stay)`;
}

/**
 * Whether the tag of `node` is refused: outside the core schema, or one yaml
 * could not resolve for this node's value (`unresolved`, yaml's warning,
 * covers the node's offset). The tag as written and why, or null.
 */
export function refusedTagOf(node: Node, unresolved: YAMLWarning | undefined): { tag: string; offset: number; unresolved: boolean } | null {
  if (node.tag === undefined) return null;
  const offset = node.range?.[0] ?? 0;
  const failed = unresolved !== undefined && unresolved.pos[0] <= offset && offset <= unresolved.pos[1];
  return !CORE_TAGS.has(node.tag) || failed ? { tag: node.tag, offset, unresolved: failed } : null;
}

/** The message for the first refused tag of a small document (a --set value), or null. */
export function refusedTag(doc: Document.Parsed): string | null {
  let found: string | null = null;
  const unresolved = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  visit(doc, (_key, node) => {
    const refused = isNode(node) ? refusedTagOf(node, unresolved) : null;
    if (refused === null) return undefined;
    found = tagMessage(refused.tag, refused.unresolved);
    return visit.BREAK;
  });
  return found;
}
