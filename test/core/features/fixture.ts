// A small configuration used by the language-feature tests, with helpers to find
// positions in it by text rather than by counting columns.
import { memoryHost } from '../../../server/src/core/host';
import { builtinMacroValues, builtinMacros } from '../../../server/src/core/options';
import { parseText } from '../../../server/src/core/syntax/parser';
import { Location, Position, Range } from '../../../server/src/core/syntax/source';
import { ConfigTree } from '../../../server/src/core/syntax/tree';

export const FILE = '/c/exim.conf';

export const CONFIG = [
  '# Test configuration', // 0
  '# for the language features', // 1
  'REMOTE_PORT = 25', // 2
  'domainlist local_domains = @ : localhost', // 3
  'hostlist relay_from_hosts = 127.0.0.1 : ::1', // 4
  'acl_smtp_rcpt = acl_check_rcpt', // 5
  'acl_smtp_data = acl_check_data', // 6
  '', // 7
  '.ifdef REMOTE_PORT', // 8
  'qualify_domain = example.org', // 9
  '.else', // 10
  'qualify_domain = REMOTE_PORT.example.net', // 11
  '.endif', // 12
  '', // 13
  'begin acl', // 14
  '', // 15
  'acl_check_rcpt:', // 16
  '  accept hosts = +relay_from_hosts', // 17
  '  deny domains = ! +local_domains', // 18
  '       message = relay not permitted', // 19
  '  require verify = sender', // 20
  '  accept acl = acl_check_data', // 21
  '', // 22
  'acl_check_data:', // 23
  '  accept', // 24
  '', // 25
  'begin routers', // 26
  '', // 27
  'dnslookup:', // 28
  '  driver = dnslookup', // 29
  '  domains = ! +local_domains', // 30
  '  transport = remote_smtp', // 31
  '  no_more', // 32
  '', // 33
  'local_user:', // 34
  '  driver = accept', // 35
  '  check_local_user', // 36
  '  transport = local_delivery', // 37
  '', // 38
  'begin transports', // 39
  '', // 40
  'remote_smtp:', // 41
  '  driver = smtp', // 42
  '  port = REMOTE_PORT', // 43
  '  hosts_require_tls = *', // 44
  '  tls_tempfail_tryclear = false', // 45
  '', // 46
  'local_delivery:', // 47
  '  driver = appendfile', // 48
  '  file = /var/mail/$local_part', // 49
  '', // 50
  'begin retry', // 51
  '', // 52
  '*   tls_required   F,1h,10m', // 53
  '*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h', // 54
  '',
].join('\n');

export function parse(text: string = CONFIG, files: Record<string, string> = {}, path = FILE): ConfigTree {
  return parseText(path, text, memoryHost(files), { builtinMacros: builtinMacros(), builtinMacroValues: builtinMacroValues() });
}

/** The position of the `nth` occurrence of `needle` on a line, plus `delta` characters. */
export function posOf(text: string, line: number, needle: string, delta = 0, nth = 0): Position {
  const l = text.split('\n')[line];
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = l.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`"${needle}" not on line ${line}: ${JSON.stringify(l)}`);
  }
  return { line, character: i + delta };
}

/** End of a line. */
export function eol(text: string, line: number): Position {
  return { line, character: text.split('\n')[line].length };
}

/** [startLine, startChar, endLine, endChar] */
export type Quad = [number, number, number, number];
export const quad = (r: Range): Quad => [r.start.line, r.start.character, r.end.line, r.end.character];
export const locQuad = (l: Location): [string, ...Quad] => [l.file, ...quad(l.range)];
