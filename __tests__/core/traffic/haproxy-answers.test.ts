import { addrAnswerRefusal, parseServerAddress } from '../../../shared/core/traffic/haproxy-answers.js';

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
