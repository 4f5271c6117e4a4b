/**
 * The text a location covers in its source file, as written there (before macros are
 * replaced or lines joined): for fixes that must edit exactly what was read.
 */
import { Location } from '../syntax/source';
import { ConfigTree } from '../syntax/tree';

/**
 * The written text of a location on one line, with `extend` more characters after it;
 * undefined when it spans lines or its file is one the configuration generates (never edited).
 */
export function writtenText(tree: ConfigTree, loc: Location, extend = 0): string | undefined {
  const { start, end } = loc.range;
  if (start.line !== end.line) return undefined;
  const file = tree.files.find((f) => f.path === loc.file);
  if (!file || file.generated) return undefined;
  return file.lines[start.line]?.slice(start.character, end.character + extend);
}
