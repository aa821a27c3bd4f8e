/**
 * BenQ projector network control (RS-232 commands over TCP port 8000): a command is framed
 * `\r*<cmd>#\r`; the projector echoes it (`*pow=on#`, lower case) and answers in upper case
 * (`*POW=ON#`, `*POW=OFF#`) or with `*Block item#` (not accepted now: warming up, cooling down) or
 * `*Illegal format#`.
 */
export type BenqReply = { readonly kind: 'power'; readonly on: boolean } | { readonly kind: 'blocked' } | { readonly kind: 'illegal' };

/**
 * @example
 * benqFrame('pow=on'); // '\r*pow=on#\r'
 */
export function benqFrame(command: string): string {
  return `\r*${command}#\r`;
}

/**
 * The projector's answer in what it has sent so far, or null while only the echo (or nothing) has
 * arrived. The echo is lower case and the answer upper case, so the echo of `pow=on` is never read
 * as the answer.
 *
 * @example
 * parseBenqReply('>*pow=?#\r\n*POW=OFF#\r\n'); // { kind: 'power', on: false }
 * parseBenqReply('>*pow=on#\r\n');             // null
 */
export function parseBenqReply(received: string): BenqReply | null {
  const power = /\*POW=(ON|OFF)#/.exec(received);
  if (power !== null) return { kind: 'power', on: power[1] === 'ON' };
  if (/\*block item#/i.test(received)) return { kind: 'blocked' };
  if (/\*illegal format#/i.test(received)) return { kind: 'illegal' };
  return null;
}
