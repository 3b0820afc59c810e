#!/usr/bin/env node
/*
 * launch.js: runs bcoin 1.0.2 as a full node for ActorNode's interop tests, held to the loopback range.
 *
 * Usage: node launch.js --network=regtest --memory=true --port=P --http-port=R ... (bcoin's own flags; a flag on the
 * command line overrides the defaults below). Run ./setup.sh first. Facts behind each choice: docs/interop.md.
 *
 * The guard (loopback-guard.js, installed before bcoin is loaded; guard-selftest.js checks it):
 *   - net.Socket#connect to anything but 127.0.0.0/8, ::1 or "localhost" is never made: the socket is destroyed with
 *     an error and a warning goes to stderr;
 *   - net.Server#listen throws unless it is given a loopback host (a missing host would mean every interface);
 *   - UDP sends to non-loopback addresses are dropped, UDP connect/bind to them refused;
 *   - node's dns module resolves loopback names only; bcoin's bdns module (external IP discovery, DNS seeds) throws;
 *   - bcoin's Pool#discoverExternal and Pool#discoverGateway do nothing, and Pool#getHost hands out loopback
 *     addresses only (a peer may gossip any address in `addr`);
 *   - seeds [] and nodes [] (regtest's built-in seed would make bcoin dial 127.0.0.1:48444 for ever), upnp off.
 *
 * Our own flags:
 *   --realpeer-exit-on-stdin-close=true: exit when standard input closes, so that a test process that dies without
 *     cleaning up does not leave bcoin running.
 *   --realpeer-forget-bans=true: bcoin bans the IP of a peer whose ban score reaches 100 for 24 hours, and on
 *     loopback that IP is 127.0.0.1, i.e. every later local peer. With the flag a ban still disconnects the peer
 *     but is not remembered. Ban score increases and bans are always written to stderr as lines starting
 *     "[realpeer] ban-score" and "[realpeer] ban", so that a test can see that its node never misbehaved.
 */

'use strict';

// Before anything else, so that nothing bcoin loads can reach past loopback.
const { isLoopback, warn, dnsRefused } = require('./loopback-guard');

const path = require('path');

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
const watchStdin = /^(true|1|yes)$/i.test(flag('realpeer-exit-on-stdin-close') || '');

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
for (const name of ['getIPv4', 'getIPv6', 'resolve', 'reverse']) {
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

// getpeerinfo names each peer by a reverse lookup: answered here for loopback, with no query at all.
bdns.lookupService = async (host, port) => {
  if (isLoopback(host))
    return { hostname: 'localhost', service: String(port) };
  warn(`refused bdns.lookupService ${host}`);
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
if (watchStdin) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

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
