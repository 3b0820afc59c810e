#!/usr/bin/env node
/*
 * launch.js: runs bcoin 1.0.2 as a full node for ActorNode's interop tests, held to the loopback range.
 *
 * Usage: node launch.js --network=regtest --memory=true --port=P --http-port=R ... (bcoin's own flags; a flag on the
 * command line overrides the defaults below). Run ./setup.sh first. Facts behind each choice: docs/interop.md.
 *
 * The guard (installed before bcoin is loaded):
 *   - net.Socket#connect to anything but 127.0.0.0/8, ::1 or "localhost" is never made: the socket is destroyed with
 *     an error and a warning goes to stderr;
 *   - net.Server#listen throws unless it is given a loopback host (a missing host would mean every interface);
 *   - UDP sends to non-loopback addresses are dropped, UDP connect/bind to them refused;
 *   - node's dns module resolves loopback names only; bcoin's bdns module (external IP discovery, DNS seeds) throws;
 *   - bcoin's Pool#discoverExternal and Pool#discoverGateway do nothing, and Pool#getHost hands out loopback
 *     addresses only (a peer may gossip any address in `addr`);
 *   - seeds [] and nodes [] (regtest's built-in seed would make bcoin dial 127.0.0.1:48444 for ever), upnp off.
 *
 * Our own flag: --realpeer-forget-bans=true. bcoin bans the IP of a peer whose ban score reaches 100 for 24 hours,
 * and on loopback that IP is 127.0.0.1, i.e. every later local peer. With the flag a ban still disconnects the peer
 * but is not remembered. Ban score increases and bans are always written to stderr as lines starting
 * "[realpeer] ban-score" and "[realpeer] ban", so a test can see that its node never misbehaved.
 */

'use strict';

const path = require('path');
const net = require('net');
const dgram = require('dgram');
const dns = require('dns');

// ---- Flags of our own ---------------------------------------------------------------------------------------------

function flag(name) {
  const prefix = `--${name}=`;
  for (const arg of process.argv) {
    if (arg === `--${name}`)
      return 'true';
    if (arg.startsWith(prefix))
      return arg.substring(prefix.length);
  }
  return null;
}

const forgetBans = /^(true|1|yes)$/i.test(flag('realpeer-forget-bans') || '');

function warn(msg) {
  process.stderr.write(`[realpeer] ${msg}\n`);
}

// ---- Loopback test -------------------------------------------------------------------------------------------------

function isLoopback(host) {
  if (typeof host !== 'string' || host.length === 0)
    return false;
  let h = host.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']'))
    h = h.substring(1, h.length - 1);
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1')
    return true;
  if (h.startsWith('::ffff:'))
    h = h.substring(7);
  return net.isIPv4(h) && h.split('.')[0] === '127';
}

// ---- net: no connection, no listener off loopback ------------------------------------------------------------------

const socketConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  let options = args[0];
  if (Array.isArray(options))
    options = options[0];
  let host;
  let ipc = false;
  if (options !== null && typeof options === 'object') {
    host = options.host;
    ipc = typeof options.path === 'string';
  } else if (typeof options === 'string' && !/^\d+$/.test(options)) {
    ipc = true; // a pipe path
  } else {
    host = typeof args[1] === 'string' ? args[1] : undefined;
  }
  if (host === undefined && !ipc)
    host = 'localhost'; // node's own default
  if (!ipc && !isLoopback(host)) {
    warn(`refused outbound TCP connection to ${host} (not loopback)`);
    const err = new Error(`realpeer guard: connection to ${host} refused (not loopback)`);
    err.code = 'ECONNREFUSED';
    process.nextTick(() => this.destroy(err));
    return this;
  }
  return socketConnect.apply(this, args);
};

const serverListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listen(...args) {
  const first = args[0];
  let host;
  let ipc = false;
  if (first !== null && typeof first === 'object' && !(first instanceof net.Server)) {
    if (first._handle || first.fd !== undefined) {
      ipc = false; // an inherited handle: refuse, we cannot tell where it listens
    } else if (typeof first.path === 'string') {
      ipc = true;
    } else {
      host = first.host;
    }
  } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
    ipc = true;
  } else {
    host = typeof args[1] === 'string' ? args[1] : undefined;
  }
  if (!ipc && !isLoopback(host))
    throw new Error(`realpeer guard: listen on ${host === undefined ? 'every interface' : host} refused (not loopback)`);
  return serverListen.apply(this, args);
};

// ---- UDP: nothing leaves for another address -----------------------------------------------------------------------

const udpSend = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function send(...args) {
  // send(msg[, offset, length][, port][, address][, callback])
  let i = 1;
  if (typeof args[1] === 'number' && typeof args[2] === 'number' && typeof args[3] === 'number')
    i = 3; // offset, length, then port
  const address = typeof args[i + 1] === 'string' ? args[i + 1] : undefined;
  if (address !== undefined && !isLoopback(address)) {
    warn(`dropped UDP datagram to ${address} (not loopback)`);
    const callback = args.find(a => typeof a === 'function');
    if (callback)
      process.nextTick(callback, null, 0);
    return undefined;
  }
  return udpSend.apply(this, args);
};

const udpConnect = dgram.Socket.prototype.connect;
dgram.Socket.prototype.connect = function connect(port, address, ...rest) {
  if (typeof address !== 'string' || !isLoopback(address))
    throw new Error(`realpeer guard: UDP connect to ${address} refused (not loopback)`);
  return udpConnect.call(this, port, address, ...rest);
};

const udpBind = dgram.Socket.prototype.bind;
dgram.Socket.prototype.bind = function bind(...args) {
  const first = args[0];
  const address = first !== null && typeof first === 'object' ? first.address
    : typeof args[1] === 'string' ? args[1] : undefined;
  if (!isLoopback(address))
    throw new Error(`realpeer guard: UDP bind on ${address === undefined ? 'every interface' : address} refused`);
  return udpBind.apply(this, args);
};

// ---- DNS: loopback names only --------------------------------------------------------------------------------------

function dnsRefused(name) {
  const err = new Error(`realpeer guard: DNS query for ${name} refused`);
  err.code = 'ENOTFOUND';
  return err;
}

const dnsLookup = dns.lookup;
dns.lookup = function lookup(hostname, ...rest) {
  if (isLoopback(hostname))
    return dnsLookup.call(this, hostname, ...rest);
  warn(`refused DNS lookup of ${hostname}`);
  const callback = rest.find(a => typeof a === 'function');
  process.nextTick(callback, dnsRefused(hostname));
  return undefined;
};

const dnsPromiseLookup = dns.promises.lookup;
dns.promises.lookup = async function lookup(hostname, ...rest) {
  if (isLoopback(hostname))
    return dnsPromiseLookup.call(this, hostname, ...rest);
  warn(`refused DNS lookup of ${hostname}`);
  throw dnsRefused(hostname);
};

for (const name of Object.keys(dns)) {
  if (/^(resolve|reverse)/.test(name) && typeof dns[name] === 'function') {
    dns[name] = function refused(host, ...rest) {
      warn(`refused DNS query ${name} ${host}`);
      const callback = rest.find(a => typeof a === 'function');
      if (callback)
        process.nextTick(callback, dnsRefused(host));
    };
  }
}

const origResolver = dns.Resolver;
dns.Resolver = class GuardedResolver extends origResolver {
  setServers() {}
};
for (const name of Object.getOwnPropertyNames(origResolver.prototype)) {
  if (/^(resolve|reverse)/.test(name)) {
    dns.Resolver.prototype[name] = function refused(host, ...rest) {
      warn(`refused DNS query ${name} ${host}`);
      const callback = rest.find(a => typeof a === 'function');
      if (callback)
        process.nextTick(callback, dnsRefused(host));
    };
  }
}

// ---- bcoin ---------------------------------------------------------------------------------------------------------

const bcoinDir = path.dirname(require.resolve('bcoin/package.json', { paths: [__dirname] }));
const fromBcoin = id => require(require.resolve(id, { paths: [bcoinDir] }));

// bdb requires leveldown when it loads, even for in-memory databases; setup.sh guards that require. Check it here
// so that a missing setup step gives one clear line rather than a stack trace.
try {
  fromBcoin('bdb');
} catch (e) {
  process.stderr.write(`[realpeer] bcoin cannot load its database module (run ./setup.sh): ${e.message}\n`);
  process.exit(2);
}

const bdns = fromBcoin('bdns');
for (const name of ['getIPv4', 'getIPv6', 'resolve', 'reverse', 'lookupService']) {
  bdns[name] = async (host) => {
    warn(`refused bdns.${name}${host ? ' ' + host : ''}`);
    throw dnsRefused(host || name);
  };
}
const bdnsLookup = bdns.lookup;
bdns.lookup = async function lookup(host, ...rest) {
  if (isLoopback(host))
    return bdnsLookup.call(this, host, ...rest);
  warn(`refused bdns.lookup ${host}`);
  throw dnsRefused(host);
};

const Pool = require(path.join(bcoinDir, 'lib/net/pool'));
Pool.prototype.discoverExternal = async function discoverExternal() {};
Pool.prototype.discoverGateway = async function discoverGateway() { return false; };
const poolGetHost = Pool.prototype.getHost;
Pool.prototype.getHost = function getHost() {
  const addr = poolGetHost.call(this);
  if (addr && !isLoopback(addr.host))
    return null;
  return addr;
};

const Peer = require(path.join(bcoinDir, 'lib/net/peer'));
const increaseBan = Peer.prototype.increaseBan;
Peer.prototype.increaseBan = function (score) {
  warn(`ban-score ${this.hostname()} +${score} (total ${this.banScore + score})`);
  return increaseBan.call(this, score);
};

const HostList = require(path.join(bcoinDir, 'lib/net/hostlist'));
const hostListBan = HostList.prototype.ban;
HostList.prototype.ban = function ban(host) {
  if (forgetBans) {
    warn(`ban ${host} (disconnected, not remembered: --realpeer-forget-bans)`);
    return;
  }
  warn(`ban ${host} (for ${this.options.banTime} s)`);
  hostListBan.call(this, host);
};

const FullNode = require(path.join(bcoinDir, 'lib/node/fullnode'));

const node = new FullNode({
  // Defaults; every one can be overridden on the command line.
  network: 'regtest',
  memory: true,
  workers: false,
  listen: true,
  host: '127.0.0.1',
  publicHost: '127.0.0.1',
  httpHost: '127.0.0.1',
  walletHttpHost: '127.0.0.1',
  seeds: [],
  nodes: [],
  upnp: false,
  indexTx: true,
  // Only the command line counts: no bcoin.conf, no BCOIN_* variables, the log on stdout only.
  config: false,
  argv: true,
  env: false,
  logFile: false,
  logConsole: true,
  logLevel: 'info',
  loader: require
});

if (!node.config.bool('no-wallet') && !node.has('walletdb'))
  node.use(require(path.join(bcoinDir, 'lib/wallet/plugin')));

// Seeds and nodes given on the command line are allowed, but only loopback ones.
for (const host of node.pool.hosts.options.seeds.concat(node.config.array('nodes') || [])) {
  const name = String(host).replace(/:\d+$/, '');
  if (!isLoopback(name)) {
    warn(`refusing to start: seed or node ${host} is not loopback`);
    process.exit(2);
  }
}

process.on('unhandledRejection', (err) => {
  throw err;
});

function stop() {
  node.close().then(() => process.exit(0), () => process.exit(1));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

(async () => {
  await node.ensure();
  await node.open();
  await node.connect();
  node.startSync();
  warn(`ready: p2p ${node.pool.options.host}:${node.pool.options.port}, forget-bans ${forgetBans}`);
})().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
