import net from 'node:net';
import type { CallContext } from '../../actions/ports.js';
import { type BenqReply, benqFrame, parseBenqReply } from './protocol.js';

/** One command on its own TCP connection, reporting whether it was sent as well as the answer. */
export type TcpAttempt =
  | { readonly kind: 'reply'; readonly reply: BenqReply }
  | { readonly kind: 'not_sent'; readonly reason: 'unreachable' | 'deadline' }
  | { readonly kind: 'dropped' }
  | { readonly kind: 'deadline' };

const MAX_REPLY = 4096;

export function benqExchange(host: string, port: number, command: string, deadline: Date, ctx: CallContext): Promise<TcpAttempt> {
  const remaining = deadline.getTime() - ctx.clock.now().getTime();
  if (remaining <= 0 || ctx.signal.aborted) return Promise.resolve({ kind: 'not_sent', reason: 'deadline' });
  return new Promise((resolve) => {
    let sent = false;
    let received = '';
    let settled = false;
    const socket = net.connect({ host, port });
    const finish = (a: TcpAttempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', stop);
      socket.destroy();
      resolve(a);
    };
    const stop = () => finish(sent ? { kind: 'deadline' } : { kind: 'not_sent', reason: 'deadline' });
    const timer = setTimeout(stop, remaining);
    ctx.signal.addEventListener('abort', stop, { once: true });
    socket.setEncoding('latin1');
    socket.on('connect', () => {
      socket.write(benqFrame(command), () => {
        sent = true;
      });
    });
    socket.on('data', (chunk: string) => {
      received = (received + chunk).slice(-MAX_REPLY);
      const reply = parseBenqReply(received);
      if (reply !== null) finish({ kind: 'reply', reply });
    });
    socket.on('error', () => finish(sent ? { kind: 'dropped' } : { kind: 'not_sent', reason: 'unreachable' }));
    socket.on('close', () => finish(sent ? { kind: 'dropped' } : { kind: 'not_sent', reason: 'unreachable' }));
  });
}
