// Kill -9 under load: everything the server reported (it prints an event only after the batch
// holding it was written to the session file) must be in the reopened session, byte for byte,
// and every stored inbound byte must equal what the client sent. The session may hold more than
// was printed (a batch written but not yet printed, a connection whose open line never came out),
// so stored connections are matched to clients by what they sent, not by what was printed.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionStore } from '../../src-main/capture/store';
import { ExchangeBook } from '../../src-main/host/exchanges';
import { startServe } from './serve-child';

const home = mkdtempSync(join(tmpdir(), 'socketscope-crash-'));
after(() => rmSync(home, { recursive: true, force: true }));

const CONNECTIONS = 20;
const REQUESTS_PER_CONNECTION = 100;
const BURST = 10;

interface Client {
  socket: Socket;
  localPort: number;
  sent: Buffer[];
  received: number;
}

test('after kill -9 under load, every reported request is stored with identical bytes', async () => {
  const sessionDir = join(home, 'session');
  const serve = await startServe(['--json', '--port', '0', '--session', sessionDir], { home });
  const { port } = serve;

  const clients: Client[] = await Promise.all(
    Array.from(
      { length: CONNECTIONS },
      () =>
        new Promise<Client>((resolve) => {
          const socket = connect({ port, host: '127.0.0.1' }, () =>
            resolve({ socket, localPort: socket.localPort ?? 0, sent: [], received: 0 }),
          );
          socket.on('error', () => undefined);
        }),
    ),
  );
  for (const client of clients)
    client.socket.on('data', (chunk) => (client.received += chunk.length));

  const requestLines = (): number =>
    serve.lines().filter((line) => line.startsWith('{"type":"request"')).length;
  let stop = false;
  const load = clients.map(async (client, c) => {
    for (let i = 0; i < REQUESTS_PER_CONNECTION && !stop; i += BURST) {
      const burst: Buffer[] = [];
      for (let j = i; j < i + BURST; j++) {
        burst.push(
          Buffer.from(
            `GET /c${c}/r${j}?pad=${'x'.repeat(j % 17)} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-N: ${j}\r\n\r\n`,
          ),
        );
      }
      const bytes = Buffer.concat(burst);
      if (client.socket.destroyed) return;
      client.sent.push(bytes);
      client.socket.write(bytes);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  });
  const started = Date.now();
  while (
    requestLines() < (CONNECTIONS * REQUESTS_PER_CONNECTION) / 2 &&
    Date.now() - started < 8000
  ) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await serve.stop('SIGKILL');
  stop = true;
  await Promise.all(load);
  for (const client of clients) client.socket.destroy();

  // Only whole lines count: the last one may have been cut by the kill.
  const events = serve.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
  const reported = events.filter((e) => e.type === 'request') as {
    connectionId: string;
    index: number;
    target: string;
    span: { offset: number; length: number };
  }[];
  assert.ok(
    reported.length >= 200,
    `only ${reported.length} requests were reported before the kill`,
  );

  const book = new ExchangeBook();
  const { store, warnings } = SessionStore.open(sessionDir, {
    readOnly: true,
    onRecord: (record) => {
      if (record.kind === 'capture') book.apply(record.event, () => undefined);
    },
  });
  // Each client's requests name it (`/c<n>/`), so the first stored request line identifies the
  // connection, whatever was printed; the port the server recorded must agree when it is known.
  const clientOf = (connectionId: string): Client | null => {
    const head = Buffer.from(store.read(connectionId, 'in', 0, 16)).toString('latin1');
    const named = /^GET \/c(\d+)\//.exec(head);
    if (!named) return null;
    const client = clients[Number(named[1])];
    assert.ok(client, `${connectionId} names a client that does not exist: ${head}`);
    const remotePort = book.connections.get(connectionId)?.remotePort;
    if (remotePort !== undefined)
      assert.equal(remotePort, client.localPort, `${connectionId} came from another port`);
    return client;
  };
  try {
    for (const request of reported) {
      const exchange = book.exchanges.get(`${request.connectionId}#${request.index}`);
      assert.ok(exchange, `reported request ${request.connectionId}#${request.index} is missing`);
      assert.equal(exchange.target, request.target);
      const client = clientOf(request.connectionId);
      assert.ok(client, `reported request ${request.connectionId}#${request.index} has no client`);
      const sent = Buffer.concat(client.sent);
      const stored = Buffer.from(
        store.read(request.connectionId, 'in', request.span.offset, request.span.length),
      );
      assert.deepEqual(
        stored,
        sent.subarray(request.span.offset, request.span.offset + request.span.length),
      );
    }
    let storedBytes = 0;
    const matched = new Set<Client>();
    let foreign = 0;
    for (const connection of book.connections.values()) {
      const length = store.streamLength(connection.connectionId, 'in');
      const client = clientOf(connection.connectionId);
      if (!client) {
        // Nothing stored yet, or a connection from elsewhere on this machine: not one of ours.
        assert.ok(
          length === 0 || !clients.some((c) => c.localPort === connection.remotePort),
          `${connection.connectionId} came from a client but stored other bytes`,
        );
        foreign += length > 0 ? 1 : 0;
        continue;
      }
      assert.ok(!matched.has(client), `two connections matched one client`);
      matched.add(client);
      const stored = Buffer.from(store.read(connection.connectionId, 'in', 0, length));
      const sent = Buffer.concat(client.sent);
      assert.deepEqual(
        stored,
        sent.subarray(0, length),
        `inbound bytes of ${connection.connectionId} differ`,
      );
      storedBytes += length;
    }
    const responded = clients.reduce((sum, c) => sum + c.received, 0);
    console.log(
      `# crash: ${reported.length} requests reported, ${book.exchanges.size} stored, ` +
        `${storedBytes} inbound bytes stored, ${responded} response bytes received, ` +
        `${warnings.length} torn-record warning(s), ${foreign} connection(s) from elsewhere`,
    );
    assert.ok(book.exchanges.size >= reported.length);
  } finally {
    store.close();
  }
});
