/**
 * String expansions, which `exim -bV` does not look at: Exim expands an option only when
 * it uses it, so a broken `${...}` fails a delivery or an SMTP command later ("failed to
 * expand ..."). Reported as warnings: the reader is tolerant and a string that is never
 * used never fails. Checked: expanded options (the manual's dagger), ACL conditions and
 * modifiers, rewrite replacements.
 */
import { Location } from '../../syntax/source';
import { ExpansionProblem, scanExpansion } from '../../syntax/expansion';
import { LogicalLine } from '../../syntax/logicalLine';
import { EXPANSION_CONDITION_NAMES, EXPANSION_ITEM_NAMES, EXPANSION_OPERATOR_NAMES, VARIABLE_NAMES } from '../../syntaxData';
import { suggest } from '../../util/suggest';
import { optionSectionOf } from '../model';
import { Fix, Rule, RuleContext } from '../types';

interface ExpandedText {
  line: LogicalLine;
  /** Offset of the text in line.text. */
  offset: number;
  text: string;
  active: boolean;
}

/** Every expanded string of the configuration that contains a "$". */
function expandedTexts(ctx: RuleContext): ExpandedText[] {
  const out: ExpandedText[] = [];
  const add = (line: LogicalLine, offset: number, text: string, active: boolean) => {
    if (text.includes('$')) out.push({ line, offset, text, active });
  };
  for (const section of ctx.tree.sections) {
    const kind = optionSectionOf(section.kind);
    for (const item of section.items) {
      if (item.kind === 'option' && kind === 'main' && !section.begin) {
        const r = ctx.model.resolve(item, 'main');
        if (r.info?.expanded && item.hasValue) add(item.line, item.valueOffset, item.value, item.active);
      } else if (item.kind === 'driver') {
        for (const o of item.options) {
          const r = ctx.model.resolve(o, item.section, item.driverName);
          if (r.info?.expanded && o.hasValue) add(o.line, o.valueOffset, o.value, o.active);
        }
      } else if (item.kind === 'acl') {
        for (const st of item.statements) for (const c of st.items) if (c.hasValue) add(c.line, c.valueOffset, c.value, c.active);
      } else if (item.kind === 'rewrite' && item.replacement) {
        const text = item.line.text;
        const start = item.replacement.offset;
        let end = start + item.replacement.text.length;
        if (text[start] === '"') {
          end = start + 1;
          while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
          end = Math.min(end + 1, text.length);
        }
        add(item.line, start, text.slice(start, end), item.active);
      }
    }
  }
  return out;
}

function candidates(p: ExpansionProblem): readonly string[] {
  switch (p.kind) {
    case 'unknown-variable':
      return VARIABLE_NAMES;
    case 'unknown-condition':
      return EXPANSION_CONDITION_NAMES.filter((n) => /^[a-z]/.test(n));
    case 'unknown-operator':
      return EXPANSION_OPERATOR_NAMES;
    case 'unknown-item':
      return [...EXPANSION_ITEM_NAMES, ...VARIABLE_NAMES];
    default:
      return [];
  }
}

function report(ctx: RuleContext, t: ExpandedText, p: ExpansionProblem): void {
  const loc: Location = t.line.locate(t.offset + p.start, t.offset + p.end);
  const suggestions = p.name ? suggest(p.name, candidates(p)) : [];
  const nameLoc = p.name ? t.line.locate(t.offset + p.start, t.offset + p.start + p.name.length) : loc;
  const fixes: Fix[] = suggestions.map((s, i) => ({ title: `Change to "${s}"`, edits: [{ file: nameLoc.file, range: nameLoc.range, newText: s }], ...(i === 0 ? { isPreferred: true } : {}) }));
  const dym = suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '';
  ctx.report({
    message: `${p.message}${dym}`,
    loc,
    active: t.active,
    ...(suggestions.length ? { data: { name: p.name, suggestions }, fixes } : {}),
  });
}

/** Scans each expanded string once per analysis, for the three rules below. */
const scans = new WeakMap<RuleContext['tree'], Array<{ t: ExpandedText; problems: ExpansionProblem[] }>>();
function scanned(ctx: RuleContext): Array<{ t: ExpandedText; problems: ExpansionProblem[] }> {
  let s = scans.get(ctx.tree);
  if (!s) {
    s = expandedTexts(ctx).map((t) => ({ t, problems: scanExpansion(t.text).problems }));
    scans.set(ctx.tree, s);
  }
  return s;
}

const expansionSyntax: Rule = {
  id: 'expansion-syntax',
  defaultSeverity: 'warning',
  title: 'string expansion Exim cannot expand: braces, arguments, "$" not followed by a name',
  check(ctx) {
    for (const { t, problems } of scanned(ctx)) for (const p of problems) if (p.kind === 'syntax' || p.kind === 'arguments') report(ctx, t, p);
  },
};

const expansionUnknown: Rule = {
  id: 'expansion-unknown-name',
  defaultSeverity: 'warning',
  title: 'unknown expansion item, operator or condition',
  check(ctx) {
    for (const { t, problems } of scanned(ctx)) {
      for (const p of problems) if (p.kind === 'unknown-item' || p.kind === 'unknown-operator' || p.kind === 'unknown-condition') report(ctx, t, p);
    }
  },
};

const unknownVariable: Rule = {
  id: 'unknown-variable',
  defaultSeverity: 'warning',
  title: 'expansion variable Exim does not know',
  check(ctx) {
    for (const { t, problems } of scanned(ctx)) for (const p of problems) if (p.kind === 'unknown-variable') report(ctx, t, p);
  },
};

export const expansionRules: Rule[] = [expansionSyntax, expansionUnknown, unknownVariable];
