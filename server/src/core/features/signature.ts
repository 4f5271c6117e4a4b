/**
 * Signature help inside string expansions: while the admin types `${sg{$h_subject:}{`, show
 * `${sg{<subject>}{<regex>}{<replacement>}}` with the argument being typed marked. Covers
 * expansion items, the conditions of `${if`, conditions nested in `and`/`or`/`forall`/
 * `filter`, and the grouped arguments of `acl` and `saslauthd`. The forms come from the
 * manual (data/exim-variables.json); which braces are arguments follows how Exim reads them.
 */
import { expansionConditions, expansionItems, SyntaxInfo } from '../vocabulary';
import { expansionCondition, expansionItem, isHeaderPrefixed } from '../syntaxData';
import { Position } from '../syntax/source';
import { ConfigTree } from '../syntax/tree';
import { contextAt } from './context';

export interface SignatureParameter {
  /** Start and end offsets of the parameter in the signature's label. */
  label: [number, number];
}

export interface Signature {
  label: string;
  parameters: SignatureParameter[];
}

export interface SignatureHelpResult {
  signatures: Signature[];
  activeSignature: number;
  activeParameter: number;
}

/** One `${name ...}` item, or one condition, being read. */
interface Call {
  kind: 'item' | 'condition';
  name: string;
  /** Still reading the name (the characters after "${", or after the white space before a condition). */
  naming: boolean;
  /** Brace groups opened at this call's own level so far. */
  groups: number;
  /** Text written at this call's own level after the name (`json`, a lookup type, run options). */
  between: string;
  /** The contents of its completed groups, in order (for choosing between forms). */
  args: string[];
  negated?: boolean;
  /** Its first group came straight after the name (`${lookup{key} type ...}`, not `${lookup type {query}}`). */
  keyed?: boolean;
  /** For an `${if`: the condition has been read; its groups after that are <string1>, <string2>. */
  conditionDone?: boolean;
}

type Frame =
  | { type: 'call'; call: Call }
  | { type: 'operator' }
  /** A brace group: an argument of `owner` (at `index`), or plain braces when owner is undefined. */
  | { type: 'group'; owner?: Call; index: number; start: number; inner: number };

/** A call whose name is about to be read: after "${", or where a condition is due. */
const opened = (kind: Call['kind']): Frame => ({ type: 'call', call: { kind, name: '', naming: true, groups: 0, between: '', args: [] } });

const NAME_CHAR = /[A-Za-z0-9_]/;
const CONDITION_NAME_CHAR = /[A-Za-z0-9_<>=:]/;

/** How many brace groups a condition takes at its own level. */
function conditionArity(name: string): number {
  const info = expansionCondition(name);
  if (!info) return 2;
  switch (info.kind) {
    case 'condlist':
    case 'nested':
      return 1;
    case 'forall':
      return 2;
    case 'def':
    case 'none':
      return 0;
    default:
      return info.max ?? 2;
  }
}

/** The group of a call whose contents Exim reads as a condition. */
function groupHoldsCondition(owner: Call, index: number): boolean {
  if (owner.kind === 'item') return owner.name === 'filter' && index === 1;
  const kind = expansionCondition(owner.name)?.kind;
  return kind === 'forall' && index === 1;
}

/**
 * Reads the text before the cursor the way Exim reads an expansion (backslash escapes, `\N`
 * protected text, `${`, braces) and returns the calls still open at the cursor, innermost last.
 */
function openFrames(text: string): Frame[] {
  const stack: Frame[] = [];
  const top = () => stack[stack.length - 1];
  const endCondition = () => {
    const t = top();
    if (t?.type === 'call' && t.call.kind === 'condition') {
      stack.pop();
      const parent = top();
      if (parent?.type === 'call' && parent.call.name === 'if') parent.call.conditionDone = true;
    }
  };
  let protectedText = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    // \N...\N is copied as it is: it ends at the first \N, even one after a backslash.
    if (protectedText) {
      if (c === '\\' && text[i + 1] === 'N') {
        protectedText = false;
        i++;
      }
      continue;
    }
    if (c === '\\') {
      if (text[i + 1] === 'N') protectedText = true;
      i++;
      continue;
    }
    let t = top();
    if (t?.type === 'call' && t.call.naming) {
      const call = t.call;
      if (call.kind === 'item') {
        if (NAME_CHAR.test(c)) {
          call.name += c;
          continue;
        }
        call.naming = false;
        if (c === ':') {
          // `${lc:...}`: an operator; its argument is plain text up to the closing brace.
          stack.pop();
          stack.push({ type: 'operator' });
          continue;
        }
        if (c === '}') {
          stack.pop(); // `${name}`: a variable.
          continue;
        }
        if (call.name === 'if') {
          stack.push(opened('condition'));
          t = top();
        }
      } else {
        if (call.name === '' && (c === ' ' || c === '\t' || c === '\n' || c === '!')) {
          if (c === '!') call.negated = !call.negated;
          continue;
        }
        // def:<variable> runs to the white space or brace after the variable; a header name
        // (def:h_subject:) runs to its colon, which it takes, or white space, braces included.
        const variable = call.name.startsWith('def:') ? call.name.slice(4) : undefined;
        const header = variable !== undefined && isHeaderPrefixed(variable);
        const takes = header ? !/\s/.test(c) && !variable!.endsWith(':') : CONDITION_NAME_CHAR.test(c) || (variable !== undefined && !/[\s{}]/.test(c));
        if (takes) {
          call.name += c;
          continue;
        }
        call.naming = false;
        if (conditionArity(call.name.replace(/^def:.*/, 'def')) === 0) endCondition();
      }
    }
    t = top();
    // $name, and a header line that runs to its colon or white space, braces included.
    if (c === '$' && /[A-Za-z]/.test(text[i + 1] ?? '')) {
      let j = i + 1;
      while (j < text.length && NAME_CHAR.test(text[j])) j++;
      if (isHeaderPrefixed(text.slice(i + 1, j))) {
        while (j < text.length && !/[\s:]/.test(text[j])) j++;
        if (text[j] === ':') j++;
      }
      i = j - 1;
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      stack.push(opened('item'));
      i++;
      continue;
    }
    if (c === '{') {
      if (t?.type === 'call') {
        const call = t.call;
        const index = call.kind === 'item' && call.name === 'if' ? (call.conditionDone ? 1 : 0) + call.groups : call.groups;
        if (call.groups === 0) call.keyed = call.between.trim() === '';
        call.groups++;
        stack.push({ type: 'group', owner: call, index, start: i + 1, inner: 0 });
        if (groupHoldsCondition(call, index)) stack.push(opened('condition'));
        continue;
      }
      if (t?.type === 'group' && t.owner?.kind === 'condition') {
        if (groupedArguments(t.owner.name)) {
          // and {{<cond1>}{<cond2>}}: each inner group holds a condition;
          // acl {{<name>}{<arg1>}}: each inner group is the next argument.
          const index = t.inner++;
          stack.push({ type: 'group', index, start: i + 1, inner: 0 });
          if (expansionCondition(t.owner.name)?.kind === 'condlist') stack.push(opened('condition'));
          continue;
        }
      }
      // Anywhere else a "{" is text: inside an argument the first "}" ends it (Exim reads
      // ${sg{a{b}{c}{d}} with the subject "a{b").
      continue;
    }
    if (c === '}') {
      // A condition with all its groups (or none) ends where its parent's brace closes.
      while (top()?.type === 'call' && (top() as { call: Call }).call.kind === 'condition') endCondition();
      const closed = stack.pop();
      if (closed?.type === 'group' && closed.owner) {
        closed.owner.args.push(text.slice(closed.start, i));
        const owner = closed.owner;
        const ownerFrame = top();
        if (owner.kind === 'condition' && ownerFrame?.type === 'call' && ownerFrame.call === owner && owner.groups >= conditionArity(owner.name)) endCondition();
      }
      continue;
    }
    if (t?.type === 'call' && !t.call.naming) {
      if (t.call.kind === 'condition' && !/\s/.test(c) && t.call.groups >= conditionArity(t.call.name)) {
        endCondition();
        continue;
      }
      t.call.between += c;
    }
  }
  return stack;
}

/** A signature's parameters: each `{...}` group and each bare `<...>` outside them. */
function signatureOf(label: string): Signature & { braceParams: number[] } {
  const parameters: SignatureParameter[] = [];
  const braceParams: number[] = [];
  // Skip the name itself ("${name" or "name ").
  let i = label.startsWith('${') ? 2 : 0;
  while (i < label.length && /[A-Za-z0-9_<>=:]/.test(label[i])) i++;
  let depth = 0;
  let start = -1;
  for (; i < label.length; i++) {
    const c = label[i];
    if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        braceParams.push(parameters.length);
        parameters.push({ label: [start, i + 1] });
      }
    } else if (c === '<' && depth === 0) {
      const end = label.indexOf('>', i);
      if (end < 0) break;
      parameters.push({ label: [i, end + 1] });
      i = end;
    }
  }
  return { label, parameters, braceParams };
}

/** `acl {{<name>}{<arg1>}...}`, `and {{<cond1>}{<cond2>}...}`: arguments grouped in one outer brace. */
function groupedArguments(conditionName: string): boolean {
  const kind = expansionCondition(conditionName)?.kind;
  return kind === 'nested' || kind === 'condlist';
}

/** The inner groups of `acl {{<name>}{<arg1>}...}` as parameters. */
function nestedSignatureOf(label: string): Signature & { braceParams: number[] } {
  const outer = label.indexOf('{');
  const parameters: SignatureParameter[] = [];
  for (const m of label.slice(outer + 1).matchAll(/\{[^{}]*\}/g)) parameters.push({ label: [outer + 1 + m.index!, outer + 1 + m.index! + m[0].length] });
  return { label, parameters, braceParams: parameters.map((_, i) => i) };
}

const formsOf = (info: SyntaxInfo): string[] => info.forms ?? [info.syntax];

/** Which of an item's forms the text written so far selects. */
function chooseForm(call: Call, forms: string[]): number {
  const between = call.between.trim();
  if (call.name === 'lookup') {
    // ${lookup{key} type {file}...} when the first thing after the name is a brace.
    const queryStyle = call.groups === 0 ? between !== '' : !call.keyed;
    const i = forms.findIndex((f) => (queryStyle ? f.includes('<query>') : f.includes('<key>')));
    return Math.max(0, i);
  }
  if (call.name === 'extract') {
    const json = /^jsons\b/.test(between) ? 'jsons' : /^json\b/.test(between) ? 'json' : '';
    const numbered = call.args.length > 0 && /^\s*\d+\s*$/.test(call.args[0]);
    const i = forms.findIndex((f) => new RegExp(`^\\$\\{extract${json ? ` ?${json}` : ''} ?\\{<${numbered ? 'number' : 'key'}>`).test(f));
    return Math.max(0, i);
  }
  return 0;
}

/** `index`: the brace group the cursor is in, or the next one when `between` (outside the groups). */
function itemHelp(call: Call, index: number, between = false): SignatureHelpResult | undefined {
  const info = expansionItems.find((x) => x.name === call.name);
  if (!info || !expansionItem(call.name)) return undefined;
  const forms = formsOf(info);
  const signatures = forms.map(signatureOf);
  const activeSignature = chooseForm(call, forms);
  const sig = signatures[activeSignature];
  let activeParameter: number;
  if (call.name === 'if') {
    // ${if <condition> {<string1>}{<string2>}}: the condition, then the two strings.
    activeParameter = Math.min(index, sig.parameters.length - 1);
  } else if (call.name === 'lookup' && sig.label.includes('<query>') && call.groups === 0) {
    activeParameter = 0; // the search type, before the query's brace
  } else if (call.name === 'lookup' && between && call.keyed && call.groups === 1) {
    activeParameter = 1; // ${lookup{key} <search type> {<file>}: the type, after the key
  } else {
    const braces = sig.braceParams;
    activeParameter = braces.length ? braces[Math.min(index, braces.length - 1)] : 0;
  }
  return { signatures: signatures.map(({ label, parameters }) => ({ label, parameters })), activeSignature, activeParameter };
}

function conditionHelp(call: Call, index: number): SignatureHelpResult | undefined {
  const name = call.name.startsWith('def:') ? 'def' : call.name;
  const info = expansionCondition(name);
  if (!info) return undefined;
  const known = expansionConditions.find((x) => x.name === name);
  // The numeric comparisons (<, <=, =, ==, >, >=) have no entry of their own in the manual's list.
  const forms = known ? formsOf(known) : [`${name} {<string1>}{<string2>}`];
  const signatures = forms.map(groupedArguments(name) ? nestedSignatureOf : signatureOf);
  const sig = signatures[0];
  const braces = sig.braceParams;
  const activeParameter = braces.length ? braces[Math.min(index, braces.length - 1)] : 0;
  return { signatures: signatures.map(({ label, parameters }) => ({ label, parameters })), activeSignature: 0, activeParameter };
}

/** Signature help at a position, or undefined outside the arguments of an item or condition. */
export function signatureHelp(tree: ConfigTree, file: string, pos: Position): SignatureHelpResult | undefined {
  const ctx = contextAt(tree, file, pos);
  if (!ctx.line) return undefined;
  const stack = openFrames(asExpanded(ctx.textBefore, ctx.info?.node));
  return helpFor(stack);
}

/**
 * What the expansion expects at the end of `textBefore`, for completion: a condition (after
 * `${if `, in a group of and/or, in the second group of forall or ${filter}), a lookup type
 * (after `${lookup ` or `${lookup{key}`), or text inside \N...\N, where nothing is expanded.
 */
export function expansionSlotAt(textBefore: string): 'condition' | 'lookup-type' | 'protected' | undefined {
  let protectedText = false;
  for (let i = 0; i < textBefore.length; i++) {
    if (textBefore[i] !== '\\') continue;
    if (textBefore[i + 1] === 'N') protectedText = !protectedText;
    if (!protectedText || textBefore[i + 1] === 'N') i++;
  }
  if (protectedText) return 'protected';
  const stack = openFrames(textBefore);
  const top = stack[stack.length - 1];
  if (top?.type !== 'call') return undefined;
  const call = top.call;
  if (call.kind === 'condition' && call.naming) return 'condition';
  if (call.kind === 'item' && call.name === 'lookup' && !call.naming && (call.groups === 0 || (call.keyed && call.groups === 1))) return 'lookup-type';
  return undefined;
}

/**
 * The text before the cursor as the expander gets it: Exim takes the quotes off an option's
 * or a named list's value first ("\\" is then one backslash, "\"" a quote), not an ACL item's.
 */
function asExpanded(textBefore: string, node: { kind: string; valueOffset?: number } | undefined): string {
  if (!node || (node.kind !== 'option' && node.kind !== 'namedList') || node.valueOffset === undefined) return textBefore;
  const at = node.valueOffset;
  if (textBefore[at] !== '"' || textBefore.length <= at) return textBefore;
  const inner = textBefore.slice(at + 1).replace(/\\([0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/g, (_, e: string) =>
    e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : /^[0-7]/.test(e) ? String.fromCharCode(parseInt(e, 8)) : /^x./.test(e) ? String.fromCharCode(parseInt(e.slice(1), 16)) : e,
  );
  return textBefore.slice(0, at) + ' ' + inner;
}

function helpFor(stack: Frame[]): SignatureHelpResult | undefined {
  for (let i = stack.length - 1; i >= 0; i--) {
    const f = stack[i];
    if (f.type === 'operator') return undefined;
    if (f.type === 'group') {
      if (!f.owner) {
        // Plain braces inside an argument: the argument around them is still the one being typed.
        continue;
      }
      const owner = f.owner;
      if (owner.kind === 'item') return itemHelp(owner, f.index);
      if (groupedArguments(owner.name)) {
        // In `acl {{<name>}{<arg1>}}` and `and {{<cond1>}{<cond2>}}` the outer group is not an
        // argument: its inner groups are (the one the cursor is in, or the next one).
        const inner = stack[i + 1];
        return conditionHelp(owner, inner?.type === 'group' ? inner.index : f.inner);
      }
      return conditionHelp(owner, f.index);
    }
    const call = f.call;
    if (call.naming && call.kind === 'item') return undefined;
    if (call.kind === 'condition') {
      if (call.naming || call.name === '') {
        // Typing the condition's name: the item (or condition) around it says what is expected.
        continue;
      }
      return conditionHelp(call, call.groups);
    }
    if (call.name === 'if') return itemHelp(call, call.conditionDone ? 1 + call.groups : 0);
    return itemHelp(call, call.groups, true);
  }
  return undefined;
}
