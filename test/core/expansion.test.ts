// The expansion reader on its own: verdicts and Exim's wording for the forms Exim 4.96 reads in
// its own way (each case measured with `exim -be`; test/oracle/expansions.test.ts re-checks
// the verdicts against the installed binary).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanExpansion } from '../../server/src/core/syntax/expansion';

const messages = (s: string): string[] => scanExpansion(s).problems.map((p) => p.message);

test('the list of match_domain, match_address and match_local_part is not expanded: "$" is text, the first "}" ends it', () => {
  assert.deepEqual(messages('${if match_domain{a}{$nosuch}{y}{n}}'), []);
  assert.deepEqual(messages('${if match_local_part{a}{$}{y}{n}}'), []);
  assert.deepEqual(messages('${if match_domain{a}{\\}x}{y}{n}}'), []);
  // The list ends at the "}" of ${lc:x}: the rest is the yes-string "}{y}{n}", which is
  // hardly what was meant (exim -be gives "true{y}{n}}"): said as a cut list.
  assert.deepEqual(
    scanExpansion('${if match_address{a@b}{${lc:x}}{y}{n}}').problems.map((p) => [p.kind, p.start, p.end]),
    [['list-cut', 24, 31]],
  );
  // The subject is expanded, and match_ip's list is too.
  assert.deepEqual(messages('${if match_domain{$nosuch}{a}}'), ['unknown variable name "nosuch"']);
  assert.deepEqual(messages('${if match_ip{1.2.3.4}{$nosuch}}'), ['unknown variable name "nosuch"']);
});

test('a name after "${" may hold "-": ACL and router variables, negative substr offsets', () => {
  for (const s of ['${r_a-b}', '${acl_m_a-b}', '${acl_c-}', '${s_-1:abc}', '${substr_-2_1:abcdef}', '${s_-:abc}']) assert.deepEqual(messages(s), [], s);
  assert.deepEqual(messages('${substr_1_-2:x}'), ['non-digit after underscore in "substr_1_-2"']);
  assert.deepEqual(messages('${l_-1:abc}'), ['non-digit after underscore in "l_-1"']);
  assert.deepEqual(messages('${lc-x:abc}'), ['unknown expansion operator "lc-x"']);
  assert.equal(scanExpansion('${domain-x}').problems[0].kind, 'unknown-variable');
  // Without braces the name stops at "-".
  assert.deepEqual(messages('$acl_m_a-b'), []);
  assert.deepEqual(messages('${l:abc}'), ['missing values after l']);
  assert.deepEqual(messages('${nh:abc}'), ['missing values after nh']);
});

test('$authN and $regexN are a prefix and a number: leading zeros are taken, the range is not stretched', () => {
  for (const s of ['$auth03', '${auth003}', '$regex01', '$regex9']) assert.deepEqual(messages(s), [], s);
  for (const s of ['$auth0', '$auth5', '$regex00', '$regex010']) assert.equal(messages(s).length, 1, s);
});

test('header variables are lower case; after "def:" a header name runs to a colon or white space', () => {
  assert.deepEqual(messages('$H_subject:'), ['unknown variable name "H_subject"']);
  assert.deepEqual(messages('$Rh_To:'), ['unknown variable name "Rh_To"']);
  assert.deepEqual(messages('${if def:h_subj}ect: {y}{n}}'), []);
  assert.deepEqual(messages('${if def:h_subject }'), []);
  assert.equal(messages('${if def:h_subject}').length, 1);
  assert.deepEqual(messages('${if def:{y}}'), ['variable name omitted after "def:"']);
});

test('a header name written without its colon runs on through punctuation: a header no message has', () => {
  // Measured with exim -bem on a message with a Subject: "[$h_subject,]" gives "[", and
  // ${if def:h_subject" {y}{n}} gives n.
  assert.deepEqual(messages('"$h_subject" received'), [`the header name in $h_subject" runs on to a colon or white space, so Exim reads a header named 'subject"', which no message has (the value is empty); end the name with a colon: $h_subject:`]);
  assert.equal(scanExpansion('Re: $h_subject, from $rh_From.').problems.length, 2);
  assert.equal(scanExpansion('$h_subject,').problems[0].kind, 'unknown-variable');
  assert.match(messages('${if def:h_X-Spam" {y}{n}}')[0], /header named 'X-Spam"'/);
  // A colon, white space or the end of the text end it; "-" and "_" are part of a name.
  for (const ok of ['$h_subject: x', '$h_subject x', 'x $h_subject', '$h_X-Spam-Score:', '$h_x_y', '${if def:h_subject {y}{n}}']) assert.deepEqual(messages(ok), [], ok);
});

test('lookup types: compiled in, single-key or query-style, "partial" and defaults only where Exim takes them', () => {
  for (const s of [
    '${lookup{foo} lsearch,ret=}key{/etc/aliases}}',
    '${lookup{x}partial2-lsearch*@{/f}}',
    '${lookup{x}partial(*.)lsearch{/f}}',
    '${lookup{x}lsearch**{/f}}',
    '${lookup dnsdb{a=example.org}}',
    '${lookup passwd{root}}',
  ]) assert.deepEqual(messages(s), [], s);
  assert.deepEqual(messages('${lookup{x}nosuch{y}}'), ['unknown lookup type "nosuch"']);
  assert.deepEqual(messages('${lookup{x}lsearch@{y}}'), ['unknown lookup type "lsearch@"']);
  assert.deepEqual(messages('${lookup{x}LSEARCH{y}}'), ['unknown lookup type "LSEARCH"']);
  assert.deepEqual(messages('${lookup{x}partialx-lsearch{y}}'), ['format error in lookup type "partialx-lsearch"']);
  assert.deepEqual(messages('${lookup{x}partial(2)-lsearch{y}}'), ['format error in lookup type "partial(2)-lsearch"']);
  assert.deepEqual(messages('${lookup partial-dnsdb{a=x}}'), ['"partial" is not permitted for lookup type "dnsdb"']);
  assert.deepEqual(messages('${lookup dnsdb*,x{a=x}}'), ['defaults using "*" or "*@" are not permitted for lookup type "dnsdb*,x"']);
  assert.deepEqual(messages('${lookup{x}dnsdb{a=x}}'), ['a single key was given for lookup type "dnsdb", which is not a single-key lookup type']);
  assert.deepEqual(messages('${lookup lsearch{/etc/aliases}}'), ['missing {key} for single-key "lsearch" lookup']);
  assert.deepEqual(messages('${lookup{x},lsearch{y}}'), ['missing lookup type']);
});

test('"fail" comes only after a single yes-string, in the items that have yes/no strings', () => {
  for (const s of ['${if eq{a}{b}{y}fail}', '${if eq{a}{b}{y} fail }', '${lookup{x}lsearch{/f}{y}fail}', '${extract{a}{a=1}{y}fail}', '${extract{1}{:}{a:b}{y}fail}', '${run{/bin/true}{y}fail}', '${env{HOME}{y}fail}', '${listextract{1}{a:b}{y}fail}']) {
    assert.deepEqual(messages(s), [], s);
  }
  for (const s of ['${if eq{a}{b}{y}{n}fail}', '${if eq{a}{b} fail}', '${sg{a}{b}{c}fail}', '${readsocket{/x}{y}fail}', '${extract{a}{a=1}{y}{n}fail}']) {
    assert.equal(messages(s).length, 1, s);
  }
  assert.deepEqual(messages('${if eq{a}{b}{y}failx}'), ['syntax error in "if" item - "fail" expected']);
});

test('${extract} has two forms: a field name takes at most four arguments, a number five', () => {
  assert.deepEqual(messages('${extract{a}{a=1}{y}{n}{z}}'), ["Too many arguments for 'extract' (max is 4)"]);
  assert.deepEqual(messages('${extract{1}{:}{a}{y}{n}}'), []);
  assert.deepEqual(messages('${extract{1}{a=1}}'), ["Not enough arguments for 'extract' (min is 3)"]);
  assert.deepEqual(messages('${extract{$acl_m0}{:}{a}{y}{n}}'), []);
});

test('${sort}: the comparator is an ordering condition, not expanded; "}" follows the extractor at once', () => {
  for (const s of ['${sort{3:1:2}{<}{$item}}', '${sort{a}{gei}{$item}}', '${sort{a}{< }{$item}}', '${sort{a}{lt x}{$item}}', '${sort{a} {<=} {$item}}']) assert.deepEqual(messages(s), [], s);
  assert.deepEqual(messages('${sort{a}{eq}{$item}}'), ['comparator not handled for sort']);
  assert.deepEqual(messages('${sort{a}{=}{$item}}'), ['comparator not handled for sort']);
  assert.deepEqual(messages('${sort{a}{LT}{$item}}'), ['comparator not handled for sort']);
  assert.deepEqual(messages('${sort{a}{$x}{$item}}'), ['condition name expected, but found "$x"']);
  assert.deepEqual(messages('${sort{a}{<}{$item} }'), ['missing } at end of "sort"']);
});

test('${run} options and ${prvscheck} arguments', () => {
  assert.deepEqual(messages('${run,preexpand{/bin/true}}'), []);
  assert.deepEqual(messages('${run,foo{/bin/true}}'), ["bad option 'foo' for run"]);
  assert.deepEqual(messages('${run,preexpand,x{/bin/true}}'), ["bad option 'x' for run"]);
  assert.deepEqual(messages('${prvscheck{a}{b}}'), []);
  assert.deepEqual(messages('${prvscheck{a}}'), ["Not enough arguments for 'prvscheck' (min is 2)"]);
});

test('${certextract}: the second argument is "$" and a certificate variable\'s name, exactly', () => {
  for (const s of ['${certextract{subject}{$tls_in_peercert}}', '${certextract{issuer}{$tls_out_ourcert}{y}{n}}']) assert.deepEqual(messages(s), [], s);
  assert.deepEqual(messages('${certextract{subject}{x}}'), ['second argument of "certextract" must be a certificate variable']);
  assert.deepEqual(messages('${certextract{subject}{$domain}}'), ['"domain" is not a certificate']);
  assert.deepEqual(messages('${certextract{subject}{$tls_in_peercert }}'), ['no variable named "tls_in_peercert "']);
  assert.deepEqual(messages('${certextract{subject}{$tls_peercert}}'), ['unknown variable name "tls_peercert"']);
});

test('variables the manual lists but the binary refuses: filter-file variables, features not compiled in', () => {
  for (const s of ['$n0', '${sn9}', '$dmarc_status']) assert.equal(scanExpansion(s).problems[0]?.kind, 'unknown-variable', s);
  // The pipe transport replaces $pipe_addresses in its command before expanding it.
  assert.deepEqual(messages('$pipe_addresses'), []);
});

test('arguments Exim reads as numbers, booleans or one character even in a branch it skips', () => {
  for (const s of ['${length{ 3}{abc}}', '${length{+3}{abc}}', '${length{}{abc}}', '${substr{-1}{2}{abc}}', '${hash{3}{}{abc}}', '${listextract{-1}{a}}', '${listextract{$acl_m0}{a}}', '${imapfolder{a}{.}}', '${if bool{ yes }}', '${if bool{-5}}', '${if bool{}}', '${if bool_lax{e}}', '${length{$acl_m0}{abc}}']) {
    assert.deepEqual(messages(s), [], s);
  }
  assert.deepEqual(messages('${length{3 }{abc}}'), ['"3 " is not a positive number (in "length" expansion)']);
  assert.deepEqual(messages('${length{-1}{abc}}'), ['"-1" is not a positive number (in "length" expansion)']);
  assert.deepEqual(messages('${substr{x}{abc}}'), ['"x" is not a number (in "substr" expansion)']);
  assert.deepEqual(messages('${substr{1}{-1}{abc}}'), ['"-1" is not a positive number (in "substr" expansion)']);
  assert.deepEqual(messages('${nhash{3}{x}{abc}}'), ['"x" is not a positive number (in "nhash" expansion)']);
  assert.deepEqual(messages('${listextract{+1}{a}}'), ['first argument of "listextract" must be numeric']);
  assert.deepEqual(messages('${imapfolder{a}{ab}}'), ['IMAP folder separator must be one character, found "ab"']);
  assert.deepEqual(messages('${if bool{1.0}}'), ['unrecognised boolean value "1.0"']);
  assert.deepEqual(messages('${if def:1}'), ['unknown variable "1" after "def:"']);
  assert.deepEqual(messages('${if def:_x}'), ['unknown variable "_x" after "def:"']);
});

test('the regular expression of ${sg} and of the match condition, once the expansion\'s escapes are applied', () => {
  for (const s of ['${sg{a.b}{\\\\.}{x}}', '${sg{a.b}{\\N\\.\\N}{x}}', '${if match{abc}{^a[bc]}{y}{n}}', '${if match{x}{\\N^\\[SPAM\\]\\N}}', '${sg{abc}{$acl_m0(}{x}}']) {
    assert.deepEqual(messages(s), [], s);
  }
  assert.deepEqual(messages('${sg{abc}{(}{x}}'), ['regular expression error in "(": missing closing parenthesis']);
  assert.deepEqual(messages('${sg{abc}{\\x28}{x}}'), ['regular expression error in "(": missing closing parenthesis']);
  assert.deepEqual(messages('${sg{abc}{a\\N(\\N}{x}}'), ['regular expression error in "a(": missing closing parenthesis']);
  assert.deepEqual(messages('${if match{x}{\\N\\d{2,1}\\N}}'), ['regular expression error in "\\d{2,1}": numbers out of order in {} quantifier']);
  assert.deepEqual(messages('${if match{x}{a\\\\}}'), ['regular expression error in "a\\": \\ at end of pattern']);
});

test('"${extract json {" with a space is reported only where Exim may skip it', () => {
  const skipped = (s: string) => scanExpansion(s).problems.some((p) => /cannot skip "\$\{extract json \{"/.test(p.message));
  assert.equal(skipped('${if def:acl_m_po {${extract json {mode}{$acl_m_po}}}{none}}'), true);
  assert.equal(skipped('${if and{{eq{1}{0}}{eq{${extract json {a}{$acl_m_x}}}{b}}}{y}{n}}'), true);
  assert.equal(skipped('${lookup{k}lsearch{/etc/x}{${extract json {a}{$value}}}}'), true);
  // Evaluated whenever the string is: at the top, as an argument of a condition, in the first and/or condition.
  assert.equal(skipped('${extract json {mode}{$acl_m_po}}'), false);
  assert.equal(skipped('${if !eq {"enforcing"}{${extract json {mode}{$acl_m_po}}}}'), false);
  assert.equal(skipped('${if and{{eq{${extract json {a}{$acl_m_x}}}{b}}{eq{1}{0}}}{y}{n}}'), false);
  assert.equal(skipped('${if def:acl_m_po {${extract json{mode}{$acl_m_po}}}{none}}'), false);
});
