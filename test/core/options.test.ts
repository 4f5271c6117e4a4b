// The option table API (server/src/core/options.ts) over the generated Exim 4.96 table.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  EXIM_VERSION,
  builtinMacros,
  findOptionAnywhere,
  isBuiltinMacro,
  isKnownDriver,
  knownDrivers,
  lookupOption,
  optionsFor,
} from '../../server/src/core/options';

describe('lookupOption', () => {
  test('hosts_require_tls is a private smtp option: expanded host list, unset', () => {
    const o = lookupOption('transports', 'hosts_require_tls', 'smtp');
    assert.deepEqual(o, {
      name: 'hosts_require_tls',
      type: 'host list',
      expanded: true,
      default: 'unset',
      scope: 'private',
      driver: 'smtp',
    });
  });

  test('private options need the right driver', () => {
    assert.equal(lookupOption('transports', 'hosts_require_tls', 'appendfile'), undefined);
    assert.equal(lookupOption('transports', 'hosts_require_tls', 'lmtp'), undefined);
    assert.equal(lookupOption('transports', 'hosts_require_tls'), undefined, 'driver not yet known');
    assert.equal(lookupOption('transports', 'hosts_require_tls', 'no_such_driver'), undefined);
  });

  test('tls_tempfail_tryclear defaults to true (a default smtp transport falls back to clear text)', () => {
    const o = lookupOption('transports', 'tls_tempfail_tryclear', 'smtp');
    assert.equal(o?.type, 'boolean');
    assert.equal(o?.expanded, false);
    assert.equal(o?.default, 'true');
  });

  test('generic transport options are found for every driver and without one', () => {
    for (const driver of [...knownDrivers('transports'), undefined]) {
      for (const name of ['debug_print', 'headers_add', 'driver', 'return_path']) {
        const o = lookupOption('transports', name, driver);
        assert.equal(o?.scope, 'generic', `${name} for ${driver}`);
        assert.equal(o?.driver, undefined);
      }
    }
    assert.equal(lookupOption('transports', 'debug_print')?.type, 'string');
    assert.equal(lookupOption('transports', 'debug_print')?.expanded, true);
  });

  test('generic router options, and a router precondition', () => {
    const o = lookupOption('routers', 'domains', 'dnslookup');
    assert.equal(o?.scope, 'generic');
    assert.equal(o?.type, 'domain list');
    assert.equal(o?.expanded, true);
    assert.equal(lookupOption('routers', 'route_list', 'manualroute')?.scope, 'private');
    assert.equal(lookupOption('routers', 'route_list', 'dnslookup'), undefined);
  });

  test('transport options are not main options, and the other way round', () => {
    assert.equal(lookupOption('main', 'hosts_require_tls'), undefined);
    assert.equal(lookupOption('main', 'tls_tempfail_tryclear'), undefined);
    assert.equal(lookupOption('transports', 'tls_advertise_hosts', 'smtp'), undefined);
    const main = lookupOption('main', 'tls_advertise_hosts');
    assert.equal(main?.scope, 'main');
    assert.equal(main?.type, 'host list');
    assert.equal(main?.default, '*');
  });

  test('main option types and defaults', () => {
    assert.deepEqual(lookupOption('main', 'accept_8bitmime'), {
      name: 'accept_8bitmime',
      type: 'boolean',
      expanded: false,
      default: 'true',
      scope: 'main',
    });
    assert.equal(lookupOption('main', 'smtp_receive_timeout')?.type, 'time');
    assert.equal(lookupOption('main', 'smtp_receive_timeout')?.default, '5m');
    assert.equal(lookupOption('main', 'smtp_accept_max')?.type, 'integer');
    assert.equal(lookupOption('main', 'queue_only_load')?.type, 'fixed-point');
    assert.equal(lookupOption('main', 'delay_warning')?.type, 'time list');
    // The binary's own default, not the host it was generated on.
    assert.equal(lookupOption('main', 'primary_hostname')?.default, 'see below');
  });

  test('internal names are not options', () => {
    assert.equal(lookupOption('main', '*set_exim_user'), undefined);
    assert.equal(lookupOption('transports', '*expand_maildir_use_size_file', 'appendfile'), undefined);
    assert.equal(lookupOption('transports', 'maildir_use_size_file', 'appendfile')?.expanded, true);
  });

  test('authenticators', () => {
    assert.equal(lookupOption('authenticators', 'server_condition', 'plaintext')?.scope, 'generic');
    assert.equal(lookupOption('authenticators', 'server_prompts', 'plaintext')?.driver, 'plaintext');
    assert.equal(lookupOption('authenticators', 'server_prompts', 'cram_md5'), undefined);
  });
});

describe('findOptionAnywhere', () => {
  test('hosts_require_tls: only the smtp transport (lmtp has no TLS options)', () => {
    const found = findOptionAnywhere('hosts_require_tls');
    assert.deepEqual(
      found.map((o) => [o.section, o.scope, o.driver]),
      [['transports', 'private', 'smtp']],
    );
    assert.equal(found[0].type, 'host list');
  });

  test('names valid in several places', () => {
    const where = (name: string) => findOptionAnywhere(name).map((o) => `${o.section}/${o.driver ?? o.scope}`);
    assert.deepEqual(where('message_size_limit'), ['main/main', 'transports/generic']);
    assert.deepEqual(where('command'), ['routers/queryprogram', 'transports/lmtp', 'transports/pipe']);
    assert.deepEqual(where('driver'), ['routers/generic', 'transports/generic', 'authenticators/generic']);
    assert.deepEqual(where('tls_certificate'), ['main/main', 'transports/smtp']);
    assert.deepEqual(where('no_such_option'), []);
  });

  test('returns a copy', () => {
    findOptionAnywhere('hosts_require_tls').pop();
    assert.equal(findOptionAnywhere('hosts_require_tls').length, 1);
  });
});

describe('optionsFor', () => {
  test('generic plus the driver\'s private options', () => {
    const smtp = optionsFor('transports', 'smtp');
    const generic = optionsFor('transports');
    assert.ok(generic.length > 0 && generic.every((o) => o.scope === 'generic'));
    assert.equal(smtp.length, generic.length + smtp.filter((o) => o.scope === 'private').length);
    assert.ok(smtp.some((o) => o.name === 'hosts_require_tls'));
    assert.ok(smtp.some((o) => o.name === 'headers_add'));
    assert.ok(smtp.filter((o) => o.scope === 'private').every((o) => o.driver === 'smtp'));
    assert.ok(!optionsFor('transports', 'appendfile').some((o) => o.name === 'hosts_require_tls'));
  });

  test('names are unique within a section and driver', () => {
    for (const section of ['routers', 'transports', 'authenticators'] as const) {
      for (const d of knownDrivers(section)) {
        const names = optionsFor(section, d).map((o) => o.name);
        assert.equal(new Set(names).size, names.length, `${section}/${d}`);
      }
    }
  });

  test('main', () => {
    const main = optionsFor('main');
    assert.ok(main.length > 250);
    assert.ok(main.every((o) => o.scope === 'main' && o.driver === undefined));
    assert.ok(main.some((o) => o.name === 'tls_advertise_hosts'));
  });

  test('accept and ipliteral routers have only generic options', () => {
    assert.deepEqual(optionsFor('routers', 'accept'), optionsFor('routers'));
    assert.deepEqual(optionsFor('routers', 'ipliteral'), optionsFor('routers'));
  });
});

describe('drivers, macros, version', () => {
  test('knownDrivers', () => {
    assert.deepEqual(knownDrivers('routers'), [
      'accept',
      'dnslookup',
      'ipliteral',
      'iplookup',
      'manualroute',
      'queryprogram',
      'redirect',
    ]);
    assert.deepEqual(knownDrivers('transports'), ['appendfile', 'autoreply', 'lmtp', 'pipe', 'smtp']);
    for (const d of ['cram_md5', 'cyrus_sasl', 'dovecot', 'external', 'plaintext', 'spa', 'tls']) {
      assert.ok(knownDrivers('authenticators').includes(d), d);
    }
  });

  test('isKnownDriver', () => {
    assert.equal(isKnownDriver('transports', 'smtp'), true);
    assert.equal(isKnownDriver('transports', 'smpt'), false);
    assert.equal(isKnownDriver('routers', 'smtp'), false);
    assert.equal(isKnownDriver('authenticators', 'plaintext'), true);
  });

  test('builtin macros', () => {
    assert.equal(isBuiltinMacro('_HAVE_TLS'), true);
    assert.equal(isBuiltinMacro('_DRIVER_ROUTER_ACCEPT'), true);
    assert.equal(isBuiltinMacro('_OPT_TRANSPORT_SMTP_HOSTS_REQUIRE_TLS'), true);
    assert.equal(isBuiltinMacro('_HAVE_NO_SUCH_THING'), false);
    assert.equal(isBuiltinMacro('MAIN_TLS_ENABLE'), false, 'a Debian config macro, not built in');
    const all = builtinMacros();
    assert.ok(all.length > 100);
    assert.ok(all.every((m) => m.startsWith('_')));
    assert.deepEqual([...all], [...all].sort());
  });

  test('EXIM_VERSION', () => {
    assert.equal(EXIM_VERSION, '4.96');
  });
});
