#!/usr/bin/env python3
"""Measure which ACL conditions/modifiers/controls/verbs Exim 4.96 refuses at
RUN TIME depending on the ACL (SMTP phase) they run in.

For every (item, phase) pair a private config is written in which only the
ACL for that phase ("test") contains the item; every other ACL is "acc"
(plain accept).  A session that reaches the phase is then run:
  * SMTP phases: exim -C CONF -bh 192.0.2.1  (fake SMTP on stdin)
  * non-SMTP phases: exim -C CONF -odq -oep -d-all+acl -f a@b.example -bm rcpt@example.org
Each run is wrapped in `timeout 20 unshare -n` (no network -> DNS/TCP fail fast).

Classification (per run):
  unreachable  - the "test" ACL was never entered (no 'using ACL "test"' trace)
  refused: MSG - Exim logged a 'not allowed here' message (see REFUSAL_RES)
  ok           - otherwise (other errors/warnings are kept in notes)
Outputs, in a scratch directory ($ACL_PLACEMENT_DIR or a new temporary one): table.json,
raw.json (all evidence), runs/<phase>/<n>/... (configs + output). With --write, also the
compact table the analyser reads: server/src/core/data/exim-acl-placement.json.

  sudo python3 scripts/measure-acl-placement.py --write     # about 30 s on two cores
"""
import base64, json, os, re, shutil, subprocess, sys, tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE = os.environ.get("ACL_PLACEMENT_DIR") or tempfile.mkdtemp(prefix="acl-placement-")
EXIM = "/usr/sbin/exim"
RUNS = os.path.join(BASE, "runs")
TIMEOUT = "20"

# ---------------------------------------------------------------- phases
SMTP_PHASES = ["connect", "helo", "mail", "rcpt", "predata", "data", "mime",
               "dkim", "data_prdr", "quit", "notquit", "vrfy", "expn", "etrn",
               "starttls", "auth", "mailauth"]
NONSMTP_PHASES = ["not_smtp_start", "not_smtp", "not_smtp_mime"]
PHASES = SMTP_PHASES + NONSMTP_PHASES

OPTION = {p: "acl_smtp_" + p for p in SMTP_PHASES}
OPTION.update({p: "acl_" + p for p in NONSMTP_PHASES})

AUTH = base64.b64encode(b"\0u\0p").decode()

DKIM_HDR = (
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel;\n"
    "\th=from:to:subject; bh=frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=;\n"
    "\tb=dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0\n")
MIME_MSG = DKIM_HDR + """From: a@b.example
To: rcpt@example.org
Subject: test
Message-ID: <t1@b.example>
Date: Sun, 29 Nov 2026 05:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="BOUND"

--BOUND
Content-Type: text/plain

hello x
--BOUND
Content-Type: application/octet-stream; name="a.bin"
Content-Disposition: attachment; filename="a.bin"
Content-Transfer-Encoding: base64

aGVsbG8K
--BOUND--
"""


def crlf(lines):
    return "".join(l + "\r\n" for l in lines)


MSG_CRLF = crlf(MIME_MSG.rstrip("\n").split("\n"))
EHLO = "EHLO x.example"
MAIL = "MAIL FROM:<a@b.example>"
RCPT = "RCPT TO:<rcpt@example.org>"
TRANSACTION = crlf([EHLO, MAIL, RCPT, "DATA"]) + MSG_CRLF + crlf(["."])

SESSIONS = {
    "connect": crlf(["QUIT"]),
    "helo": crlf([EHLO, "QUIT"]),
    "mail": crlf([EHLO, MAIL, "QUIT"]),
    "rcpt": crlf([EHLO, MAIL, RCPT, "QUIT"]),
    "predata": TRANSACTION + crlf(["QUIT"]),
    "data": TRANSACTION + crlf(["QUIT"]),
    "mime": TRANSACTION + crlf(["QUIT"]),
    "dkim": TRANSACTION + crlf(["QUIT"]),
    "data_prdr": crlf([EHLO, MAIL + " PRDR", RCPT, "RCPT TO:<r2@example.org>", "DATA"])
                 + MSG_CRLF + crlf([".", "QUIT"]),
    "quit": TRANSACTION + crlf(["QUIT"]),
    "notquit": TRANSACTION,                       # EOF without QUIT
    "vrfy": crlf([EHLO, "VRFY rcpt@example.org", "QUIT"]),
    "expn": crlf([EHLO, "EXPN rcpt@example.org", "QUIT"]),
    "etrn": crlf([EHLO, "ETRN example.org", "QUIT"]),
    "starttls": crlf([EHLO, "STARTTLS"]),         # TLS handshake then fails (EOF)
    "auth": crlf([EHLO, "AUTH PLAIN " + AUTH, "QUIT"]),
    "mailauth": crlf([EHLO, "AUTH PLAIN " + AUTH, MAIL + " AUTH=u@example.org", "QUIT"]),
}

# ---------------------------------------------------------------- items
CONTROLS = ["allow_auth_unadvertised", "caseful_local_part", "caselower_local_part",
            "cutthrough_delivery", "debug", "dkim_disable_verify", "dscp/ef",
            "enforce_sync", "fakedefer", "fakereject", "freeze", "no_callout_flush",
            "no_delay_flush", "no_enforce_sync", "no_mbox_unspool",
            "no_multiline_responses", "no_pipelining", "queue", "queue_only",
            "submission", "suppress_local_fixups", "utf8_downconvert"]
VERIFIES = ["certificate", "csa", "header_names_ascii", "header_sender", "header_syntax",
            "helo", "not_blind", "recipient", "reverse_host_lookup", "sender"]

# key -> (list of statement lines for the "test" ACL, uses markers?)
ITEMS = {}
def cond(key, text, extra=False):
    ITEMS[key] = {"body": ["warn " + text, "accept"], "extra": extra}

cond("acl", "acl = sub")
cond("add_header", "add_header = X-T: 1")
cond("authenticated", "authenticated = *")
cond("condition", "condition = yes")
for c in CONTROLS:
    cond("control=" + c, "control = " + c)
cond("decode", "decode = " + BASE + "/dec")
cond("delay", "delay = 0s")
cond("dkim_signers", "dkim_signers = x")
cond("dkim_status", "dkim_status = none")
cond("dnslists", "dnslists = bl.example")
cond("domains", "domains = example.org")
cond("encrypted", "encrypted = *")
cond("hosts", "hosts = 192.0.2.1")
cond("local_parts", "local_parts = x")
cond("log_message", "log_message = m")
cond("log_reject_target", "log_reject_target = main")
cond("logwrite", "logwrite = m")
cond("malware", "malware = *")
cond("message", "message = m")
cond("mime_regex", "mime_regex = x")
cond("queue", "queue = q")
cond("ratelimit", "ratelimit = 100 / 1h / strict")
cond("recipients", "recipients = x@example.org")
cond("regex", "regex = x")
cond("remove_header", "remove_header = X-T")
cond("seen", "seen = 1h")
cond("senders", "senders = a@b.example")
cond("set", "set acl_m_x = 1")
cond("spam", "spam = nobody")
for v in VERIFIES:
    cond("verify=" + v, "verify = " + v)
# further items this Exim has compiled in (SPF, sender_domains, ratelimit variants)
cond("continue", "continue = x", extra=True)
cond("sender_domains", "sender_domains = b.example", extra=True)
cond("spf", "spf = pass", extra=True)
cond("spf_guess", "spf_guess = pass", extra=True)
cond("dnslists (explicit key)", "dnslists = bl.example/192.0.2.1", extra=True)
# A per_* kind with an explicit /strict (or /leaky, refused alike) where that kind has no
# meaning; without either mode Exim quietly reads the rate only.
for per in ["per_addr", "per_byte", "per_cmd", "per_conn", "per_mail", "per_rcpt"]:
    cond("ratelimit=%s/strict" % per, "ratelimit = 100 / 1h / strict / %s" % per)
cond("ratelimit (per_rcpt, no strict)", "ratelimit = 100 / 1h / per_rcpt", extra=True)
cond("ratelimit (per_mail, no strict)", "ratelimit = 100 / 1h / per_mail", extra=True)
cond("ratelimit (per_conn, no strict)", "ratelimit = 100 / 1h / per_conn", extra=True)

VERBS = ["accept", "defer", "deny", "discard", "drop", "require", "warn"]
for v in VERBS:
    ITEMS["verb:%s (condition = no)" % v] = {"body": [v + " condition = no", "accept"],
                                             "extra": v == "warn"}
for v in VERBS:
    ITEMS["verb:%s (unconditional)" % v] = {"body": [v], "extra": v == "warn"}
ITEMS["verb:require (condition = yes)"] = {"body": ["require condition = yes", "accept"],
                                           "extra": True}

# ---------------------------------------------------------------- config
def config(phase, body, rundir):
    acl_opts = "\n".join("%s = %s" % (OPTION[p], "test" if p == phase else "acc")
                         for p in PHASES)
    body_txt = "\n".join("  " + l for l in body)
    return f"""# generated by run_matrix.py: phase={phase}
primary_hostname = example.org
keep_environment =
domainlist local_domains = example.org
spool_directory = {rundir}/spool
log_file_path = {rundir}/log/%slog
exim_user = root
exim_group = root
prdr_enable = true
{acl_opts}

begin acl

acc:
  accept

sub:
  accept

test:
{body_txt}

begin routers

r1:
  driver = accept
  transport = t1

begin transports

t1:
  driver = appendfile
  file = {BASE}/mbox/out

begin authenticators

plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = yes
  server_set_id = $auth2
"""

# ---------------------------------------------------------------- classification
REFUSAL_RES = [
    re.compile(r'cannot (?:test|use|check) \S+ condition in .*? ACL'),
    re.compile(r'cannot use "control=[^"]*" in .*? ACL'),
    re.compile(r'cannot verify \S+ in ACL for .+'),
    re.compile(r'cannot test auto-keyed dnslists condition in .*? ACL'),
    re.compile(r'"\S+" must not have /leaky or /strict option, or cannot be used in .*? ACL'),
    re.compile(r'"\S+" verb not allowed in .*? ACL'),
    re.compile(r'\S+ not allowed in .*? ACL'),
    re.compile(r'QUIT or not-QUIT toplevel ACL may not fail .*'),
]
NOISE = re.compile(r'^(MARK|\d\S+ MARK)')


def log_lines(text):
    """Lines that are log output: 'LOG: ...' lines of -bh and their continuations,
    plus everything in log files."""
    return text.splitlines()


def classify(evidence):
    found = []
    for line in evidence:
        for rx in REFUSAL_RES:
            m = rx.search(line)
            if m:
                msg = m.group(0).rstrip()
                if msg not in found:
                    found.append(msg)
                break
    return found


def run_one(job):
    phase, key, idx = job
    rundir = os.path.join(RUNS, phase, "%03d" % idx)
    if os.path.exists(rundir):
        shutil.rmtree(rundir)
    os.makedirs(os.path.join(rundir, "log"))
    conf = os.path.join(rundir, "exim.conf")
    with open(conf, "w") as f:
        f.write(config(phase, ITEMS[key]["body"], rundir))
    if phase in NONSMTP_PHASES:
        cmd = ["timeout", TIMEOUT, "unshare", "-n", EXIM, "-C", conf, "-d+all",
               "-odq", "-oep", "-f", "a@b.example", "-bm", "rcpt@example.org"]
        stdin = MIME_MSG.replace(DKIM_HDR, "")
    else:
        cmd = ["timeout", TIMEOUT, "unshare", "-n", EXIM, "-C", conf, "-bh", "192.0.2.1"]
        stdin = SESSIONS[phase]
    p = subprocess.run(cmd, input=stdin.encode(), capture_output=True, cwd=rundir)
    out = p.stdout.decode(errors="replace")
    err = p.stderr.decode(errors="replace")
    with open(os.path.join(rundir, "stdin"), "w") as f:
        f.write(stdin)
    with open(os.path.join(rundir, "stdout"), "w") as f:
        f.write(out)
    with open(os.path.join(rundir, "stderr"), "w") as f:
        f.write(err)
    with open(os.path.join(rundir, "cmd"), "w") as f:
        f.write(" ".join(cmd) + "\n" + "item: " + key + "\n")
    logs = {}
    for fn in sorted(os.listdir(os.path.join(rundir, "log"))):
        with open(os.path.join(rundir, "log", fn), errors="replace") as f:
            logs[fn] = f.read()
    shutil.rmtree(os.path.join(rundir, "spool"), ignore_errors=True)
    reached = 'using ACL "test"' in err
    evidence = [l for l in err.splitlines()] + [l for t in logs.values() for l in t.splitlines()]
    refusals = classify(evidence)
    # other log lines worth keeping (errors/warnings that are not refusals)
    other = []
    for l in evidence:
        s = l.strip()
        if s.startswith("LOG:"):
            s = s[4:].strip()
        elif s.startswith(">>>") or s.startswith("check ") or not s:
            continue
        if re.search(r'error|warning|reject|defer|cannot|not allowed|fail|discard|drop|ignored|unknown|invalid|panic',
                     s, re.I) and "MARK" not in s and s not in other:
            other.append(s)
    # debug-trace evidence of an ACL condition error in the test ACL, with the
    # trace lines between the last "check ..." line and the error line
    silent = None
    elines = err.splitlines()
    for i, l in enumerate(elines):
        if re.search(r'\w+: condition test error in ACL "test"', l):
            j = i
            while j > 0 and not re.search(r'(>>> |\s)check ', elines[j]):
                j -= 1
            silent = [re.sub(r'^\S+ \d+ ', '', x).strip() for x in elines[j:i + 1]][-8:]
            break
    if not reached:
        status = "unreachable"
    elif refusals:
        # prefer item-specific message over the generic QUIT one
        spec = [r for r in refusals if not r.startswith("QUIT or not-QUIT")]
        status = "refused: " + (spec or refusals)[0]
    elif silent is not None:
        status = ("refused: (no message logged) debug trace: "
                  + " -> ".join(x.lstrip(">").strip() for x in silent))
    else:
        status = "ok"
    replies = [l for l in out.splitlines() if re.match(r'^\d{3}[ -]', l)]
    return {"phase": phase, "item": key, "status": status, "reached": reached,
            "refusals": refusals, "error_trace": silent, "other_log": other[:12], "exit": p.returncode,
            "smtp_replies": replies, "rundir": rundir}


def compact(table, version):
    """The analyser's table: for each item, the phases where Exim refuses it and its message."""
    refused, verbs = {}, {}
    for key, cells in table["items"].items():
        cells = {ph: st[len("refused: "):] for ph, st in cells.items() if st.startswith("refused: ")}
        cells = {ph: (None if msg.startswith("(no message logged)") else msg) for ph, msg in cells.items()}
        m = re.match(r"verb:(\w+) \((condition = no|unconditional)\)$", key)
        if m:
            verbs.setdefault(m.group(1), {})["always" if m.group(2) == "condition = no" else "whenItFires"] = cells
        elif re.match(r"^[a-z_]+$|^(control|verify)=[a-z_]+$|^ratelimit=per_[a-z]+/strict$", key) and cells:
            refused[key] = cells
    for v in verbs.values():
        # "whenItFires": refused when the verb takes effect, not merely present.
        v["whenItFires"] = {ph: msg for ph, msg in v.get("whenItFires", {}).items() if ph not in v.get("always", {})}
    return {"eximVersion": version, "generatedBy": "scripts/measure-acl-placement.py",
            "options": OPTION, "refused": refused,
            "verbs": {k: v for k, v in verbs.items() if v.get("always") or v.get("whenItFires")}}


def main():
    os.makedirs(os.path.join(BASE, "dec"), exist_ok=True)
    os.makedirs(os.path.join(BASE, "mbox"), exist_ok=True)
    keys = list(ITEMS)
    write = "--write" in sys.argv
    only = [a for a in sys.argv[1:] if a != "--write"]  # optional filter: item keys
    if only:
        keys = [k for k in keys if k in only]
    jobs = [(ph, k, i) for i, k in enumerate(keys) for ph in PHASES]
    with ThreadPoolExecutor(max_workers=12) as ex:
        results = list(ex.map(run_one, jobs))
    table = {"phases": PHASES, "items": {}}
    raw = {}
    for r in results:
        table["items"].setdefault(r["item"], {})[r["phase"]] = r["status"]
        raw.setdefault(r["item"], {})[r["phase"]] = r
    table["statements"] = {k: ITEMS[k]["body"] for k in keys}
    # non-refusal log lines worth knowing about (warnings / side errors) for cells
    notes = {}
    for r in results:
        keep = [l for l in r["other_log"]
                if re.search(r'ignored|abandoned|deferred|Error:|TLS error|rejected|discarded', l)
                and not any(x in l for x in r["refusals"])]
        if keep:
            notes.setdefault(r["item"], {})[r["phase"]] = keep[:3]
    table["notes"] = notes
    table["extra_items"] = [k for k in keys if ITEMS[k]["extra"]]
    suffix = "" if not only else ".partial"
    with open(os.path.join(BASE, "table.json" + suffix), "w") as f:
        json.dump(table, f, indent=1)
    with open(os.path.join(BASE, "raw.json" + suffix), "w") as f:
        json.dump(raw, f, indent=1)
    unreached = [(r["item"], r["phase"]) for r in results if not r["reached"]]
    print("runs:", len(results), "unreached:", len(unreached), "scratch:", BASE)
    if write and not only:
        version = re.search(r"Exim version (\S+)", subprocess.run([EXIM, "-bV"], capture_output=True, text=True).stdout)
        out = os.path.join(ROOT, "server", "src", "core", "data", "exim-acl-placement.json")
        with open(out, "w") as f:
            json.dump(compact(table, version.group(1) if version else "unknown"), f, indent=1)
            f.write("\n")
        print("wrote", out)


if __name__ == "__main__":
    main()
