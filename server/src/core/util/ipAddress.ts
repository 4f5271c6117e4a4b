/**
 * IP addresses as Exim's string_is_ip_address() takes them (what `${if isip{...}}` tests):
 * dotted-quad IPv4 without leading zeros, and IPv6 with "::" at most once, an optional
 * trailing IPv4 part and an optional "%zone". Measured with `exim -be`.
 */
const V4_PART = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const V4 = new RegExp(`^${V4_PART}(?:\\.${V4_PART}){3}$`);
const HEX = /^[0-9a-fA-F]{1,4}$/;

export function isIpv4Address(text: string): boolean {
  return V4.test(text);
}

export function isIpv6Address(text: string): boolean {
  const zone = text.indexOf('%');
  const address = zone < 0 ? text : text.slice(0, zone);
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const parts = halves.flatMap(groups);
  // A dotted quad may stand for the last two groups.
  let count = parts.length;
  const last = parts[parts.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIpv4Address(last)) return false;
    parts.pop();
    count++;
  }
  if (!parts.every((p) => HEX.test(p))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/**
 * Why an item of an address list is probably not an address, for a message: an IPv6 address
 * cut up by the ":" separator, or an interface or host name. Empty when neither.
 */
export function addressItemHint(item: string): string {
  if (item.startsWith(':') || /^[0-9a-fA-F]{1,4}$/.test(item)) return ' (an IPv6 address in a list needs another separator: "<; ::1")';
  if (/^[A-Za-z][\w.-]*$/.test(item)) return ' (an interface is given by its address, not its name)';
  return '';
}

export function isIpAddress(text: string): boolean {
  return text.includes(':') ? isIpv6Address(text) : isIpv4Address(text);
}
