#!/usr/bin/env python3
"""Writes server/src/core/data/gnutls-priorities.json: the words a GnuTLS priority string
(Exim's tls_require_ciphers on Debian, whose Exim is built with GnuTLS) may use, asked of
the installed libgnutls itself through gnutls_priority_init(), the call Exim makes.

Candidates are the names the library lists (protocols, ciphers, MACs, ...) and the words
found in the library file; each is kept when the library accepts it in place:
  keywords  an element of their own ("NORMAL", "SECURE128:..."; case-insensitive; NONE
            only first)
  names     after "+", "-" or "!" ("+AES-256-GCM", "-VERS-TLS1.0"; case-insensitive); some
            only after "+" (addOnly: "+NORMAL")
  prefixes  starts of names the library accepts with anything after them ("+CIPHER-...")
  flags     after "%" ("%SERVER_PRECEDENCE"; case-sensitive)
Names made of a prefix and an algorithm ("VERS-" + "TLS1.2", "GROUP-" + "X25519") are tried
with each prefix. Strings the library refuses only because nothing usable is left
("NORMAL:-VERS-ALL", error -326) are not a matter of words and are not described here.

  python3 scripts/gen-gnutls-priorities.py          # print a summary
  python3 scripts/gen-gnutls-priorities.py --write  # also write the JSON file
  python3 scripts/gen-gnutls-priorities.py --check  # fail when the JSON file differs
"""
import ctypes
import ctypes.util
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'server', 'src', 'core', 'data', 'gnutls-priorities.json')
LIBRARY = 'libgnutls.so.30'

lib = ctypes.CDLL(LIBRARY)
lib.gnutls_priority_init.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p)]
lib.gnutls_priority_deinit.argtypes = [ctypes.c_void_p]
lib.gnutls_check_version.restype = ctypes.c_char_p


def accepted(priority: str) -> bool:
    cache = ctypes.c_void_p()
    err = ctypes.c_char_p()
    rc = lib.gnutls_priority_init(ctypes.byref(cache), priority.encode('latin-1'), ctypes.byref(err))
    if rc == 0:
        lib.gnutls_priority_deinit(cache)
    return rc == 0


def library_path() -> str:
    """The file the dynamic loader opened for LIBRARY."""
    with open('/proc/self/maps') as maps:
        for line in maps:
            if LIBRARY in line:
                return line.split()[-1]
    raise SystemExit(f'{LIBRARY} is not loaded')


def candidate_words(path: str) -> set:
    data = open(path, 'rb').read()
    words = set()
    for run in re.findall(rb'[\x20-\x7e]{2,}', data):
        for word in re.findall(rb'[A-Za-z0-9][A-Za-z0-9_.+-]{0,40}', run):
            words.add(word.decode())
    return words


def api_names() -> set:
    """The names of every protocol, cipher, MAC, key exchange, signature, group, curve and
    certificate type the library lists."""
    names = set()
    for kind in ['protocol', 'cipher', 'mac', 'kx', 'sign', 'group', 'ecc_curve', 'certificate_type']:
        listing = getattr(lib, f'gnutls_{kind}_list')
        listing.restype = ctypes.POINTER(ctypes.c_int)
        get_name = getattr(lib, f'gnutls_{kind}_get_name')
        get_name.restype = ctypes.c_char_p
        ids = listing()
        i = 0
        while ids[i] != 0:
            name = get_name(ids[i])
            if name:
                names.add(name.decode())
            i += 1
    return names


PREFIXES = ['', 'VERS-', 'GROUP-', 'SIGN-', 'CURVE-', 'CTYPE-', 'COMP-', 'CIPHER-', 'MAC-', 'KX-']
# A complete set, so that a keyword that selects nothing by itself ("NONE") is accepted.
EVERYTHING = ':+VERS-ALL:+CIPHER-ALL:+MAC-ALL:+KX-ALL:+SIGN-ALL:+GROUP-ALL:+CTYPE-ALL'


def main() -> None:
    path = library_path()
    words = candidate_words(path) | api_names()
    keywords, names, add_only, flags = set(), set(), set(), set()
    for word in sorted(words):
        upper = word.upper()
        if upper not in keywords and (accepted(upper) or accepted('NORMAL:' + upper) or accepted(upper + EVERYTHING)):
            keywords.add(upper)
        for prefix in PREFIXES:
            name = prefix + upper
            if prefix and upper.startswith(prefix):
                continue
            if name not in names and accepted('NORMAL:+' + name):
                names.add(name)
                # Removing it must leave something usable, whatever it is.
                if not accepted('NORMAL:-' + name + EVERYTHING):
                    add_only.add(name)
        if accepted('NORMAL:%' + word):
            flags.add(word)
    # Some words are read by their start only ("+CIPHER-anything", "+SIGN-ALLx"): keep such
    # a start as a prefix, and the names it covers go.
    prefixes = set()
    for name in sorted(names, key=len):
        if any(name.startswith(p) for p in prefixes):
            continue
        for cut in range(1, len(name) + 1):
            start = name[:cut]
            if accepted('NORMAL:+' + start + 'ZQX9') and accepted('NORMAL:+' + start + '-Q.1'):
                prefixes.add(start)
                break
    names = {n for n in names if not any(n.startswith(p) for p in prefixes)}
    add_only &= names
    # Self-checks: what the rule relies on about the grammar.
    assert accepted('normal') and accepted('NORMAL:+aes-128-gcm') and not accepted('NORMAL:%compat')
    assert accepted('NORMAL: -VERS-TLS1.0') and not accepted('NORMAL :-VERS-TLS1.0') and not accepted('NORMAL:\t-VERS-TLS1.0')
    assert not accepted('NORMAL:') and not accepted('NORMAL::%COMPAT') and not accepted('NORMAL:NONE')
    assert all(accepted('NORMAL:' + k) for k in keywords if k != 'NONE') and accepted('+AES-128-GCM:NORMAL')
    package = subprocess.run(['dpkg-query', '-W', '-f', '${Version}', 'libgnutls30'], capture_output=True, text=True).stdout.strip()
    version = lib.gnutls_check_version(None).decode()
    result = {
        'generatedBy': 'scripts/gen-gnutls-priorities.py',
        'library': f'libgnutls {version}' + (f' (Debian libgnutls30 {package})' if package else ''),
        'keywords': sorted(keywords),
        'names': sorted(names),
        # Names accepted after "+" only ("+NORMAL" is, "-NORMAL" is not).
        'addOnly': sorted(add_only),
        # Words after "+", "-" or "!" that the library accepts whatever follows them.
        'namePrefixes': sorted(prefixes),
        'flags': sorted(flags),
    }
    print(f"{result['library']}: {len(words)} candidate words, {len(keywords)} keywords, {len(names)} names ({len(add_only)} after + only), {len(prefixes)} name prefixes, {len(flags)} flags")
    if '--check' in sys.argv:
        stored = json.load(open(OUT))
        if stored != result:
            raise SystemExit(f'{os.path.relpath(OUT, ROOT)} differs from what {result["library"]} accepts: run npm run gen:gnutls')
        print(f'{os.path.relpath(OUT, ROOT)} matches the library')
    if '--write' in sys.argv:
        with open(OUT, 'w') as f:
            json.dump(result, f, indent=1)
            f.write('\n')
        print(f'wrote {os.path.relpath(OUT, ROOT)}')


if __name__ == '__main__':
    main()
