// The choice of the standby a failover promotes (docs/design/ha.md §4.5), rule by rule.
import { describe, expect, it } from 'vitest';
import { chooseCandidate, compareLsn, lsnDiff, type CandidateInput, type Choice } from './candidates';

const sb = (node: string, seq: number, receiveLsn: string | null, replayLsn: string | null = receiveLsn,
  more: Partial<CandidateInput> = {}): CandidateInput => ({ node, seq, state: 'running', answered: true, receiveLsn, replayLsn, ...more });

const cases: [string, CandidateInput[], 'off' | 'quorum', Choice][] = [
  ['the highest receive LSN wins', [sb('n1', 1, '0/3000000'), sb('n2', 2, '0/3000100')], 'off',
    { kind: 'promote', node: 'n2', receiveLsn: '0/3000100' }],
  ['a syncing standby is never eligible, however far it got', [sb('n1', 1, '0/3000000'), sb('n2', 2, '0/9000000', null, { state: 'syncing_data' })], 'off',
    { kind: 'promote', node: 'n1', receiveLsn: '0/3000000' }],
  ['nor one setting up or leaving', [sb('n2', 2, '0/1', '0/1', { state: 'setting_up_vm' }), sb('n3', 3, '0/1', '0/1', { state: 'leaving' })], 'off',
    { kind: 'none', reason: 'no standby can take over: n2 is setting_up_vm, n3 is leaving' }],
  ['a syncing standby alone: none, named', [sb('n2', 2, null, null, { state: 'syncing_data' })], 'off',
    { kind: 'none', reason: 'no standby can take over: n2 is syncing_data' }],
  ['no standby at all', [], 'quorum', { kind: 'none', reason: 'no standby can take over: the service has no standby' }],
  ['quorum: a silent running standby holds, even when another answered', [sb('n1', 1, '0/5'), sb('n2', 2, null, null, { answered: false })], 'quorum',
    { kind: 'hold', reason: 'waiting for n2 to answer', waitingFor: ['n2'] }],
  ['quorum: a silent standby that is not running does not hold', [sb('n1', 1, '0/5'), sb('n2', 2, null, null, { answered: false, state: 'syncing_data' })], 'quorum',
    { kind: 'promote', node: 'n1', receiveLsn: '0/5' }],
  ['off: a silent standby (maybe dead) is passed over', [sb('n1', 1, '0/5'), sb('n2', 2, '0/9', '0/9', { answered: false })], 'off',
    { kind: 'promote', node: 'n1', receiveLsn: '0/5' }],
  ['off: every running standby silent', [sb('n1', 1, null, null, { answered: false })], 'off',
    { kind: 'none', reason: 'no standby can take over: n1 did not answer' }],
  ['same LSNs: the lowest seq', [sb('n3', 3, '0/5'), sb('n2', 2, '0/5'), sb('n4', 4, '0/5')], 'off',
    { kind: 'promote', node: 'n2', receiveLsn: '0/5' }],
  ['same receive LSN: the highest replay LSN before the seq', [sb('n1', 1, '0/9', '0/5'), sb('n2', 2, '0/9', '0/7')], 'off',
    { kind: 'promote', node: 'n2', receiveLsn: '0/9' }],
  ['a receive LSN below the replay LSN is raised to it', [sb('n1', 1, '0/8', '0/8'), sb('n2', 2, '0/2', '0/9')], 'off',
    { kind: 'promote', node: 'n2', receiveLsn: '0/9' }],
  ['a null receive LSN counts as the replay LSN', [sb('n1', 1, '0/8', '0/8'), sb('n2', 2, null, '0/9')], 'off',
    { kind: 'promote', node: 'n2', receiveLsn: '0/9' }],
  ['a standby with no position at all is not promoted', [sb('n1', 1, null, null)], 'off',
    { kind: 'none', reason: 'no standby can take over: n1 reported no WAL position' }],
  ['LSNs above 2^32 compare as 64 bits', [sb('n1', 1, '9/FFFFFFFF'), sb('n2', 2, 'A/0')], 'off',
    { kind: 'promote', node: 'n2', receiveLsn: 'A/0' }],
];

describe('chooseCandidate', () => {
  it.each(cases)('%s', (_, standbys, mode, expected) => {
    expect(chooseCandidate(standbys, mode)).toEqual(expected);
  });
});

describe('LSNs', () => {
  it('compare and subtract as 64-bit numbers, in either case of hex', () => {
    expect(compareLsn('A/0', '9/FFFFFFFF')).toBe(1);
    expect(compareLsn('16/b374d848', '16/B374D848')).toBe(0);
    expect(compareLsn('0/10', '0/9')).toBe(1);
    expect(lsnDiff('A/0', '9/FFFFFFFF')).toBe(1n);
    expect(lsnDiff('0/0', 'FFFFFFFF/FFFFFFFF')).toBe(-(2n ** 64n - 1n));
  });

  it('refuse what is not an LSN', () => {
    expect(() => compareLsn('16B374D848', '0/0')).toThrow('not an LSN: 16B374D848');
  });
});
