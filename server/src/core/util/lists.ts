/**
 * Exim lists: items separated by ':' (or the character after a leading '<'), a doubled
 * separator standing for a literal one, white space around items ignored.
 */
export function splitList(value: string): string[] {
  let text = value.trim();
  let sep = ':';
  if (text.startsWith('<') && text.length > 1 && !/\s/.test(text[1])) {
    sep = text[1];
    text = text.slice(2);
  }
  const items: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === sep) {
      if (text[i + 1] === sep) {
        cur += sep;
        i++;
        continue;
      }
      items.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '' || items.length > 0) items.push(cur.trim());
  return items.filter((i) => i !== '');
}

/** The loopback interface by address or the usual names. */
export function isLoopbackHost(item: string): boolean {
  let h = item.trim().toLowerCase();
  if (h.startsWith('[') && h.includes(']')) h = h.slice(1, h.indexOf(']'));
  // host::port or host:port forms in manualroute lists
  const port = /^(.*?)(::?\d+)$/.exec(h);
  if (port && !h.includes('::1')) h = port[1];
  return /^127(\.\d{1,3}){3}$/.test(h) || h === '::1' || h === 'localhost' || h === 'localhost.localdomain' || h === 'ip6-localhost';
}

/** Whether a host list, read in order, matches every host: a `*` with no negated item before it. */
export function listMatchesEverything(value: string): boolean {
  for (const item of splitList(value)) {
    if (item === '*') return true;
    if (item.startsWith('!')) return false;
  }
  return false;
}
