// Turns a zod validation failure into one located InputError: the first
// issue (unions resolved to the branch the author evidently meant), worded
// as what was expected and what was found, placed at its file:line:column.
import type { z } from 'zod';
import { didYouMean } from '../workload/didYouMean.js';
import { InputError, type Origin } from './errors.js';
import { keysAt } from './schemaKeys.js';
import type { KeyPath } from '../workload/expand.js';

type Issue = z.core.$ZodIssue;

/** Resolves a key path to where it was written (a YAML node, a --set flag, …). */
export type Locator = (path: KeyPath, atKey?: boolean) => Origin;

/** Validate `data` with `schema`; on failure throw the first issue as an InputError. */
export function validate<T>(schema: z.ZodType<T>, data: unknown, locate: Locator, what: string): T {
  const r = schema.safeParse(data, { reportInput: true });
  if (r.success) return r.data;
  const issue = pickIssue(r.error.issues, []);
  const path = issue.path;
  const where = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]] : path;
  const typo = misspeltKey(issue, r.error.issues);
  if (typo) {
    const at = [...typo.path, typo.key];
    throw new InputError(`unknown key ${JSON.stringify(typo.key)} (expected ${JSON.stringify(typo.meant)}, which is missing) (in the ${what})`, locate(at, true), at);
  }
  throw new InputError(`${describe(issue)}${suggestion(schema, data, issue)} (in the ${what})`, locate(where, issue.code === 'unrecognized_keys'), where);
}

/** "; did you mean …?" for an unknown key, or a string that is not one of the allowed values, close to a known one. */
function suggestion(schema: z.ZodType, data: unknown, issue: Issue & { path: KeyPath }): string {
  if (issue.code === 'unrecognized_keys') return didYouMean(issue.keys[0], keysAt(schema, data, issue.path));
  if (issue.code === 'invalid_value' && typeof issue.input === 'string') return didYouMean(issue.input, issue.values.filter((v) => typeof v === 'string'));
  const options = (issue as { options?: unknown[]; discriminator?: string }).options;
  const disc = (issue as { discriminator?: string }).discriminator;
  const input = issue.input as Record<string, unknown> | undefined;
  if (issue.code === 'invalid_union' && options && disc && input !== null && typeof input === 'object' && typeof input[disc] === 'string') {
    return didYouMean(input[disc] as string, options.filter((v) => typeof v === 'string'));
  }
  return '';
}

/**
 * A misspelt required key shows up as two issues, "missing ops" and
 * "unknown key opps"; report them as one, at the key that was written.
 */
function misspeltKey(issue: Issue & { path: KeyPath }, all: readonly Issue[]): { path: KeyPath; key: string; meant: string } | null {
  if (issue.code !== 'invalid_type' || issue.input !== undefined || issue.path.length === 0) return null;
  const parent = issue.path.slice(0, -1);
  const meant = String(issue.path[issue.path.length - 1]);
  const unknown = all.find((i) => i.code === 'unrecognized_keys' && i.path.length === parent.length && i.path.every((s, j) => s === parent[j]));
  if (!unknown || unknown.code !== 'unrecognized_keys' || unknown.keys.length !== 1) return null;
  return { path: parent as KeyPath, key: unknown.keys[0], meant };
}

/** The most relevant issue, with its path made absolute. */
function pickIssue(issues: readonly Issue[], prefix: KeyPath): Issue & { path: KeyPath } {
  const first = issues[0];
  const abs = { ...first, path: [...prefix, ...(first.path as KeyPath)] } as Issue & { path: KeyPath };
  if (first.code !== 'invalid_union' || first.errors.length === 0) return abs;
  const best = first.errors.reduce((a, b) => (wrongness(b) < wrongness(a) ? b : a));
  const allRootTypeErrors = first.errors.every((br) => br.length === 1 && br[0].code === 'invalid_type' && br[0].path.length === 0);
  if (allRootTypeErrors) {
    const expected = [...new Set(first.errors.map((br) => (br[0] as z.core.$ZodIssueInvalidType).expected))];
    return { ...abs, code: 'custom', message: `expected ${expected.map(typeName).join(' or ')}, got ${typeOf(first.input)}` } as never;
  }
  return pickIssue(best, abs.path);
}

/** How strongly a union branch's issues say "this is not the branch the author meant". */
function wrongness(branch: readonly Issue[]): number {
  let w = 0;
  for (const i of branch) {
    if (i.code === 'invalid_type' && i.path.length === 0) w += 3;
    else if (i.code === 'invalid_type' && i.path.length === 1 && i.input === undefined) w += 1;
    else if (i.code === 'unrecognized_keys' && i.path.length === 0) w += i.keys.length;
    else if (i.code === 'invalid_union' && (i as { note?: string }).note === 'No matching discriminator' && isAbsent(i)) w += 2;
  }
  return w;
}

function isAbsent(i: z.core.$ZodIssueInvalidUnion & { discriminator?: string }): boolean {
  const input = i.input as Record<string, unknown> | undefined;
  return !input || typeof input !== 'object' || i.discriminator === undefined || !(i.discriminator in input);
}

function typeOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return `${typeof v} ${String(v)}`;
}

/** A zod type name in the words of a YAML author. */
function typeName(expected: string): string {
  const words: Record<string, string> = { int: 'a whole number', number: 'a number', array: 'a list', object: 'a mapping', string: 'a string', boolean: 'true or false' };
  return words[expected] ?? expected;
}

/** What was expected and what was found, in words. */
function describe(i: Issue): string {
  switch (i.code) {
    case 'invalid_key':
      return `bad key ${JSON.stringify(i.input)}: ${i.issues[0]?.message ?? i.message}`;
    case 'unrecognized_keys':
      return `unknown key ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_type':
      if (i.input === undefined) return `missing required key (expected ${typeName(i.expected)})`;
      if (i.expected === 'number' && typeof i.input === 'number') return `expected a finite number, got ${typeOf(i.input)}`;
      return `expected ${typeName(i.expected)}, got ${typeOf(i.input)}`;
    case 'too_small':
      return `expected ${i.origin === 'array' ? 'at least ' + String(i.minimum) + ' entries' : (i.inclusive ? '≥ ' : '> ') + String(i.minimum)}, got ${typeOf(i.input)}`;
    case 'too_big':
      return `expected ${i.origin === 'array' ? 'at most ' + String(i.maximum) + ' entries' : (i.inclusive ? '≤ ' : '< ') + String(i.maximum)}, got ${typeOf(i.input)}`;
    case 'invalid_value':
      return `expected one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}, got ${typeOf(i.input)}`;
    case 'invalid_union': {
      const opts = (i as { options?: unknown[] }).options;
      if (opts) {
        const disc = (i as { discriminator?: string }).discriminator ?? '';
        const input = i.input as Record<string, unknown> | undefined;
        const list = opts.map((v) => JSON.stringify(v)).join(', ');
        if (input === null || typeof input !== 'object' || !(disc in input)) {
          const keys = input !== null && typeof input === 'object' ? Object.keys(input) : [];
          return `missing key "${disc}" (expected one of ${list})${keys.length ? `; the entry has ${keys.map((k) => JSON.stringify(k)).join(', ')}` : ''}`;
        }
        return `expected one of ${list}, got ${typeOf(input[disc])}`;
      }
      return i.message;
    }
    default:
      return i.message;
  }
}
