import {
  addrAnswerRefusal,
  parseAge,
  parseServerAddress,
  serverOutOfService,
  stalledRequests,
} from '../../../shared/core/traffic/haproxy-answers.js';

describe("HAProxy's answers to set server … addr, as 2.6 and 3.2 give them", () => {
  it.each([
    ["no need to change the addr, no need to change the port by 'stats socket command'\n\n"],
    ["IP changed from '127.0.0.1' to '127.0.0.2', no need to change the port by 'stats socket command'\n\n"],
    ["no need to change the addr, port changed from '9002' to '9003' by 'stats socket command'\n\n"],
    ["no need to change the addr by 'stats socket command'\n\n"],
    ['nothing changed\n\n'],
    ["port changed from '9002' to '9003' by 'stats socket command'\n\n"],
    ["IP changed from '127.0.0.1' to '127.0.0.2' by 'stats socket command'\n\n"],
    ['\n\nnothing changed\n\n\n'],
  ])('accepts %p', (answer) => expect(addrAnswerRefusal(answer)).toBeUndefined());

  it.each([
    [
      "Invalid addr 'localhost' by 'stats socket command'\n\n",
      "Invalid addr 'localhost' by 'stats socket command'",
    ],
    ["Invalid addr 'localhost'\n\n", "Invalid addr 'localhost'"],
    ['No such server.\n\n', 'No such server.'],
    ['nothing changed\n\nPermission denied\n', 'Permission denied'],
  ])('refuses %p', (answer, refusal) => expect(addrAnswerRefusal(answer)).toBe(refusal));
});

describe('parseServerAddress', () => {
  it.each([
    ['10.0.0.12:8080', { host: '10.0.0.12', port: '8080' }],
    ['[::1]:9000', { host: '::1', port: '9000' }],
    ['[2001:db8::5]:443', { host: '2001:db8::5', port: '443' }],
  ])('%s', (text, parsed) => expect(parseServerAddress(text)).toEqual(parsed));

  it.each([
    'localhost:8080',
    'green.internal:80',
    '10.0.0.12',
    '10.0.0.256:80',
    '10.0.0.1:0',
    '10.0.0.1:70000',
    '[abc]:80',
    '10.0.0.1:80;help',
    '10.0.0.1:80\nshow info',
    '',
  ])('refuses %p', (text) => expect(parseServerAddress(text)).toBeUndefined());
});

describe('show sess and show stat, as 2.6.12 and 3.2.0 print them', () => {
  // Recorded from the real binaries, two requests hung on app/blue for 2 s.
  const v26 = [
    '0x563e1dca93b0: proto=tcpv4 src=127.0.0.1:60226 fe=fe be=app srv=blue ts=00 epoch=0 age=2s calls=3 rate=1 cpu=0 lat=0 rq[f=49c40000h,i=0,an=8000h,rx=,wx=,ax=] rp[f=80400000h,i=0,an=1400000h,rx=8s,wx=,ax=] scf=[8,80h,fd=12] scb=[8,11h,fd=13] exp=8s rc=0 c_exp=',
    '0x563e1ddc40e0: proto=unix_stream src=unix:1 fe=GLOBAL be=<NONE> srv=<none> ts=00 epoch=0 age=0s calls=1 rate=1 cpu=0 lat=0 rq[f=c08002h,i=0,an=00h,rx=10s,wx=,ax=] rp[f=80008002h,i=0,an=00h,rx=,wx=,ax=] scf=[8,0h,fd=17] scb=[8,1h,fd=-1] exp=9s rc=0 c_exp=',
    '0x7ff7dc042150: proto=tcpv4 src=127.0.0.1:60234 fe=fe be=app srv=blue ts=00 epoch=0 age=1m3s calls=3 rate=1 cpu=0 lat=0 rq[f=49c40000h,i=0,an=8000h,rx=,wx=,ax=] rp[f=80400000h,i=0,an=1400000h,rx=8s,wx=,ax=] scf=[8,80h,fd=14] scb=[8,11h,fd=15] exp=8s rc=0 c_exp=',
  ].join('\n');
  const v32 = [
    '0x55f07ee6e670: proto=tcpv4 src=127.0.0.1:60250 fe=fe be=app srv=blue ts=00 epoch=0 age=2s calls=3 rate=1 cpu=0 lat=0 rq[f=1840000h,i=0,an=8000h,ax=] rp[f=80000000h,i=0,an=1400000h,ax=] scf=[8,482h,fd=13,rex=,wex=] scb=[8,1411h,fd=15,rex=8s,wex=] exp=8s rc=0 c_exp=',
    '0x7fd344053170: proto=tcpv4 src=127.0.0.1:60252 fe=fe be=other srv=blue ts=00 epoch=0 age=9s calls=3 rate=1 cpu=0 lat=0 rq[f=1840000h,i=0,an=8000h,ax=] rp[f=80000000h,i=0,an=1400000h,ax=] scf=[8,482h,fd=14,rex=,wex=] scb=[8,1411h,fd=12,rex=8s,wex=] exp=8s rc=0 c_exp=',
  ].join('\n');

  it('counts requests in flight per server of one backend, at least as old as the threshold', () => {
    expect(stalledRequests(v26, 'app', 2000)).toEqual({ blue: 2 });
    expect(stalledRequests(v26, 'app', 5000)).toEqual({ blue: 1 });
    expect(stalledRequests(v32, 'app', 1500)).toEqual({ blue: 1 });
    expect(stalledRequests(v32, 'app', 3000)).toEqual({});
    expect(stalledRequests('', 'app', 1000)).toEqual({});
  });

  it("reads HAProxy's human ages", () => {
    expect([parseAge('0s'), parseAge('59s'), parseAge('1m3s'), parseAge('2h5m'), parseAge('3d1h')]).toEqual([
      0, 59_000, 63_000, 7_500_000, 262_800_000,
    ]);
    expect(parseAge('soon')).toBeUndefined();
    expect(parseAge('')).toBeUndefined();
  });

  it.each([
    ['MAINT', true],
    ['MAINT (via app/blue)', true],
    ['MAINT (resolution)', true],
    ['DOWN', true],
    ['DOWN 1/2', true],
    ['UP', false],
    ['UP 1/3', false],
    ['no check', false],
    ['DRAIN', false],
    ['NOLB', false],
  ])('status %p out of service: %p', (status, out) => expect(serverOutOfService(status)).toBe(out));
});
