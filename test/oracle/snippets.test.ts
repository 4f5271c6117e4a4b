// The snippets in snippets/exim.code-snippets, expanded with their default values and
// placed into a minimal configuration, must pass real Exim's `exim -C FILE -bV`, and
// the hardening snippets must contain the lines that make TLS mandatory.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import { eximValidate, requireExim } from '../support/exim';
import { expandSnippet, snippetChoices } from '../support/snippets';
import { repoRoot } from '../support/paths';

// ---------------------------------------------------------------------------
// The snippets file


const SNIPPETS_PATH = join(repoRoot(), 'snippets', 'exim.code-snippets');

interface Snippet {
  name: string;
  prefix: string;
  body: string | string[];
  description: string;
}

function loadSnippets(): Snippet[] {
  const json: unknown = JSON.parse(readFileSync(SNIPPETS_PATH, 'utf8'));
  assert.ok(json && typeof json === 'object' && !Array.isArray(json), 'the snippets file is a JSON object');
  return Object.entries(json as Record<string, Record<string, unknown>>).map(([name, s]) => {
    assert.equal(typeof s.prefix, 'string', `${name}: prefix is one string`);
    assert.equal(typeof s.description, 'string', `${name}: description is a string`);
    assert.ok(
      typeof s.body === 'string' || (Array.isArray(s.body) && s.body.every((l) => typeof l === 'string')),
      `${name}: body is a string or an array of strings`,
    );
    return { name, prefix: s.prefix as string, body: s.body as string | string[], description: s.description as string };
  });
}

// ---------------------------------------------------------------------------
// Where each snippet goes, and what it must contain

type Place = 'main' | 'acl' | 'routers' | 'transports' | 'authenticators' | 'retry-rules' | 'retry-section';

/** `name = value` on a line of its own (Exim allows spaces around `=`). */
function setting(name: string, value: string): RegExp {
  const v = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^[ \\t]*${name}[ \\t]*=[ \\t]*${v}[ \\t]*$`, 'm');
}

const REQUIRE_TLS = [setting('hosts_require_tls', '*'), setting('tls_tempfail_tryclear', 'false')];

interface Expectation {
  place: Place;
  /** Lines the expanded body must contain. */
  required?: RegExp[];
  /** The body sets up the tls_required retry rule. */
  retryTls?: boolean;
}

const EXPECTED: Record<string, Expectation> = {
  'exim-transport-smtp-hardened': {
    place: 'transports',
    required: [/^\S+:$/m, setting('driver', 'smtp'), ...REQUIRE_TLS, setting('tls_verify_certificates', 'system'), /^[ \t]*tls_(try_)?verify_hosts[ \t]*=[ \t]*\*[ \t]*$/m],
  },
  'exim-smarthost-hardened': {
    place: 'transports',
    required: [
      setting('driver', 'smtp'),
      setting('port', '587'),
      setting('hosts_require_auth', '*'),
      ...REQUIRE_TLS,
      setting('tls_verify_certificates', 'system'),
      setting('tls_verify_hosts', '*'),
      setting('tls_verify_cert_hostnames', '*'),
    ],
  },
  'exim-smarthost-router': {
    place: 'routers',
    required: [setting('driver', 'manualroute'), setting('transport', 'smarthost_smtp'), /^[ \t]*route_list[ \t]*=/m],
  },
  'exim-smarthost-auth': {
    place: 'authenticators',
    required: [setting('driver', 'plaintext'), /^[ \t]*client_send[ \t]*=/m, setting('client_condition', '${if def:tls_out_cipher}')],
  },
  'exim-dane': {
    place: 'transports',
    required: [setting('driver', 'smtp'), setting('dnssec_request_domains', '*'), /^[ \t]*hosts_(try|require)_dane[ \t]*=[ \t]*\*[ \t]*$/m, ...REQUIRE_TLS],
  },
  'exim-dane-router': {
    place: 'routers',
    required: [setting('driver', 'dnslookup'), setting('dnssec_request_domains', '*'), setting('transport', 'remote_smtp_dane')],
  },
  'exim-retry-tls': { place: 'retry-section', required: [/^begin retry$/m, /^\*\s+refused\s*$/m, /^\*\s+quota\s*$/m], retryTls: true },
  'exim-retry-tls-rule': { place: 'retry-rules', retryTls: true },
  'exim-tls-server': {
    place: 'main',
    required: [
      /^tls_certificate[ \t]*=[ \t]*\S/m,
      /^tls_privatekey[ \t]*=[ \t]*\S/m,
      setting('tls_advertise_hosts', '*'),
      setting('tls_require_ciphers', 'NORMAL:-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1'),
    ],
  },
  'exim-acl-auth-tls': {
    place: 'acl',
    required: [/^acl_check_auth:$/m, /^[ \t]*deny[ \t]+!encrypted[ \t]*=[ \t]*\*[ \t]*$/m, /^[ \t]*message[ \t]*=/m, /^[ \t]*accept[ \t]*$/m],
  },
  'exim-acl-auth-tls-main': {
    place: 'main',
    required: [setting('acl_smtp_auth', 'acl_check_auth'), setting('auth_advertise_hosts', '${if eq{$tls_in_cipher}{}{}{*}}')],
  },
  'exim-auth-server-tls': {
    place: 'authenticators',
    required: [setting('driver', 'plaintext'), setting('server_advertise_condition', '${if def:tls_in_cipher}'), /^[ \t]*server_condition[ \t]*=/m],
  },
};

// ---------------------------------------------------------------------------
// Building a minimal configuration around snippets

const CATCH_ALL_RETRY = '*                      *               F,2h,15m; G,16h,1h,1.5; F,4d,6h';

/** Instance names defined at column 0 (`name:`) in a section's text. */
function instanceNames(text: string): string[] {
  return [...text.matchAll(/^([A-Za-z0-9_][A-Za-z0-9_-]*):[ \t]*$/gm)].map((m) => m[1]);
}

/** A minimal valid configuration with each text placed in its section. */
function buildConfig(placed: Array<{ place: Place; text: string }>): string {
  const at = (place: Place) => placed.filter((p) => p.place === place).map((p) => p.text.replace(/\n+$/, ''));
  const routers = at('routers');
  const transports = at('transports');

  // Every transport a router names exists; every transport under test is used by a router.
  const defined = new Set(transports.flatMap(instanceNames));
  const referenced = new Set(routers.flatMap((r) => [...r.matchAll(/^[ \t]*transport[ \t]*=[ \t]*(\S+)[ \t]*$/gm)].map((m) => m[1])));
  const addTransport = (name: string) => {
    transports.push(`${name}:\n  driver = smtp`);
    defined.add(name);
  };
  for (const name of referenced) if (!defined.has(name)) addTransport(name);
  if (defined.size === 0) addTransport('remote_smtp');
  for (const name of defined) {
    if (!referenced.has(name)) {
      routers.push(`to_${name}:\n  driver = manualroute\n  domains = ! +local_domains\n  route_list = * 192.0.2.25\n  transport = ${name}`);
    }
  }

  const acl = at('acl');
  const authenticators = at('authenticators');
  const retrySection = at('retry-section');
  const out = [
    ...at('main'),
    'primary_hostname = mail.example.com',
    'domainlist local_domains = @ : localhost',
    '',
    'begin acl',
    '',
    ...(acl.length ? acl : ['acl_check_rcpt:\n  accept']),
    '',
    'begin routers',
    '',
    routers.join('\n\n'),
    '',
    'begin transports',
    '',
    transports.join('\n\n'),
    '',
  ];
  if (retrySection.length) out.push(...retrySection);
  else out.push('begin retry', '', ...at('retry-rules'), CATCH_ALL_RETRY);
  if (authenticators.length) out.push('', 'begin authenticators', '', authenticators.join('\n\n'));
  return out.join('\n') + '\n';
}

/** Retry rules of a config (from `begin retry` to the next `begin`): pattern, error, times. */
function retryRules(config: string): Array<{ pattern: string; error: string; times: string }> {
  const rules: Array<{ pattern: string; error: string; times: string }> = [];
  let inRetry = false;
  for (const line of config.split('\n')) {
    const begin = /^begin\s+(\S+)/.exec(line);
    if (begin) {
      inRetry = begin[1] === 'retry';
      continue;
    }
    if (!inRetry || /^\s*(#|$)/.test(line)) continue;
    const m = /^\s*(\S+)\s+(\S+)\s*(.*?)\s*$/.exec(line);
    assert.ok(m, `retry rule has a pattern and an error: ${JSON.stringify(line)}`);
    rules.push({ pattern: m[1], error: m[2], times: m[3] });
  }
  return rules;
}

function assertTlsRequiredBounces(config: string) {
  const rules = retryRules(config);
  const tls = rules.findIndex((r) => r.pattern === '*' && r.error === 'tls_required');
  assert.ok(tls >= 0, 'a "* tls_required" retry rule');
  assert.equal(rules[tls].times, '', 'the tls_required rule has no retry times (bounce at once)');
  const catchAll = rules.findIndex((r) => r.pattern === '*' && r.error === '*');
  assert.ok(catchAll >= 0, 'a catch-all "* *" rule follows');
  assert.ok(tls < catchAll, 'tls_required comes before the catch-all "* *" rule (first match wins)');
  assert.notEqual(rules[catchAll].times, '', 'the catch-all rule keeps retrying');
}

// ---------------------------------------------------------------------------
// Running exim

const dir = mkdtempSync(join(tmpdir(), 'exim-snippets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function numbered(text: string): string {
  return text
    .split('\n')
    .map((l, i) => `${String(i + 1).padStart(3)} | ${l}`)
    .join('\n');
}

function assertEximAccepts(t: TestContext, fileName: string, config: string) {
  const exim = requireExim(t);
  if (!exim) return;
  const path = join(dir, fileName.replace(/[^A-Za-z0-9_.-]+/g, '_') + '.conf');
  writeFileSync(path, config);
  const verdict = eximValidate(path, exim);
  assert.ok(
    verdict.ok,
    `exim -bV rejected the config: ${verdict.line !== undefined ? `line ${verdict.line}: ` : ''}${verdict.message}\n${numbered(config)}`,
  );
}

// ---------------------------------------------------------------------------

const snippets = loadSnippets();

describe('snippets/exim.code-snippets', () => {
  test('every snippet has an exim- prefix, a one-line description and an expectation here', () => {
    const prefixes = snippets.map((s) => s.prefix);
    assert.equal(new Set(prefixes).size, prefixes.length, 'prefixes are unique');
    for (const s of snippets) {
      assert.match(s.prefix, /^exim-[a-z0-9-]+$/, `${s.name}: prefix`);
      assert.ok(s.description.trim().length > 0 && !s.description.includes('\n'), `${s.name}: one-line description`);
      assert.ok(EXPECTED[s.prefix], `${s.prefix}: add it to EXPECTED in this test`);
    }
    for (const prefix of Object.keys(EXPECTED)) assert.ok(prefixes.includes(prefix), `snippet ${prefix} exists`);
  });

  for (const snippet of snippets) {
    test(snippet.prefix, async (t) => {
      const expected = EXPECTED[snippet.prefix];
      assert.ok(expected, `${snippet.prefix}: no expectation in this test`);
      const text = expandSnippet(snippet.body);
      for (const re of expected.required ?? []) assert.match(text, re, `${snippet.prefix} contains ${re}`);
      assert.doesNotMatch(text, /\\\$|\\\}/, 'no snippet escapes left in the expansion');

      const config = buildConfig([{ place: expected.place, text }]);
      if (expected.retryTls) {
        assert.match(text, /^\S+\s+tls_required\s*$/m, 'a tls_required rule with no retry times');
        assertTlsRequiredBounces(config);
      }
      assertEximAccepts(t, snippet.prefix, config);

      // Every other option of every choice is valid too.
      for (const [index, options] of snippetChoices(snippet.body)) {
        for (let i = 1; i < options.length; i++) {
          await t.test(`choice $${index} = ${options[i]}`, (tt) => {
            const alt = expandSnippet(snippet.body, { choices: { [index]: i } });
            assertEximAccepts(tt, `${snippet.prefix}-choice${index}-${i}`, buildConfig([{ place: expected.place, text: alt }]));
          });
        }
      }
    });
  }

  const combine = (prefixes: string[]) => {
    const placed = prefixes.map((prefix) => {
      const s = snippets.find((x) => x.prefix === prefix);
      assert.ok(s, `snippet ${prefix} exists`);
      return { place: EXPECTED[prefix].place, text: expandSnippet(s.body) };
    });
    return buildConfig(placed);
  };

  test('smarthost: transport, router and authenticator together', (t) => {
    const config = combine(['exim-smarthost-hardened', 'exim-smarthost-router', 'exim-smarthost-auth']);
    assert.equal((config.match(/^to_/gm) ?? []).length, 0, 'the router snippet uses the transport snippet');
    assertEximAccepts(t, 'smarthost-together', config);
  });

  test('DANE: transport and router together', (t) => {
    const config = combine(['exim-dane', 'exim-dane-router']);
    assert.equal((config.match(/^to_/gm) ?? []).length, 0, 'the router snippet uses the transport snippet');
    assertEximAccepts(t, 'dane-together', config);
  });

  test('all snippets in one configuration', (t) => {
    const prefixes = snippets.map((s) => s.prefix).filter((p) => p !== 'exim-retry-tls-rule');
    const config = combine(prefixes);
    assertTlsRequiredBounces(config);
    assertEximAccepts(t, 'all-together', config);
  });
});

describe('snippet body expander', () => {
  test('tab stops, placeholders, choices and the final cursor', () => {
    assert.equal(expandSnippet('a $1 b ${2} c$0'), 'a  b  c');
    assert.equal(expandSnippet(['${1:name}:', '  x = ${2|one,two|}']), 'name:\n  x = one');
    assert.equal(expandSnippet('${2|one,two|}', { choices: { 2: 1 } }), 'two');
    assert.equal(expandSnippet('${1:outer ${2:inner}} $2'), 'outer inner inner');
    assert.equal(expandSnippet('${1:acl} # uses $1'), 'acl # uses acl');
    assert.equal(expandSnippet('${1|a\\,b,c|}'), 'a,b');
  });

  test('escapes', () => {
    assert.equal(expandSnippet('\\${if def:tls_in_cipher}'), '${if def:tls_in_cipher}');
    assert.equal(expandSnippet('${1:{a\\}b}'), '{a}b');
    assert.equal(expandSnippet('x = \\$auth2 \\\\ \\n'), 'x = $auth2 \\ \\n');
    assert.equal(expandSnippet('{literal}}'), '{literal}}');
  });

  test('variables', () => {
    assert.equal(expandSnippet('$TM_FILENAME|${TM_SELECTED_TEXT}|${CLIPBOARD:none}'), '||none');
    assert.equal(expandSnippet('$TM_FILENAME', { variables: { TM_FILENAME: 'exim.conf' } }), 'exim.conf');
    assert.equal(expandSnippet('$auth2', { strict: false }), 'auth2', 'VS Code turns unknown variables into their name');
    assert.throws(() => expandSnippet('server_set_id = $auth2'), /unknown variable "\$auth2"/);
    assert.throws(() => expandSnippet('${if def:tls_in_cipher}'), /unescaped "\$"/);
    assert.throws(() => expandSnippet('${1:open'), /unterminated placeholder/);
  });
});
