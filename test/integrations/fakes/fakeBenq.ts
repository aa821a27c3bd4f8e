import net from 'node:net';

/**
 * A BenQ projector's LAN control port: reads `\r*cmd#\r` frames, echoes each (`>*pow=on#`) and
 * answers `*POW=ON#` / `*POW=OFF#` / `*Block item#` / `*Illegal format#`. After `pow=on` it warms up:
 * the next `warmupQueries` state queries answer `*Block item#`. Faults apply to the next connections.
 */
export type BenqFault = 'hang' | 'drop' | 'illegal';

export interface FakeBenq {
  readonly port: number;
  readonly commands: string[];
  readonly power: () => 'off' | 'warming' | 'on';
  inject(...faults: BenqFault[]): void;
  close(): Promise<void>;
}

export async function startFakeBenq(warmupQueries = 2): Promise<FakeBenq> {
  let power: 'off' | 'warming' | 'on' = 'off';
  let warmupLeft = 0;
  const commands: string[] = [];
  const faults: BenqFault[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const fault = faults.shift();
    let buffer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const frame = /\r\*([a-z0-9=?.]+)#\r/.exec(buffer);
      if (frame === null) {
        if (buffer.length > 64) socket.end('*Illegal format#\r\n');
        return;
      }
      buffer = '';
      const cmd = frame[1]!;
      commands.push(cmd);
      if (fault === 'hang') return;
      if (fault === 'drop') {
        if (cmd === 'pow=on') start();
        socket.destroy();
        return;
      }
      socket.write(`>*${cmd}#\r\n`);
      if (fault === 'illegal') return void socket.end('*Illegal format#\r\n');
      if (cmd === 'pow=on') {
        if (power === 'warming') return void socket.end('*Block item#\r\n');
        start();
        return void socket.end('*POW=ON#\r\n');
      }
      if (cmd === 'pow=?') {
        if (power === 'warming' && warmupLeft > 0) {
          warmupLeft -= 1;
          return void socket.end('*Block item#\r\n');
        }
        if (power === 'warming') power = 'on';
        return void socket.end(power === 'on' ? '*POW=ON#\r\n' : '*POW=OFF#\r\n');
      }
      socket.end('*Illegal format#\r\n');
    });
  });
  const start = () => {
    if (power === 'off') {
      power = 'warming';
      warmupLeft = warmupQueries;
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    commands,
    power: () => power,
    inject: (...f) => {
      faults.push(...f);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
