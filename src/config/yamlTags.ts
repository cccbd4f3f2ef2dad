// YAML tags vmmsim accepts: those of the core schema, which only say what a
// plain value resolves to anyway. Any other (!foo, which yaml turns into a
// string without a word; !!binary, !!omap, which build values no schema
// expects) is refused, in files and in --set values alike.
import { isNode, visit, type Document } from 'yaml';
import { printable } from '../workload/inputFile.js';

/** Tags of the YAML core schema a value may carry. */
export const CORE_TAGS: ReadonlySet<string> = new Set(['str', 'int', 'float', 'bool', 'null', 'seq', 'map'].map((t) => `tag:yaml.org,2002:${t}`));

/** The message for a refused tag (`unresolved`: yaml could not resolve it for its value). */
export function tagMessage(tag: string, unresolved: boolean): string {
  const why = unresolved ? 'cannot be resolved for this value' : 'is not one vmmsim reads';
  return `the YAML tag ${printable(tag.replace(/^tag:yaml\.org,2002:/, '!!'))} ${why}; expected the value written plainly (tags such as !!str, !!int and !!bool may stay)`;
}

/** The message for the first refused tag of a small document (a --set value), or null. */
export function refusedTag(doc: Document.Parsed): string | null {
  let found: string | null = null;
  const failed = doc.warnings.some((w) => w.code === 'TAG_RESOLVE_FAILED');
  visit(doc, (_key, node) => {
    if (isNode(node) && node.tag !== undefined && (!CORE_TAGS.has(node.tag) || failed)) {
      found = tagMessage(node.tag, failed);
      return visit.BREAK;
    }
    return undefined;
  });
  return found;
}
