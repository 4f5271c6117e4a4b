// The macros Debian's update-exim4.conf generates from update-exim4.conf.conf, against the
// real update-exim4.conf: for each set of debconf answers it writes the configuration Exim
// runs from a copy of Debian's conf.d; the analyser, reading the conf.d itself, must see the
// same macro values and report the same findings as on that generated file. Needs
// update-exim4.conf and Debian's conf.d (exim4-config); fails under CI=true without them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { lintPath, parsePath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { requireExim } from '../support/exim';

const UPDATE = '/usr/sbin/update-exim4.conf';
const CONFD = '/etc/exim4/conf.d';

/** update-exim4.conf and Debian's conf.d: skipped without them locally, a failure under CI=true. */
function requireDebianTools(t: TestContext): boolean {
  if (existsSync(UPDATE) && existsSync(CONFD)) return true;
  const message = `${UPDATE} and ${CONFD} are needed (apt-get install -y exim4-config)`;
  if (process.env.CI === 'true') assert.fail(`${message}; required under CI=true`);
  t.skip(message);
  return false;
}

const ANSWERS: Record<string, string>[] = [
  { dc_eximconfig_configtype: 'local', dc_local_interfaces: '127.0.0.1 ; ::1', dc_localdelivery: 'mail_spool' },
  { dc_eximconfig_configtype: 'internet', dc_other_hostnames: 'Example.org; mail.example.org', dc_relay_nets: '192.0.2.0/24', dc_localdelivery: 'maildir_home' },
  { dc_eximconfig_configtype: 'smarthost', dc_smarthost: 'smtp.example.net::587', dc_readhost: 'example.org', dc_hide_mailname: 'true', dc_relay_domains: 'a.example;b.example', MAIN_TLS_ENABLE: 'yes' },
  { dc_eximconfig_configtype: 'satellite', dc_smarthost: 'relay.example.net', dc_minimaldns: 'false', dc_localdelivery: 'maildir_home' },
];

test('conf.d read with update-exim4.conf.conf gives the macros and findings of the configuration update-exim4.conf writes', (t) => {
  if (!requireDebianTools(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-ue4c-'));
  try {
    cpSync(CONFD, join(dir, 'conf.d'), { recursive: true });
    for (const answers of ANSWERS) {
      const settings = { dc_use_split_config: 'true', CFILEMODE: '644', ...answers };
      writeFileSync(join(dir, 'update-exim4.conf.conf'), Object.entries(settings).map(([k, v]) => `${k}='${v}'`).join('\n') + '\n');
      const out = join(dir, 'generated.conf');
      const r = spawnSync(UPDATE, ['-d', dir, '-o', out], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, `${UPDATE}: ${r.stderr}`);
      const generated = readFileSync(out, 'utf8');
      // Its block of `.ifndef NAME` / `NAME=value` / `.endif` (the package version aside: the analyser does not know it).
      const block = /^# the following macro definitions were created\n[^]*?^#{10,}$/m.exec(generated)?.[0] ?? '';
      assert.notEqual(block, '', 'the generated block of macros');
      const expected = Object.fromEntries([...block.matchAll(/^\.ifndef (\w+)\n\1=(.*)\n\.endif$/gm)].filter((m) => m[1] !== 'MAIN_PACKAGE_VERSION').map((m) => [m[1], m[2]]));
      const path = join(dir, 'update-exim4.conf.conf');
      const seen = Object.fromEntries(parsePath(join(dir, 'conf.d'), nodeHost()).macros.filter((m) => m.nameLoc.file === path).map((m) => [m.name, m.value]));
      assert.deepEqual(seen, expected, JSON.stringify(answers));
      const findings = (p: string) => lintPath(p, nodeHost()).findings.map((f) => `${f.code}: ${f.message}`).sort();
      assert.deepEqual(findings(join(dir, 'conf.d')), findings(out), JSON.stringify(answers));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a line of update-exim4.conf.conf the shell cannot get through stops update-exim4.conf, and is reported', (t) => {
  if (!requireDebianTools(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-ue4c-'));
  try {
    cpSync(CONFD, join(dir, 'conf.d'), { recursive: true });
    const wrong: string[] = [];
    for (const [line, stops] of [
      ['DKIM_SELECTOR = mail', true],
      ["dc_readhost = 'example.org'", true],
      ['DKIM_DOMAIN=${lc:${domain:$h_from:}}', true],
      ['DKIM_DOMAIN = ${lc:${domain:$h_from:}}', true],
      ["DKIM_DOMAIN='${lc:${domain:$h_from:}}'", false],
      ['MAIN_HARDCODE_PRIMARY_HOSTNAME=mail.example.org', false],
      ['dc_readhost=${HOME:-x}', false],
      ['# DKIM_SELECTOR = mail', false],
      // What the shell reads as more than one word, or as an operator (found by comparing with update-exim4.conf).
      ['MAIN_LOG_SELECTOR=+tls_peerdn +smtp_protocol_error', true],
      ["MAIN_LOG_SELECTOR='+tls_peerdn +smtp_protocol_error'", false],
      ['dc_relay_domains=a.example;b.example', true],
      ['MAIN_X=a|b', true],
      ['REMOTE_SMTP_HOSTS_AVOID_TLS=<; 192.0.2.1 ; 192.0.2.2', true],
      ['MAIN_X=`echo hi`', false],
      ['MAIN_X=`echo hi', true],
      ['FOO', true],
      ['export FOO=1', false],
      ["dc_use_split_config='maybe'", true],
      ['dc_readhost="$dc_eximconfig_configtype.example"', false],
    ] as const) {
      writeFileSync(join(dir, 'update-exim4.conf.conf'), `dc_eximconfig_configtype='local'\n${line.startsWith('dc_use_split_config') ? '' : "dc_use_split_config='true'\n"}${line}\n`);
      const r = spawnSync(UPDATE, ['-d', dir, '-o', join(dir, 'generated.conf')], { encoding: 'utf8', timeout: 60_000 });
      if ((r.status !== 0) !== stops) wrong.push(`${line}: update-exim4.conf exits ${r.status}: ${r.stderr}`);
      const reported = lintPath(join(dir, 'conf.d'), nodeHost()).findings.some((f) => f.code === 'debian-settings-unreadable');
      if (reported !== stops) wrong.push(`${line}: update-exim4.conf ${stops ? 'stops' : 'goes on'}, the analyser ${reported ? 'reports' : 'does not report'} it`);
    }
    assert.deepEqual(wrong, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a quoted macro line of update-exim4.conf.conf keeps its quotes in the configuration, and is reported where the macro is used', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  if (!requireDebianTools(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-ue4c-'));
  try {
    cpSync(CONFD, join(dir, 'conf.d'), { recursive: true });
    for (const [line, shown, reported] of [
      ["MAIN_QUALIFY_DOMAIN='example.net'", "'example.net'", true],
      ['MAIN_QUALIFY_DOMAIN=example.net', 'example.net', false],
      // Only tested with .ifdef: the value is not used.
      ["MAIN_TLS_ENABLE='yes'", undefined, false],
    ] as const) {
      writeFileSync(join(dir, 'update-exim4.conf.conf'), `dc_eximconfig_configtype='local'\ndc_use_split_config='true'\n${line}\n`);
      const out = join(dir, 'generated.conf');
      const r = spawnSync(UPDATE, ['-d', dir, '-o', out], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      if (shown !== undefined) {
        const bp: { stdout: string; stderr: string } = spawnSync(exim as string, ['-C', out, '-bP', 'qualify_domain'], { encoding: 'utf8' });
        assert.equal(bp.stdout.trim(), `qualify_domain = ${shown}`, bp.stderr);
      }
      const found = lintPath(join(dir, 'conf.d'), nodeHost()).findings.filter((f) => f.code === 'debian-macro-quoted');
      assert.equal(found.length > 0, reported, `${line}: ${found.map((f) => f.message).join('; ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
