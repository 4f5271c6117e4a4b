// A small expander for VS Code snippet bodies, following the grammar VS Code uses
// (tab stops, placeholders, choices, variables, escapes), so tests can turn a snippet
// into the text a user gets when accepting every default.
//
//   $1  ${1}            tab stop: the value of the same-numbered placeholder, else empty
//   ${1:default}        placeholder (may nest: ${1:a ${2:b}})
//   ${1|one,two|}       choice: the first option unless told otherwise
//   $0                  final cursor position: empty
//   $TM_FILENAME ${VAR} ${VAR:default}   variables (see below)
//   \$ \} \\            escapes in text and placeholders; \, \| \\ in choices
//
// VS Code turns a `$name` it does not know into a placeholder holding "name", which
// silently eats the `$` of Exim variables such as `$auth2` written without `\\$`. With
// `strict` (the default) such unknown variables, and a `$` that starts nothing, throw.

export interface ExpandOptions {
  /** Variable values; otherwise known VS Code variables expand to their default or "". */
  variables?: Record<string, string>;
  /** Which option (0-based) to take for the choice of a tab stop; default 0. */
  choices?: Record<number, number>;
  /** Throw on unknown variables and on a `$` that is not escaped (default true). */
  strict?: boolean;
}

type Node =
  | { kind: 'text'; value: string }
  | { kind: 'tabstop'; index: number }
  | { kind: 'placeholder'; index: number; children: Node[] }
  | { kind: 'choice'; index: number; options: string[] }
  | { kind: 'variable'; name: string; children?: Node[] };

/** Variables VS Code resolves (https://code.visualstudio.com/docs/editor/userdefinedsnippets#_variables). */
export const VSCODE_VARIABLES = new Set([
  'TM_SELECTED_TEXT', 'TM_CURRENT_LINE', 'TM_CURRENT_WORD', 'TM_LINE_INDEX', 'TM_LINE_NUMBER',
  'TM_FILENAME', 'TM_FILENAME_BASE', 'TM_DIRECTORY', 'TM_FILEPATH', 'RELATIVE_FILEPATH',
  'CLIPBOARD', 'WORKSPACE_NAME', 'WORKSPACE_FOLDER', 'CURSOR_INDEX', 'CURSOR_NUMBER',
  'CURRENT_YEAR', 'CURRENT_YEAR_SHORT', 'CURRENT_MONTH', 'CURRENT_MONTH_NAME', 'CURRENT_MONTH_NAME_SHORT',
  'CURRENT_DATE', 'CURRENT_DAY_NAME', 'CURRENT_DAY_NAME_SHORT', 'CURRENT_HOUR', 'CURRENT_MINUTE',
  'CURRENT_SECOND', 'CURRENT_SECONDS_UNIX', 'CURRENT_TIMEZONE_OFFSET',
  'RANDOM', 'RANDOM_HEX', 'UUID', 'BLOCK_COMMENT_START', 'BLOCK_COMMENT_END', 'LINE_COMMENT',
]);

class Parser {
  private pos = 0;
  constructor(private readonly src: string, private readonly strict: boolean) {}

  parse(): Node[] {
    const nodes = this.parseSequence(false);
    if (this.pos < this.src.length) throw this.error('unexpected text');
    return nodes;
  }

  private error(what: string): Error {
    const before = this.src.slice(Math.max(0, this.pos - 30), this.pos);
    return new Error(`snippet body: ${what} at offset ${this.pos} (after ${JSON.stringify(before)})`);
  }

  /** Text and elements up to the end, or (inside a placeholder) an unescaped `}`. */
  private parseSequence(inPlaceholder: boolean): Node[] {
    const nodes: Node[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ kind: 'text', value: text });
      text = '';
    };
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\') {
        const next = this.src[this.pos + 1];
        if (next === '$' || next === '}' || next === '\\') {
          text += next;
          this.pos += 2;
        } else {
          text += c;
          this.pos += 1;
        }
        continue;
      }
      if (c === '}' && inPlaceholder) break;
      if (c === '$') {
        const element = this.parseDollar();
        if (element) {
          flush();
          nodes.push(element);
          continue;
        }
        if (this.strict) throw this.error('unescaped "$" (write \\$ for a literal dollar)');
        text += c;
        this.pos += 1;
        continue;
      }
      text += c;
      this.pos += 1;
    }
    flush();
    return nodes;
  }

  /** At a `$`: a tab stop, placeholder, choice or variable; undefined (pos unchanged) if none. */
  private parseDollar(): Node | undefined {
    const start = this.pos;
    const rest = this.src.slice(start + 1);
    let m = /^\d+/.exec(rest);
    if (m) {
      this.pos = start + 1 + m[0].length;
      return { kind: 'tabstop', index: Number(m[0]) };
    }
    m = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(rest);
    if (m) {
      this.pos = start + 1 + m[0].length;
      return this.variable(m[0], undefined, start);
    }
    if (rest[0] !== '{') return undefined;
    this.pos = start + 2;
    m = /^\d+/.exec(this.src.slice(this.pos));
    if (m) {
      const index = Number(m[0]);
      this.pos += m[0].length;
      const c = this.src[this.pos];
      if (c === '}') {
        this.pos += 1;
        return { kind: 'tabstop', index };
      }
      if (c === ':') {
        this.pos += 1;
        const children = this.parseSequence(true);
        if (this.src[this.pos] !== '}') throw this.error(`unterminated placeholder \${${index}:`);
        this.pos += 1;
        return { kind: 'placeholder', index, children };
      }
      if (c === '|') {
        this.pos += 1;
        const options = this.parseChoiceOptions();
        if (options) return { kind: 'choice', index, options };
      }
      if (c === '/') throw this.error('snippet transforms are not supported');
      this.pos = start;
      return undefined;
    }
    m = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(this.src.slice(this.pos));
    if (m) {
      const name = m[0];
      this.pos += name.length;
      const c = this.src[this.pos];
      if (c === '}') {
        this.pos += 1;
        return this.variable(name, undefined, start);
      }
      if (c === ':') {
        this.pos += 1;
        const children = this.parseSequence(true);
        if (this.src[this.pos] !== '}') throw this.error(`unterminated variable \${${name}:`);
        this.pos += 1;
        return this.variable(name, children, start);
      }
      if (c === '/') throw this.error('snippet transforms are not supported');
    }
    this.pos = start;
    return undefined;
  }

  private variable(name: string, children: Node[] | undefined, start: number): Node {
    if (this.strict && !VSCODE_VARIABLES.has(name) && children === undefined) {
      this.pos = start;
      throw this.error(`unknown variable "$${name}" (an Exim variable needs \\$)`);
    }
    return { kind: 'variable', name, children };
  }

  /** After `${N|`: options up to `|}`; undefined (caller backtracks) if malformed. */
  private parseChoiceOptions(): string[] | undefined {
    const options: string[] = [];
    let current = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\' && [',', '|', '\\'].includes(this.src[this.pos + 1])) {
        current += this.src[this.pos + 1];
        this.pos += 2;
      } else if (c === ',') {
        options.push(current);
        current = '';
        this.pos += 1;
      } else if (c === '|') {
        if (this.src[this.pos + 1] !== '}') return undefined;
        options.push(current);
        this.pos += 2;
        return options;
      } else {
        current += c;
        this.pos += 1;
      }
    }
    return undefined;
  }
}

/** Parses a snippet body (a string, or VS Code's array of lines). */
export function parseSnippet(body: string | string[], strict = true): Node[] {
  return new Parser(Array.isArray(body) ? body.join('\n') : body, strict).parse();
}

/** Every choice in a body: tab stop index and its options. */
export function snippetChoices(body: string | string[]): Map<number, string[]> {
  const found = new Map<number, string[]>();
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      if (n.kind === 'choice' && !found.has(n.index)) found.set(n.index, n.options);
      if (n.kind === 'placeholder') walk(n.children);
      if (n.kind === 'variable' && n.children) walk(n.children);
    }
  };
  walk(parseSnippet(body, false));
  return found;
}

/** The text a user gets by accepting every default (first choice unless `choices` says otherwise). */
export function expandSnippet(body: string | string[], options: ExpandOptions = {}): string {
  const nodes = parseSnippet(body, options.strict ?? true);
  const values = new Map<number, string>();

  const render = (list: Node[]): string => list.map(renderNode).join('');
  const renderNode = (n: Node): string => {
    switch (n.kind) {
      case 'text':
        return n.value;
      case 'tabstop':
        return n.index === 0 ? '' : values.get(n.index) ?? '';
      case 'placeholder':
        return values.get(n.index) ?? render(n.children);
      case 'choice':
        return values.get(n.index) ?? n.options[options.choices?.[n.index] ?? 0] ?? '';
      case 'variable': {
        const given = options.variables?.[n.name];
        if (given !== undefined) return given;
        if (n.children) return render(n.children);
        return VSCODE_VARIABLES.has(n.name) ? '' : n.name;
      }
    }
  };

  // The first placeholder or choice of a number defines its value; bare `$N` mirror it.
  const collect = (list: Node[]) => {
    for (const n of list) {
      if (n.kind === 'placeholder') {
        collect(n.children);
        if (!values.has(n.index)) values.set(n.index, render(n.children));
      } else if (n.kind === 'choice') {
        if (!values.has(n.index)) values.set(n.index, n.options[options.choices?.[n.index] ?? 0] ?? '');
      } else if (n.kind === 'variable' && n.children) {
        collect(n.children);
      }
    }
  };
  collect(nodes);
  return render(nodes);
}
