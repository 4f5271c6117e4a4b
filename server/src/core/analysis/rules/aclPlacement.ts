/**
 * Conditions, modifiers, controls, verify targets and verbs that Exim refuses in some ACLs.
 * exim -bV accepts them anywhere; when the ACL runs, the statement fails ('cannot test
 * domains condition in MAIL ACL', 'cannot use "control=freeze" in connection ACL', 'QUIT or
 * not-QUIT toplevel ACL may not fail'), and the SMTP command gets 451. Where each one is
 * refused was measured with Exim 4.96 for every ACL option (scripts/measure-acl-placement.py,
 * data/exim-acl-placement.json). An ACL runs where an acl_smtp_* or acl_not_smtp* option
 * names it, and where an "acl =" condition of such an ACL calls it.
 */
import placement from '../../data/exim-acl-placement.json';
import { AclItemNode, AclNode, aclsOf } from '../../syntax/tree';
import { trimCSpace } from '../../util/lists';
import { Location } from '../../syntax/source';
import { Rule, RuleContext } from '../types';
import { PER_OPTIONS, ratelimitItems } from './aclValues';

type Cells = Record<string, string | null>;
const OPTIONS = placement.options as Record<string, string>;
const PHASE_OF_OPTION = new Map(Object.entries(OPTIONS).map(([phase, option]) => [option, phase]));
const REFUSED = new Map(Object.entries(placement.refused as Record<string, Cells>));
const VERBS = new Map(Object.entries(placement.verbs as Record<string, { always?: Cells; whenItFires?: Cells }>));

/** The key of an item in the table: its name, or "control=name" and "verify=target". */
function itemKey(item: AclItemNode): string | undefined {
  if (item.name === 'control') return `control=${item.value.trim().replace(/\/.*$/s, '')}`;
  if (item.name === 'verify') return `verify=${item.value.trim().replace(/\/.*$/s, '').replace(/^sender\s*=.*$/is, 'sender').toLowerCase()}`;
  // An explicit per_* kind with /strict or /leaky (refused alike) is placed by its kind; without
  // either mode, or with noupdate, Exim only reads the rate and runs it anywhere.
  if (item.name === 'ratelimit') {
    const words = ratelimitItems(item.value).slice(2).map((w) => w.toLowerCase());
    const per = words.find((w) => PER_OPTIONS.has(w));
    const updates = words.some((w) => w === 'strict' || w === 'leaky') && !words.includes('noupdate');
    return per && updates ? `ratelimit=${per}/strict` : undefined;
  }
  // With an explicit key ("zone/key"), dnslists runs in every ACL.
  if (item.name === 'dnslists' && item.value.includes('/')) return undefined;
  return item.name;
}

/** Where each ACL runs: the phases of the options that name it (direct), and of the ACLs that call it with "acl =". */
function aclPhases(ctx: RuleContext): Map<AclNode, { phases: Set<string>; direct: Set<string> }> {
  const acls = ctx.model.acls();
  const out = new Map<AclNode, { phases: Set<string>; direct: Set<string> }>();
  const entry = (a: AclNode) => {
    let e = out.get(a);
    if (!e) out.set(a, (e = { phases: new Set(), direct: new Set() }));
    return e;
  };
  for (const s of ctx.tree.sections) {
    if (s.kind !== 'main' || s.begin) continue;
    for (const o of s.items) {
      if (o.kind !== 'option' || !o.active || !o.hasValue) continue;
      const phase = PHASE_OF_OPTION.get(o.word);
      const acl = phase ? acls.get(trimCSpace(o.value)) : undefined;
      if (!phase || !acl) continue;
      entry(acl).phases.add(phase);
      entry(acl).direct.add(phase);
    }
  }
  // Called ACLs run in their callers' phases (a walk that stops where nothing is new).
  const queue = [...out.keys()];
  while (queue.length) {
    const caller = queue.pop()!;
    const phases = out.get(caller)!.phases;
    for (const st of caller.statements) {
      for (const item of st.items) {
        if (item.name !== 'acl' || !item.hasValue || item.value.includes('$')) continue;
        const callee = acls.get(/^[^ \t]*/.exec(item.value.trim())![0]);
        if (!callee) continue;
        const e = entry(callee);
        const before = e.phases.size;
        for (const p of phases) e.phases.add(p);
        if (e.phases.size > before) queue.push(callee);
      }
    }
  }
  return out;
}

function describe(phases: string[]): string {
  return phases.map((p) => OPTIONS[p]).join(', ');
}

const aclMisplaced: Rule = {
  id: 'acl-misplaced',
  defaultSeverity: 'warning',
  title: 'condition, modifier, control, verify or verb that Exim refuses in the ACL where it runs',
  check(ctx: RuleContext) {
    const report = (loc: Location, active: boolean, cells: Cells, phases: string[], what: string, when = '') => {
      const first = cells[phases[0]];
      const said = first ?? `${what} cannot be used in the ${phases[0]} ACL`;
      // In the non-SMTP ACLs there is no command to answer: the message is refused instead.
      const smtp = phases.some((p) => !p.startsWith('not_smtp'));
      const nonSmtp = phases.some((p) => p.startsWith('not_smtp'));
      const outcome = smtp && nonSmtp ? 'an SMTP command then gets 451, a locally submitted message is rejected' : smtp ? 'an SMTP command then gets 451' : 'the locally submitted message is then rejected';
      ctx.report({
        message: `${said}${when}: the ACL runs as ${describe(phases)}, where Exim refuses it when the statement runs (exim -bV accepts it; ${outcome})`,
        loc,
        active,
        data: { item: what, phases },
      });
    };
    for (const [acl, { phases, direct }] of aclPhases(ctx)) {
      for (const st of acl.statements) {
        const verb = VERBS.get(st.verb);
        if (verb) {
          // Only a top-level QUIT or not-QUIT ACL "may not fail"; the verb checks are made there.
          const always = [...direct].filter((p) => verb.always?.[p] !== undefined);
          if (always.length) report(st.verbLoc, st.active, verb.always!, always, `"${st.verb}"`);
          else {
            const fires = [...direct].filter((p) => verb.whenItFires?.[p] !== undefined);
            if (fires.length) report(st.verbLoc, st.active, verb.whenItFires!, fires, `"${st.verb}"`, ` (when its conditions hold)`);
          }
        }
        for (const item of st.items) {
          const key = itemKey(item);
          const cells = key === undefined ? undefined : REFUSED.get(key);
          if (!cells) continue;
          const where = [...phases].filter((p) => p in cells);
          if (where.length) report(item.nameLoc, item.active, cells, where, key!);
        }
      }
    }
  },
};

export const aclPlacementRules: Rule[] = [aclMisplaced];
