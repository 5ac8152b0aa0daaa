// Which process listens on a TCP port: the listening socket's inode from
// /proc/net/tcp{,6}, then the process holding that socket among /proc/<pid>/fd,
// so a service whose port a stranger holds can say who it is.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const LISTEN = '0A';

interface Listener {
  inode: string;
  uid: number;
}

/** An address of /proc/net/tcp{,6} (host byte order words, hex) as text. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/** Whether a socket bound to `address` keeps `host` from binding the same port: the same address, or a wildcard on either side. */
function overlaps(address: string, host: string): boolean {
  const wildcard = (a: string) => a === '0.0.0.0' || a === '0:0:0:0:0:0:0:0' || a === '::';
  if (wildcard(address) || wildcard(host) || (!isIPv4(host) && !isIPv6(host))) return true;
  const family = isIPv6(host) ? 'ipv6' : 'ipv4';
  if ((isIPv6(address) ? 'ipv6' : 'ipv4') !== family) return false;
  const list = new BlockList();
  list.addAddress(host, family);
  return list.check(address, family);
}

function listeners(host: string, port: number): Listener[] {
  const found: Listener[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const [address, portHex] = (f[1] ?? '').split(':');
      if (f[3] !== LISTEN || parseInt(portHex ?? '', 16) !== port || !address || !overlaps(decodeAddress(address), host)) continue;
      found.push({ inode: f[9] ?? '', uid: Number(f[7]) });
    }
  }
  return found;
}

function processWithSocket(inode: string): number | null {
  const target = `socket:[${inode}]`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${entry}/fd/${fd}`) === target) return Number(entry);
      } catch {
        // closed meanwhile
      }
    }
  }
  return null;
}

/**
 * Who listens on `port` where `host` would bind it: `pid 1234: postgres -D /other/data`,
 * or `a process of uid 105` when its process is not ours to see; null when nothing listens.
 */
export function portHolder(host: string, port: number): string | null {
  for (const l of listeners(host, port)) {
    const pid = processWithSocket(l.inode);
    if (pid === null) return `a process of uid ${l.uid}`;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      return `pid ${pid}: ${cmd.length > 200 ? `${cmd.slice(0, 200)}…` : cmd}`;
    } catch {
      return `pid ${pid}`;
    }
  }
  return null;
}
