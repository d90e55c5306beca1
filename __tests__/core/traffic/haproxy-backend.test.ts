import {
  parseStat,
  servedSplit,
  serverCounts,
  serversOf,
  splitRefusal,
  weightCommands,
} from '../../../shared/core/traffic/haproxy-backend.js';

// The shape of `show stat` as HAProxy 2.6 and 3.2 print it, cut to the columns read.
const STAT = [
  '# pxname,svname,status,weight,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,econ,eresp',
  'app,FRONTEND,OPEN,,0,0,0,0,0,0,,',
  'app,blue,UP,90,0,180,0,2,3,0,0,0',
  'app,green,UP,10,0,15,0,0,1,0,2,1',
  'app,spare,MAINT,0,0,0,0,0,0,0,0,0',
  'app,BACKEND,UP,100,0,195,0,2,4,0,2,1',
  'other,x,UP,1,0,0,0,0,0,0,0,0',
].join('\n');
const servers = serversOf(parseStat(STAT), 'app');

it("serversOf keeps one backend's servers, not its summary rows", () => {
  expect(servers.map((s) => s['svname'])).toEqual(['blue', 'green', 'spare']);
});

describe('servedSplit', () => {
  it('reads the weights users get; a server out of service gets nothing', () => {
    expect(servedSplit(servers, '90 (initial 1)\n10 (initial 1)\n50 (initial 1)\n')).toEqual({
      blue: 90,
      green: 10,
    });
  });
  it('refuses an answer with fewer weights than servers', () => {
    expect(() => servedSplit(servers, '90 (initial 1)\nNo such server.\n')).toThrow(
      /answered get weight unexpectedly/,
    );
  });
});

describe('splitRefusal', () => {
  it.each([
    [{ blue: 50, green: 50 }, undefined],
    [{ blue: 50, red: 50 }, "backend 'app' has no server red (it has blue, green, spare)"],
    [{ blue: 50, spare: 50 }, /HAProxy server app\/spare is MAINT: it takes no traffic at any weight/],
    [{ blue: 100, spare: 0 }, undefined],
  ])('%j', (target, refusal) => {
    const said = splitRefusal('app', servers, target);
    if (refusal instanceof RegExp) expect(said).toMatch(refusal);
    else expect(said).toBe(refusal);
  });
});

it('weightCommands raise before they lower, so no instant has every server at 0', () => {
  expect(weightCommands('app', servers, { green: 100 })).toEqual([
    'set weight app/green 100',
    'set weight app/blue 0',
    'set weight app/spare 0',
  ]);
});

it('serverCounts counts a failure to answer as a failed request', () => {
  expect(serverCounts(servers[1]!, undefined)).toEqual({ requests: 19, errors5xx: 4 });
  expect(serverCounts(servers[1]!, 3)).toEqual({ requests: 19, errors5xx: 4, stalled: 3 });
});
