import { isIP } from 'node:net';

/**
 * What an IP address is, for the SSRF guard. Everything but `public` is refused as a
 * delivery target outside sandbox mode: a consumer URL must never become a way to reach
 * the gateway's own host, its network, or a cloud metadata service.
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'unique_local'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'reserved'
  | 'invalid';

interface Range {
  base: bigint;
  bits: number;
  kind: AddressClass;
}

const V4_RANGES: [string, number, AddressClass][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link_local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const V6_RANGES: [string, number, AddressClass][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
  ['fc00::', 7, 'unique_local'],
  ['fe80::', 10, 'link_local'],
  // Deprecated site-local: still routed inside some networks.
  ['fec0::', 10, 'private'],
  ['ff00::', 8, 'multicast'],
];

const v4Ranges: Range[] = V4_RANGES.map(([a, bits, kind]) => ({ base: v4ToBigInt(a)!, bits, kind }));
const v6Ranges: Range[] = V6_RANGES.map(([a, bits, kind]) => ({ base: v6ToBigInt(a)!, bits, kind }));

/**
 * Prefixes whose low 32 bits are an IPv4 address that the network may reach as such
 * (IPv4-mapped, IPv4-compatible, NAT64): `::ffff:127.0.0.1` is loopback, whatever it looks like.
 */
const EMBEDDED_V4: { base: bigint; bits: number }[] = [
  { base: v6ToBigInt('::ffff:0:0')!, bits: 96 },
  { base: v6ToBigInt('::')!, bits: 96 },
  { base: v6ToBigInt('64:ff9b::')!, bits: 96 },
];

export function classifyAddress(address: string): AddressClass {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 4) return classifyV4(v4ToBigInt(bare)!);
  if (family !== 6) return 'invalid';
  const value = v6ToBigInt(bare);
  if (value === null) return 'invalid';
  // :: and ::1 sit inside the IPv4-compatible prefix; they are IPv6's own.
  if (value === 0n) return 'unspecified';
  if (value === 1n) return 'loopback';
  for (const prefix of EMBEDDED_V4)
    if (inRange(value, prefix.base, prefix.bits, 128)) return classifyV4(value & 0xffffffffn);
  return match(value, v6Ranges, 128) ?? 'public';
}

export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === 'public';
}

/** True when `address` lies in `cidr` (`10.0.0.0/8`, `fd00::/8`, or a single address). */
export function addressInCidr(address: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const family = isIP(base);
  const bare = address.startsWith('[') ? address.slice(1, -1) : address;
  if (family === 0 || isIP(bare) !== family) return false;
  const width = family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return false;
  const toBig = family === 4 ? v4ToBigInt : v6ToBigInt;
  return inRange(toBig(bare)!, toBig(base)!, bits, width);
}

function classifyV4(value: bigint): AddressClass {
  if (value === 0xffffffffn) return 'reserved';
  return match(value, v4Ranges, 32) ?? 'public';
}

function match(value: bigint, ranges: Range[], width: number): AddressClass | null {
  for (const range of ranges) if (inRange(value, range.base, range.bits, width)) return range.kind;
  return null;
}

function inRange(value: bigint, base: bigint, bits: number, width: number): boolean {
  const shift = BigInt(width - bits);
  return value >> shift === base >> shift;
}

function v4ToBigInt(address: string): bigint | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  let out = 0n;
  for (const part of parts) {
    const n = Number(part);
    if (!/^\d{1,3}$/.test(part) || n > 255) return null;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

function v6ToBigInt(address: string): bigint | null {
  let text = address.split('%')[0].toLowerCase();
  // A dotted IPv4 tail (`::ffff:1.2.3.4`) becomes two hextets.
  const dotted = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v4 = v4ToBigInt(dotted[2]);
    if (v4 === null) return null;
    text = `${dotted[1]}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let out = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
    out = (out << 16n) | BigInt(parseInt(group, 16));
  }
  return out;
}
