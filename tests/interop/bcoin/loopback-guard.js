/*
 * loopback-guard.js: node's networking held to the loopback range (127.0.0.0/8, ::1, localhost). Required first by
 * launch.js, before bcoin loads; checked by guard-selftest.js (which runs it over recording fakes, so that a fault in
 * the guard could not send anything anywhere).
 *   - net.Socket#connect to a non-loopback host is never made: the socket is destroyed with ECONNREFUSED;
 *   - net.Server#listen throws unless given a loopback host (no host would mean every interface);
 *   - UDP sends to non-loopback addresses are dropped; UDP connect and bind off loopback throw;
 *   - node's dns module resolves loopback names only (lookupService of a loopback address answers 'localhost'
 *     without a query); the resolve and reverse calls throw.
 * Each refusal writes one line to stderr starting "[realpeer] refused" or "[realpeer] dropped".
 */

'use strict';

const net = require('net');
const dgram = require('dgram');
const dns = require('dns');

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

dns.lookupService = function lookupService(host, port, callback) {
  if (isLoopback(host)) {
    process.nextTick(callback, null, 'localhost', String(port));
    return;
  }
  warn(`refused DNS lookupService ${host}`);
  process.nextTick(callback, dnsRefused(host));
};
dns.promises.lookupService = async function lookupService(host, port) {
  if (isLoopback(host))
    return { hostname: 'localhost', service: String(port) };
  warn(`refused DNS lookupService ${host}`);
  throw dnsRefused(host);
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


module.exports = { isLoopback, warn, dnsRefused };
