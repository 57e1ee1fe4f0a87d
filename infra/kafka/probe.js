#!/usr/bin/env node
'use strict';
// Is a Kafka broker up, unfenced and serving requests on host:port? Speaks the protocol itself (no
// dependencies, so that infra/kafka/kafka.sh can use it before `npm ci`): with a user and password it
// first authenticates with SASL/SCRAM-SHA-512 (RFC 5802, as Kafka implements it: KIP-84), then sends a
// Metadata v4 request and succeeds only when the answer lists at least one broker.
//
//   node probe.js <host> <port> [<user> <password>]
//   exit 0: a broker answers (and accepted the credentials); 1: nothing listens;
//        2: something listens but gives no good answer; 3: the broker refused the credentials
const net = require('node:net');
const crypto = require('node:crypto');

const [host, portText, user, password] = process.argv.slice(2);
const port = Number(portText);
const CLIENT_ID = 'probe';
const TIMEOUT_MS = 3000;

function request(apiKey, apiVersion, correlationId, body) {
  const client = Buffer.from(CLIENT_ID);
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(client.length, 8);
  const payload = Buffer.concat([header, client, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

const kafkaString = (text) => {
  const bytes = Buffer.from(text);
  const size = Buffer.alloc(2);
  size.writeInt16BE(bytes.length, 0);
  return Buffer.concat([size, bytes]);
};
const kafkaBytes = (bytes) => {
  const size = Buffer.alloc(4);
  size.writeInt32BE(bytes.length, 0);
  return Buffer.concat([size, bytes]);
};

/** A connection that answers one framed response per call of `send`. */
function connect() {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buffered = Buffer.alloc(0);
    let waiting;
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('timeout')));
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (waiting && buffered.length >= 4) {
        const size = buffered.readInt32BE(0);
        if (buffered.length >= 4 + size) {
          const frame = buffered.subarray(4, 4 + size);
          buffered = buffered.subarray(4 + size);
          const done = waiting;
          waiting = undefined;
          done.resolve(frame);
        }
      }
    });
    socket.on('error', (error) => (waiting ? waiting.reject(error) : reject(error)));
    socket.on('close', () => waiting?.reject(new Error('closed')));
    socket.on('connect', () =>
      resolve({
        send: (bytes) =>
          new Promise((res, rej) => {
            waiting = { resolve: res, reject: rej };
            socket.write(bytes);
          }),
        close: () => socket.destroy(),
      }),
    );
  });
}

const hmac = (key, text) => crypto.createHmac('sha512', key).update(text).digest();

async function authenticate(connection) {
  // SaslHandshake v1: the mechanism; then SaslAuthenticate v0 carries the SCRAM messages.
  const handshake = await connection.send(request(17, 1, 1, kafkaString('SCRAM-SHA-512')));
  if (handshake.readInt32BE(0) !== 1 || handshake.readInt16BE(4) !== 0)
    throw Object.assign(new Error('handshake'), { code: 2 });
  const nonce = crypto.randomBytes(18).toString('base64');
  const firstBare = `n=${user.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${nonce}`;
  const serverFirst = readAuthBytes(
    await connection.send(request(36, 0, 2, kafkaBytes(Buffer.from(`n,,${firstBare}`)))),
  );
  const fields = Object.fromEntries(serverFirst.split(',').map((part) => [part[0], part.slice(2)]));
  if (!fields.r?.startsWith(nonce) || !fields.s || !fields.i)
    throw Object.assign(new Error('server-first'), { code: 2 });
  const salted = crypto.pbkdf2Sync(password, Buffer.from(fields.s, 'base64'), Number(fields.i), 64, 'sha512');
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = crypto.createHash('sha512').update(clientKey).digest();
  const finalWithoutProof = `c=biws,r=${fields.r}`;
  const signature = hmac(storedKey, `${firstBare},${serverFirst},${finalWithoutProof}`);
  const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i])).toString('base64');
  readAuthBytes(await connection.send(request(36, 0, 3, kafkaBytes(Buffer.from(`${finalWithoutProof},p=${proof}`)))));
}

/** SaslAuthenticate v0 response: correlation id, error code, error message, auth bytes. */
function readAuthBytes(frame) {
  const errorCode = frame.readInt16BE(4);
  if (errorCode !== 0) throw Object.assign(new Error(`authentication failed (${errorCode})`), { code: 3 });
  const messageLength = frame.readInt16BE(6);
  const offset = 8 + Math.max(messageLength, 0);
  const length = frame.readInt32BE(offset);
  return frame.subarray(offset + 4, offset + 4 + length).toString();
}

async function main() {
  let connection;
  try {
    connection = await connect();
  } catch {
    return 1;
  }
  try {
    if (user) await authenticate(connection);
    // Metadata v4: topics null, allow_auto_topic_creation false.
    const metadata = await connection.send(request(3, 4, 0x4b41, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00])));
    if (metadata.readInt32BE(0) !== 0x4b41) return 2;
    const brokers = metadata.readInt32BE(8);
    return brokers >= 1 && brokers < 1000 ? 0 : 2;
  } catch (error) {
    return error.code ?? 2;
  } finally {
    connection.close();
  }
}

main().then((code) => process.exit(code));
