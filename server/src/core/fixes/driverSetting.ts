/**
 * Adding a setting to a driver that has no active one, without clashing with a setting in a
 * skipped `.ifdef` branch of the same driver.
 */
import { ConfigModel } from '../analysis/model';
import { TextEdit } from '../analysis/types';
import { range } from '../syntax/source';
import { DriverNode } from '../syntax/tree';

/**
 * The edit that adds `text` (a setting of `option`) to the driver, or undefined when it
 * cannot be placed safely. Where a skipped branch of an `.ifdef` inside the driver sets the
 * option (Debian's `.ifdef REMOTE_SMTP_HOSTS_REQUIRE_TLS` ... `.endif`), the setting goes into
 * the other branch of that conditional, adding `.else` where there is none: placed anywhere
 * else, it would make Exim refuse the configuration once the macro is defined ("option set
 * for the second time"). A conditional with `.elifdef` branches is not handled (undefined).
 * Otherwise `plain()` gives the edit.
 */
export function addDriverSettingEdit(model: ConfigModel, driver: DriverNode, option: string, text: string, plain: () => TextEdit): TextEdit | undefined {
  const resolved = model.resolvedOptions(driver);
  const skipped = driver.options.filter((o, i) => !o.active && resolved[i].name === option);
  if (skipped.length === 0) return plain();
  const blocks = skipped.map((o) => {
    let inner: (typeof model.tree.conditionals)[number] | undefined;
    for (const block of model.tree.conditionals) {
      const first = block.directives[0];
      const last = block.directives[block.directives.length - 1];
      if (first.loc.file !== o.line.file.path || last.loc.file !== o.line.file.path || last.kind !== 'endif') continue;
      if (first.loc.range.start.line < o.line.firstLine && last.loc.range.start.line > o.line.lastLine && (!inner || first.loc.range.start.line > inner.directives[0].loc.range.start.line)) inner = block;
    }
    return inner;
  });
  const block = blocks[0];
  if (!block || blocks.some((b) => b !== block) || !block.directives[0].active) return undefined;
  const kinds = block.directives.map((d) => d.kind);
  if (kinds.some((k) => k === 'elifdef' || k === 'elifndef') || kinds.length > 3) return undefined;
  const file = skipped[0].line.file;
  const indent = file.indentOf(skipped[0].line.firstLine);
  const lineOf = (i: number) => block.directives[i].loc.range.start.line;
  if (kinds.length === 2) {
    // .ifdef X / setting / .endif: the setting goes in a new .else branch.
    const endif = lineOf(1);
    return { file: file.path, range: range(endif, 0, endif, 0), newText: `${file.indentOf(endif)}.else${file.eol}${indent}${text}${file.eol}` };
  }
  // .ifdef X / ... / .else / ... / .endif: into the branch that is read, after its directive.
  const inFirst = skipped[0].line.firstLine < lineOf(1);
  const after = inFirst ? lineOf(1) : lineOf(0);
  if (skipped.some((o) => o.line.firstLine < lineOf(1) !== inFirst)) return undefined;
  return { file: file.path, range: range(after + 1, 0, after + 1, 0), newText: `${indent}${text}${file.eol}` };
}
