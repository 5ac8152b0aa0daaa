import { describe, expect, it } from 'vitest';
import { parseCidr } from './cidr';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['192.168.1.7', '192.168.1.7/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    [' 127.0.0.1/32 ', '127.0.0.1/32'],
    ['::/0', '::/0'],
    ['::1', '::1/128'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128'],
    ['fe80:0:0:0:0:0:0:0/10', 'fe80::/10'],
    ['::ffff:10.1.2.3/128', '::ffff:a01:203/128'],
  ])('accepts %j as %s', (input, cidr) => {
    expect(parseCidr(input)).toEqual({ ok: true, cidr });
  });

  it.each([
    ['10.0.0.0/33', /at most 32/],
    ['10.0.0.1/8', /bits set/],
    ['256.0.0.0/8', /not an IPv4/],
    ['10.0.0/8', /not an IPv4/],
    ['010.0.0.0/8', /not an IPv4/],
    ['10.0.0.0/', /number/],
    ['10.0.0.0/8/8', /not a CIDR/],
    ['2001:db8::1::/64', /not an IPv4/],
    ['2001:db8::/129', /at most 128/],
    ['example.com/24', /not an IPv4/],
    ['', /not an IPv4/],
  ])('refuses %j', (input, reason) => {
    const r = parseCidr(input);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(reason);
  });
});
