// Exim 4.96's words outside the option table: expansion variables, expansion items,
// operators and conditions, ACL verbs, modifiers, conditions and controls, retry error
// names, section names and dot-directives. The first groups come from the reference
// manual via `node scripts/gen-variables.mjs`; the rest are short lists kept here.
import data from './data/exim-variables.json';
import { ACL_VERBS } from './syntax/parser';

export interface VariableInfo {
  /** Name without the `$`; for a family such as `acl_c` or `h_`, the common prefix. */
  name: string;
  /** True for a family of variables (`$acl_c...`, `$h_<header>:`) rather than one variable. */
  family?: boolean;
  /** The manual marks the value as tainted (it may carry data supplied by an attacker). */
  tainted?: boolean;
}

/** A keyword with its syntax line as the manual writes it, e.g. `${lc:<string>}`. */
export interface SyntaxInfo {
  name: string;
  syntax: string;
  /** Every form the manual gives, where there is more than one (the first is `syntax`). */
  forms?: string[];
}

const table = data as unknown as {
  variables: VariableInfo[];
  expansionItems: SyntaxInfo[];
  expansionOperators: SyntaxInfo[];
  expansionConditions: SyntaxInfo[];
  aclModifiers: SyntaxInfo[];
  aclConditions: SyntaxInfo[];
  aclVerifyTargets: SyntaxInfo[];
  aclControls: SyntaxInfo[];
};

export const expansionVariables: readonly VariableInfo[] = table.variables;
export const expansionItems: readonly SyntaxInfo[] = table.expansionItems;
export const expansionOperators: readonly SyntaxInfo[] = table.expansionOperators;
export const expansionConditions: readonly SyntaxInfo[] = table.expansionConditions;
export const aclModifiers: readonly SyntaxInfo[] = table.aclModifiers;
export const aclConditions: readonly SyntaxInfo[] = table.aclConditions;
export const aclVerifyTargets: readonly SyntaxInfo[] = table.aclVerifyTargets;
export const aclControls: readonly SyntaxInfo[] = table.aclControls;
export const aclVerbs: readonly string[] = ACL_VERBS;

/** One line each, in our words. */
export const ACL_VERB_DOCS: Record<string, string> = {
  accept: 'Accept if all conditions are true; otherwise go on with the next statement.',
  defer: 'Give a temporary rejection (4xx) if all conditions are true.',
  deny: 'Reject (5xx) if all conditions are true.',
  discard: 'Accept but throw the message or recipient away, if all conditions are true.',
  drop: 'Reject and close the connection, if all conditions are true.',
  require: 'Reject (5xx) unless all conditions are true; otherwise go on.',
  warn: 'Apply the modifiers (log, add headers) if all conditions are true; never decides.',
};

/** The second field of a retry rule: which error the rule applies to. Descriptions in our words. */
export const RETRY_ERRORS: readonly { name: string; doc: string }[] = [
  { name: '*', doc: 'Any error.' },
  { name: 'auth_failed', doc: 'Authentication to a host in hosts_require_auth failed.' },
  { name: 'data_4xx', doc: 'A 4xx answer to DATA (digits may replace the x: data_45x, data_452).' },
  { name: 'mail_4xx', doc: 'A 4xx answer to MAIL FROM.' },
  { name: 'rcpt_4xx', doc: 'A 4xx answer to RCPT TO.' },
  { name: 'lost_connection', doc: 'The server closed the connection unexpectedly.' },
  { name: 'lookup', doc: 'A DNS lookup for the host failed.' },
  { name: 'refused_MX', doc: 'Connection refused by a host found through an MX record.' },
  { name: 'refused_A', doc: 'Connection refused by a host not found through an MX record.' },
  { name: 'refused', doc: 'Connection refused.' },
  { name: 'timeout_connect_MX', doc: 'Connection to a host from an MX record timed out.' },
  { name: 'timeout_connect_A', doc: 'Connection to a host not from an MX record timed out.' },
  { name: 'timeout_connect', doc: 'Connection attempt timed out.' },
  { name: 'timeout_MX', doc: 'Timeout connecting to, or talking with, a host from an MX record.' },
  { name: 'timeout_A', doc: 'Timeout connecting to, or talking with, a host not from an MX record.' },
  { name: 'timeout', doc: 'Timeout while connecting or during the SMTP session.' },
  {
    name: 'tls_required',
    doc: 'TLS was required (hosts_require_tls) but the server did not offer it, refused STARTTLS, or the handshake failed. Give it a short rule so such mail bounces instead of waiting days.',
  },
  { name: 'quota', doc: 'A mailbox quota was exceeded (appendfile).' },
  { name: 'quota_7d', doc: 'Quota exceeded and the mailbox not read for the given time (quota_<time>).' },
];

export const SECTION_NAMES: readonly string[] = ['acl', 'authenticators', 'local_scan', 'retry', 'rewrite', 'routers', 'transports'];

export const DIRECTIVES: readonly { name: string; doc: string }[] = [
  { name: 'include', doc: 'Read another file here (a relative path is taken from this file’s directory).' },
  { name: 'include_if_exists', doc: 'Read another file here if it exists (absolute path).' },
  { name: 'ifdef', doc: 'Read the following lines only if the macro is defined.' },
  { name: 'ifndef', doc: 'Read the following lines only if the macro is not defined.' },
  { name: 'elifdef', doc: 'Otherwise, if the macro is defined.' },
  { name: 'elifndef', doc: 'Otherwise, if the macro is not defined.' },
  { name: 'else', doc: 'Otherwise.' },
  { name: 'endif', doc: 'End of the conditional block.' },
];

/** What each named list kind is used for, by the option or ACL condition that holds it. */
export const LIST_KIND_BY_TYPE: Record<string, 'domainlist' | 'hostlist' | 'addresslist' | 'localpartlist'> = {
  'domain list': 'domainlist',
  'host list': 'hostlist',
  'address list': 'addresslist',
  'local part list': 'localpartlist',
};

export const ACL_CONDITION_LIST_KIND: Record<string, 'domainlist' | 'hostlist' | 'addresslist' | 'localpartlist'> = {
  domains: 'domainlist',
  sender_domains: 'domainlist',
  hosts: 'hostlist',
  senders: 'addresslist',
  recipients: 'addresslist',
  local_parts: 'localpartlist',
};
