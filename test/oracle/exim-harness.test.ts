// The real-Exim harness itself: `exim -C FILE -bV` verdicts for known configurations.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { eximValidate, parseEximErrors, requireExim } from '../support/exim';

const dir = mkdtempSync(join(tmpdir(), 'exim-harness-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const ROUTER_AND_TRANSPORT = [
  'begin routers',
  'smarthost:',
  '  driver = manualroute',
  '  route_list = * 127.0.0.1',
  '  transport = remote_smtp',
  '',
  'begin transports',
  'remote_smtp:',
  '  driver = smtp',
];

describe('exim -bV harness (real exim)', () => {
  test('a valid tiny config is ok', (t) => {
    const exim = requireExim(t);
    if (!exim) return;
    const path = writeConfig('valid.conf', ['primary_hostname = mail.example.com', '', ...ROUTER_AND_TRANSPORT]);
    const verdict = eximValidate(path, exim);
    assert.equal(verdict.ok, true, verdict.raw);
    assert.equal(verdict.line, undefined);
    assert.equal(verdict.message, undefined);
  });

  test('an unknown main option gives its line and message', (t) => {
    const exim = requireExim(t);
    if (!exim) return;
    const path = writeConfig('unknown-main.conf', ['primary_hostname = mail.example.com', 'xyz = 1', '', ...ROUTER_AND_TRANSPORT]);
    const verdict = eximValidate(path, exim);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.line, 2);
    assert.equal(verdict.file, path);
    assert.equal(verdict.message, 'main option "xyz" unknown');
    assert.doesNotMatch(verdict.message ?? '', /purging the environment/);
  });

  test('a misspelt transport driver gives its line', (t) => {
    const exim = requireExim(t);
    if (!exim) return;
    const lines = ['primary_hostname = mail.example.com', '', ...ROUTER_AND_TRANSPORT];
    lines[lines.length - 1] = '  driver = smpt';
    const path = writeConfig('bad-driver.conf', lines);
    const verdict = eximValidate(path, exim);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.line, lines.length);
    assert.equal(verdict.file, path);
    assert.match(verdict.message ?? '', /cannot find transport driver "smpt"/);
  });

  test('an error exim reports without a line gives the message only', (t) => {
    const exim = requireExim(t);
    if (!exim) return;
    const path = writeConfig('no-route.conf', [
      'begin routers',
      'smarthost:',
      '  driver = manualroute',
      '  transport = remote_smtp',
      '',
      'begin transports',
      'remote_smtp:',
      '  driver = smtp',
    ]);
    const verdict = eximValidate(path, exim);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.line, undefined);
    assert.equal(verdict.context, 'smarthost router');
    assert.match(verdict.message ?? '', /route_list or route_data/);
  });
});

describe('exim -bV stderr parsing', () => {
  const warning = ['2026-01-02 03:04:05 Warning: purging the environment.', ' Suggested action: use keep_environment.'];

  test('line header and message, warning ignored', () => {
    const stderr = [...warning, '2026-01-02 03:04:05 Exim configuration error in line 7 of /tmp/x.conf:', '  option "foo" unknown', ''].join('\n');
    assert.deepEqual(parseEximErrors(stderr), { line: 7, file: '/tmp/x.conf', message: 'option "foo" unknown' });
  });

  test('error without a line', () => {
    const stderr = [...warning, '2026-01-02 03:04:05 Exim configuration error:', '  there are two routers called "r"', ''].join('\n');
    assert.deepEqual(parseEximErrors(stderr), { message: 'there are two routers called "r"' });
  });

  test('other failures keep their text', () => {
    assert.deepEqual(parseEximErrors('2026-01-02 03:04:05 non-existent configuration file(s): /nope\n'), {
      message: 'non-existent configuration file(s): /nope',
    });
    assert.deepEqual(parseEximErrors(warning.join('\n')), {});
  });
});
