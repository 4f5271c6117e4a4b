/**
 * A redirect router's written-out `data` that Exim cannot carry out. `exim -bV` accepts it;
 * Exim reads the data when it routes. Measured with Exim 4.96 (`exim -bt`, and deliveries in
 * a spool of their own): `data = :fail: text` without `allow_fail` logs 'error in redirect
 * data: ":fail: text" is not permitted' and defers the address (it stays in the queue until
 * the retry rules give up), and so do the other refused items below, except pipes and
 * files on a router that forbids them, which fail the address.
 */
import { changeToFixes, insertLinesAfter } from '../../fixes/edits';
import { addDriverSettingEdit } from '../../fixes/driverSetting';
import { DriverNode, OptionNode } from '../../syntax/tree';
import { redirectItems, RedirectItem } from '../../util/redirectData';
import { stringSetting } from '../../util/stringSetting';
import { suggest } from '../../util/suggest';
import { ConfigModel } from '../model';
import { Fix, Rule, RuleContext } from '../types';

const SPECIALS = [':blackhole:', ':defer:', ':fail:', ':include:', ':unknown:'];

const DEFERS = 'Exim accepts the configuration, and routing defers every address this router redirects, until the retry rules give up';
const FAILS = 'Exim accepts the configuration, and every address this router redirects fails';

interface Problem {
  message: string;
  /** The option whose setting would allow the item, when that is the remedy. */
  allow?: 'allow_fail' | 'allow_defer';
  suggestions?: string[];
}

/** What Exim says about one item on this router, in its words, or undefined when it is carried out. */
function itemProblem(model: ConfigModel, router: DriverNode, item: RedirectItem, text: string): Problem | undefined {
  const on = (option: string) => model.booleanOption(router, option) === true;
  const unset = (option: string) => !model.optionNode(router, option);
  const quoted = text.slice(item.start, item.end);
  switch (item.kind) {
    case 'fail':
    case 'defer': {
      const allow = item.kind === 'fail' ? 'allow_fail' : 'allow_defer';
      if (on(allow)) return undefined;
      return { message: `error in redirect data: "${quoted}" is not permitted (the ${router.name} router does not set ${allow}): ${DEFERS}`, allow };
    }
    case 'blackhole':
      return on('forbid_blackhole') ? { message: `error in redirect data: ":blackhole:" is not permitted (the ${router.name} router sets forbid_blackhole): ${DEFERS}` } : undefined;
    case 'include':
      if (on('forbid_include')) return { message: `error in redirect data: included files not permitted (the ${router.name} router sets forbid_include): ${DEFERS}` };
      if (item.path === '') return { message: `error in redirect data: file name missing after :include:: ${DEFERS}` };
      if (!item.path!.startsWith('/')) return { message: `error in redirect data: included file "${item.path}" is not an absolute path: ${DEFERS}` };
      return undefined;
    case 'special': {
      const word = /^:[^:,\s]*:?/.exec(quoted)![0];
      return { message: `error in redirect data: missing or malformed local part (expected word or "<") in "${quoted}" ("${word}" is not one of ${SPECIALS.join(' ')}, which are lower case): ${DEFERS}`, suggestions: suggest(word, SPECIALS) };
    }
    case 'pipe':
      if (on('forbid_pipe')) return { message: `delivery to pipe forbidden (the ${router.name} router sets forbid_pipe): ${FAILS}` };
      return unset('pipe_transport') ? { message: `pipe_transport unset in ${router.name} router: ${DEFERS}` } : undefined;
    case 'file':
    case 'directory': {
      if (on('forbid_file')) return { message: `delivery to file forbidden (the ${router.name} router sets forbid_file): ${FAILS}` };
      const transport = item.kind === 'file' ? 'file_transport' : 'directory_transport';
      return unset(transport) ? { message: `${transport} unset in ${router.name} router (${item.kind === 'file' ? 'a path' : 'a path ending in "/"'} is delivered by it): ${DEFERS}` } : undefined;
    }
    default:
      return undefined;
  }
}

/** Where the data starts in the option's line text, or undefined for a quoted value (its offsets differ). */
function unquotedStart(node: OptionNode): number | undefined {
  // The value has no leading white space (the parser removes it).
  return node.value.startsWith('"') ? undefined : node.valueOffset;
}

const redirectDataInvalid: Rule = {
  id: 'redirect-data-invalid',
  defaultSeverity: 'warning',
  title: 'redirect router data that Exim refuses when it routes (":fail:" without allow_fail, a pipe without pipe_transport, ...)',
  check(ctx: RuleContext) {
    for (const router of ctx.model.activeDrivers('routers')) {
      if (router.driverName !== 'redirect') continue;
      const node = ctx.model.optionNode(router, 'data');
      if (!node || !node.hasValue) continue;
      const text = stringSetting(node.value);
      // A filter ("# Exim filter") is not an address list.
      if (text.startsWith('#')) continue;
      // Only the text before an expansion or escape is known as written.
      const dollar = text.search(/[$\\]/);
      const items = redirectItems(text, dollar < 0 ? text.length : dollar);
      const start = unquotedStart(node);
      for (const item of items) {
        const problem = itemProblem(ctx.model, router, item, text);
        if (!problem) continue;
        const loc = start === undefined ? node.valueLoc ?? node.wordLoc : node.line.locate(start + item.start, start + item.end);
        const fixes: Fix[] = [];
        if (problem.allow && !ctx.model.optionNode(router, problem.allow)) {
          const indent = node.line.file.indentOf(node.line.firstLine);
          const allow = problem.allow;
          const add = addDriverSettingEdit(ctx.model, router, allow, allow, () => insertLinesAfter(node.line, indent, [allow]));
          if (add) fixes.push({ title: `Add "${allow}" to the ${router.name} router`, edits: [add], isPreferred: true });
        }
        const suggestions = problem.suggestions ?? [];
        if (suggestions.length && start !== undefined) {
          const word = /^:[^:,\s]*:?/.exec(text.slice(item.start))![0];
          const wordLoc = node.line.locate(start + item.start, start + item.start + word.length);
          fixes.push(...changeToFixes(wordLoc, suggestions.slice(0, 1)));
        }
        ctx.report({
          message: problem.message + (suggestions.length ? `; did you mean "${suggestions[0]}"?` : ''),
          loc,
          data: { router: router.name, item: item.kind },
          fixes,
        });
      }
    }
  },
};

export const redirectRules: Rule[] = [redirectDataInvalid];
