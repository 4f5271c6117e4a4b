// Main options an SMTP session reads, against the real Exim: for each case `exim -bV` accepts
// the configuration, an SMTP session under `exim -bh` (nothing is delivered) shows what Exim
// does with the value, and the analyser must say so (reception-value-invalid,
// list-regex-invalid, received-header-not-header) exactly for the
// cases where Exim does not take the value as written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { eximValidate, requireExim } from '../support/exim';

const ONE_MESSAGE = 'MAIL FROM:<a@b.example>\r\nRCPT TO:<u@example.org>\r\nDATA\r\nSubject: t\r\n\r\nbody\r\n.\r\n';
/** Three messages in one session, so that a per-connection limit shows. */
const SESSION = `EHLO x.example\r\n${ONE_MESSAGE.repeat(3)}QUIT\r\n`;

interface Case {
  setting: string;
  /** What the session must show. */
  shows: RegExp;
  code?: string;
}

const CASES: Case[] = [
  { setting: 'message_size_limit = 50M', shows: /^250-SIZE 52428800$/m },
  { setting: 'message_size_limit = 1.5M', shows: /^421 /m, code: 'reception-value-invalid' },
  { setting: 'message_size_limit = 10MB', shows: /^421 /m, code: 'reception-value-invalid' },
  { setting: 'message_size_limit = 2G', shows: /^250-SIZE$/m, code: 'reception-value-invalid' },
  { setting: 'message_size_limit = 4294967306', shows: /^250-SIZE 10$/m, code: 'reception-value-invalid' },
  { setting: 'smtp_accept_max_per_connection = 2', shows: /^421 .*too many messages/m },
  { setting: 'smtp_accept_max_per_connection = 1k', shows: /^250 OK id=[\s\S]*^421 .*too many messages/m, code: 'reception-value-invalid' },
  { setting: 'smtp_accept_max_per_connection = x', shows: /(?:^250 OK id=[\s\S]*){3}/m, code: 'reception-value-invalid' },
  { setting: 'percent_hack_domains = ^(', shows: /regular expression error: missing closing parenthesis/, code: 'list-regex-invalid' },
  { setting: 'percent_hack_domains = ^x.*', shows: /(?:^250 OK id=[\s\S]*){3}/m },
];

test('values an SMTP session reads are reported as Exim takes them', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-reception-'));
  const wrong: string[] = [];
  try {
    for (const c of CASES) {
      const path = join(dir, 'exim.conf');
      writeFileSync(path, ['primary_hostname = example.org', 'keep_environment =', 'acl_smtp_rcpt = accept', c.setting, ''].join('\n'));
      const verdict = eximValidate(path, exim);
      assert.equal(verdict.ok, true, `${c.setting}: ${verdict.raw}`);
      const r = spawnSync(exim, ['-C', path, '-bh', '192.0.2.1'], { input: SESSION, encoding: 'utf8', timeout: 30_000 });
      const output = r.stdout + r.stderr;
      if (!c.shows.test(output)) wrong.push(`${c.setting}: the session does not show ${c.shows}:\n${r.stdout}`);
      const codes = lintPath(path, nodeHost()).findings.map((f) => f.code).filter((x) => x === 'reception-value-invalid' || x === 'list-regex-invalid');
      if (codes.join() !== (c.code ?? '')) wrong.push(`${c.setting}: the analyser says ${codes.join(', ') || 'nothing'}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

test('received_header_text without a header name is reported: the message gets a nameless header line', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-received-'));
  const wrong: string[] = [];
  try {
    const cases: [string, boolean][] = [
      ['Received: by example.org from $sender_host_address', false],
      ['', false],
      ['from $sender_host_address', true],
      ['Received from $sender_host_address', true],
    ];
    for (const [value, nameless] of cases) {
      const path = join(dir, 'exim.conf');
      const conf = ['primary_hostname = example.org', 'keep_environment =', `received_header_text = ${value}`, 'acl_smtp_rcpt = accept', 'acl_smtp_data = data', 'begin acl', 'data:', '  warn logwrite = RECEIVED[$h_received:] HEADERS[$message_headers_raw]', '  accept', ''];
      writeFileSync(path, conf.join('\n'));
      assert.equal(eximValidate(path, exim).ok, true);
      const r = spawnSync(exim, ['-C', path, '-bh', '192.0.2.1'], { input: `EHLO x.example\r\n${ONE_MESSAGE}QUIT\r\n`, encoding: 'utf8', timeout: 30_000 });
      const output = r.stdout + r.stderr;
      // The LOG line, where each newline is written as backslash-n.
      const logged = /^LOG: \S+ RECEIVED\[([^\]]*)\] HEADERS\[(.*)\]$/m.exec(output);
      const received = logged?.[1];
      const firstLine = logged?.[2].split('\\n')[0] ?? '';
      // The header Exim adds comes first; without a name it is not a Received: header.
      const shown = received === '' && value !== '' && !/^[!-9;-~]+:/.test(firstLine);
      if (shown !== nameless) wrong.push(`received_header_text = ${value}: expected ${nameless ? 'a nameless line' : 'a header'}, Exim shows RECEIVED[${received}] and first line "${firstLine}"`);
      const reported = lintPath(path, nodeHost()).findings.some((f) => f.code === 'received-header-not-header');
      if (reported !== nameless) wrong.push(`received_header_text = ${value}: the analyser ${reported ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});
