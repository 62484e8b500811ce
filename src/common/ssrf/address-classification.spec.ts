import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addressInCidr, classifyAddress } from './address-classification';

describe('classifyAddress', () => {
  const cases: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link_local'],
    ['100.64.0.1', 'cgnat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['fd12:3456::1', 'unique_local'],
    ['fc00::1', 'unique_local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'link_local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['93.184.215.14', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['not-an-ip', 'invalid'],
    ['1.2.3.256', 'invalid'],
  ];
  for (const [address, expected] of cases) {
    it(`calls ${address} ${expected}`, () => assert.equal(classifyAddress(address), expected));
  }
});

describe('addressInCidr', () => {
  it('matches addresses inside a range and single addresses, per family', () => {
    assert.equal(addressInCidr('10.1.2.3', '10.0.0.0/8'), true);
    assert.equal(addressInCidr('11.1.2.3', '10.0.0.0/8'), false);
    assert.equal(addressInCidr('127.0.0.1', '127.0.0.1'), true);
    assert.equal(addressInCidr('fd00::5', 'fd00::/8'), true);
    assert.equal(addressInCidr('10.0.0.1', 'fd00::/8'), false);
    assert.equal(addressInCidr('10.0.0.1', '10.0.0.0/99'), false);
  });
});
