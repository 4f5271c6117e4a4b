/**
 * The parser's most numerous nodes as classes whose locations are worked out when read:
 * a large configuration has hundreds of thousands of them and most ranges are never used.
 */
import { Extent, LogicalLine } from './logicalLine';
import { Location } from './source';
import { AclItemNode, AclNode, AclStatementNode, DriverNode, DriverSectionKind, OptionNode, RetryParamNode, Token } from './tree';

/** `[hide] [no_|not_]name [= value]`. */
export class OptionSetting implements OptionNode {
  readonly kind = 'option';
  readonly value: string;

  constructor(
    readonly line: LogicalLine,
    readonly word: string,
    private readonly wordStart: number,
    /** Offset of `hide`, or -1. */
    private readonly hideStart: number,
    readonly hasValue: boolean,
    /** Offset of `=`, or -1. */
    private readonly equalsAt: number,
    readonly valueOffset: number,
  ) {
    this.value = line.text.slice(valueOffset);
  }

  get hide(): boolean {
    return this.hideStart >= 0;
  }

  get active(): boolean {
    return this.line.active;
  }

  get loc(): Location {
    return this.line.location;
  }

  get wordLoc(): Location {
    return this.line.locate(this.wordStart, this.wordStart + this.word.length);
  }

  get hideLoc(): Location | undefined {
    return this.hideStart >= 0 ? this.line.locate(this.hideStart, this.hideStart + 4) : undefined;
  }

  /** The value; an empty value is located at its `=`. */
  get valueLoc(): Location | undefined {
    const end = this.line.text.length;
    if (this.valueOffset < end) return this.line.locate(this.valueOffset, end);
    return this.hasValue ? this.line.locate(this.equalsAt, this.equalsAt + 1) : undefined;
  }
}

/** An ACL condition or modifier: `[!]name = value`. */
export class AclItem implements AclItemNode {
  readonly kind = 'aclItem';
  readonly value: string;

  constructor(
    readonly line: LogicalLine,
    readonly name: string,
    readonly nameOffset: number,
    readonly negated: boolean,
    readonly hasValue: boolean,
    readonly valueOffset: number,
    /** Where the item starts (its `!`, if negated). */
    private readonly start: number,
  ) {
    this.value = line.text.slice(valueOffset);
  }

  get active(): boolean {
    return this.line.active;
  }

  get loc(): Location {
    return this.line.locate(this.start, this.line.text.length);
  }

  get nameLoc(): Location {
    return this.line.locate(this.nameOffset, this.nameOffset + this.name.length);
  }

  get valueLoc(): Location | undefined {
    const end = this.line.text.length;
    return this.valueOffset < end ? this.line.locate(this.valueOffset, end) : undefined;
  }
}

/** A word of a retry or rewrite rule; `text` is dequoted, [offset, end) is what was written. */
export class LineToken implements Token {
  constructor(
    private readonly line: LogicalLine,
    readonly text: string,
    readonly offset: number,
    private readonly end: number,
  ) {}

  get loc(): Location {
    return this.line.locate(this.offset, this.end);
  }
}

/** One `letter,arg,...` parameter of a retry rule's times. */
export class RetryParam implements RetryParamNode {
  constructor(
    private readonly line: LogicalLine,
    readonly letter: Token,
    readonly args: Token[],
    private readonly start: number,
    private readonly end: number,
  ) {}

  get loc(): Location {
    return this.line.locate(this.start, this.end);
  }
}

/**
 * A driver, an ACL or an ACL statement: its first line and the last line that continues it
 * in the same file. The whole range is worked out when read.
 */
abstract class Block {
  private lastLine: LogicalLine;
  private name$: Location | undefined;

  constructor(
    readonly line: LogicalLine,
    /** Length of the name (or verb) at the start of the first line. */
    private readonly nameLength: number,
  ) {
    this.lastLine = line;
  }

  get active(): boolean {
    return this.line.active;
  }

  get loc(): Location {
    return this.lastLine === this.line ? this.line.location : new Extent(this.line.location, this.lastLine.location);
  }

  /** The name (a statement's verb) at the start of the first line; the same object on every read. */
  get nameLoc(): Location {
    return (this.name$ ??= this.line.locate(0, this.nameLength));
  }

  /** A later line continues the block (lines from another file do not widen its range). */
  extendTo(line: LogicalLine): void {
    if (line.file.path === this.line.file.path) this.lastLine = line;
  }

  /** After an in-place re-read (see incremental.ts): `to` has taken the place of `from`. */
  replaceLine(from: LogicalLine, to: LogicalLine): void {
    if (this.lastLine === from) this.lastLine = to;
  }
}

/** `name:` and the options that follow it in routers, transports or authenticators. */
export class DriverBlock extends Block implements DriverNode {
  readonly kind = 'driver';
  readonly options: OptionNode[] = [];
  driverOption?: OptionNode;
  driverName?: string;

  constructor(
    line: LogicalLine,
    readonly section: DriverSectionKind,
    readonly name: string,
  ) {
    super(line, name.length);
  }
}

export class AclBlock extends Block implements AclNode {
  readonly kind = 'acl';
  readonly statements: AclStatementNode[] = [];

  constructor(
    line: LogicalLine,
    readonly name: string,
  ) {
    super(line, name.length);
  }
}

export class AclStatement extends Block implements AclStatementNode {
  readonly kind = 'aclStatement';
  readonly items: AclItemNode[] = [];

  constructor(
    line: LogicalLine,
    readonly verb: string,
  ) {
    super(line, verb.length);
  }

  get verbLoc(): Location {
    return this.nameLoc;
  }
}
