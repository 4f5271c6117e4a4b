import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analysis/analyze';
import { suppressions } from '../../../server/src/core/analysis/suppress';
import { memoryHost } from '../../../server/src/core/host';
import { lintText } from '../../../server/src/core/service';
import { FILE, parse } from './fixture';

const TRANSPORT = ['begin transports', 'remote_smtp:', '  driver = smtp', 'begin retry', '*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h', ''].join('\n');

const codesAt = (text: string) => analyze(parse(text)).map((f) => `${f.code}@${f.loc.range.start.line}`);

test('without a suppression comment the transport has its TLS findings', () => {
  const codes = codesAt(TRANSPORT);
  assert.deepEqual(codes, ['tls-not-required@1', 'tls-tryclear@1']);
});

test('disable-next-line hides the listed codes on the next line only', () => {
  const text = TRANSPORT.replace('remote_smtp:', '# exim-lint: disable-next-line tls-not-required\nremote_smtp:');
  assert.deepEqual(codesAt(text), ['tls-tryclear@2']);
  // Codes separated by commas or spaces; a reason after " -- "; more comment lines in between.
  const many = TRANSPORT.replace('remote_smtp:', '# exim-lint: disable-next-line tls-not-required, tls-tryclear -- relayed over a VPN\n# a remark\nremote_smtp:');
  assert.deepEqual(codesAt(many), []);
  // A blank line in between: the blank line is the next line, nothing is hidden.
  const gap = TRANSPORT.replace('remote_smtp:', '# exim-lint: disable-next-line tls-not-required\n\nremote_smtp:');
  assert.deepEqual(codesAt(gap), ['tls-not-required@3', 'tls-tryclear@3']);
  // Another code: nothing hidden.
  const other = TRANSPORT.replace('remote_smtp:', '# exim-lint: disable-next-line retry-section-missing\nremote_smtp:');
  assert.deepEqual(codesAt(other), ['tls-not-required@2', 'tls-tryclear@2']);
});

test('without codes every finding on the next line is hidden; a continued line is covered to its end', () => {
  const text = 'begin routers\n# exim-lint: disable-next-line\nr:\n  driver = accept\n';
  assert.deepEqual(
    suppressions(parse(text)).map((s) => [s.line, s.firstLine, s.lastLine, s.codes]),
    [[1, 2, 2, undefined]],
  );
  const continued = 'begin acl\n# exim-lint: disable-next-line x\naccept hosts = a : \\\n    b : \\\n    c\n';
  assert.deepEqual(
    suppressions(parse(continued)).map((s) => [s.line, s.firstLine, s.lastLine, [...(s.codes ?? [])]]),
    [[1, 2, 4, ['x']]],
  );
});

test('the CLI path (lintText) honours suppressions', () => {
  const text = TRANSPORT.replace('remote_smtp:', '# exim-lint: disable-next-line tls-not-required\nremote_smtp:');
  const { findings } = lintText(FILE, text, memoryHost({}));
  assert.ok(!findings.some((f) => f.code === 'tls-not-required'));
  assert.ok(lintText(FILE, TRANSPORT, memoryHost({})).findings.some((f) => f.code === 'tls-not-required'));
});
