#!/usr/bin/env node
/*
 * guard-selftest.js: checks loopback-guard.js without touching the network. Recording fakes replace node's
 * net/dgram/dns entry points first, so the guard wraps fakes: a call the guard lets through is recorded, never
 * made. Prints "guard self-test: N checks passed" and exits 0, or lists the failures and exits 1.
 */

'use strict';

const net = require('net');
const dgram = require('dgram');
const dns = require('dns');

const calls = [];
net.Socket.prototype.connect = function (...args) { calls.push(['connect', args]); return this; };
net.Server.prototype.listen = function (...args) { calls.push(['listen', args]); return this; };
dgram.Socket.prototype.send = function (...args) { calls.push(['udp-send', args]); };
dgram.Socket.prototype.connect = function (...args) { calls.push(['udp-connect', args]); };
dgram.Socket.prototype.bind = function (...args) { calls.push(['udp-bind', args]); return this; };
dns.lookup = function (...args) { calls.push(['lookup', args]); };

process.stderr.write = () => true; // the guard's warnings are expected here
const { isLoopback } = require('./loopback-guard');

const failures = [];
let checks = 0;
function check(ok, what) {
  checks++;
  if (!ok) failures.push(what);
}
function passes(kind, action, what) {
  const before = calls.length;
  let threw = null;
  try { action(); } catch (e) { threw = e; }
  check(threw === null && calls.length === before + 1 && calls[before][0] === kind, `${what} should pass through`);
}
function blocked(action, what) {
  const before = calls.length;
  try { action(); } catch (e) { /* refusing by throwing is fine */ }
  check(calls.length === before, `${what} should be blocked`);
}
function throws(action, what) {
  const before = calls.length;
  let threw = false;
  try { action(); } catch (e) { threw = true; }
  check(threw && calls.length === before, `${what} should throw`);
}

for (const host of ['127.0.0.1', '127.5.6.7', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST'])
  check(isLoopback(host), `${host} is loopback`);
for (const host of ['128.0.0.1', '10.0.0.1', '192.168.1.1', '8.8.8.8', '::', '0.0.0.0', '', undefined, null,
  '::ffff:8.8.8.8', 'localhost.example.com', 'example.com', '127.0.0.1.example.com', '::2'])
  check(!isLoopback(host), `${host} is not loopback`);

// TCP connect
const refusals = [];
function socket() {
  const s = new net.Socket();
  s.on('error', e => refusals.push(e.code));
  return s;
}
blocked(() => socket().connect(8333, '192.0.2.1'), 'connect(8333, 192.0.2.1)');
blocked(() => socket().connect({ host: '8.8.8.8', port: 53 }), 'connect({host: 8.8.8.8})');
blocked(() => socket().connect(80, 'example.com'), 'connect(80, example.com)');
blocked(() => socket().connect({ host: '::', port: 1 }), 'connect({host: ::})');
blocked(() => socket().connect([{ host: '1.2.3.4', port: 1 }]), 'connect([{host: 1.2.3.4}])');
passes('connect', () => socket().connect(48444, '127.0.0.1'), 'connect(48444, 127.0.0.1)');
passes('connect', () => socket().connect({ host: '::1', port: 1 }), 'connect({host: ::1})');
passes('connect', () => socket().connect({ port: 1 }), 'connect({port}) (node defaults to localhost)');
passes('connect', () => socket().connect(1), 'connect(port)');

// TCP listen
throws(() => new net.Server().listen(0), 'listen(0) on every interface');
throws(() => new net.Server().listen(0, '0.0.0.0'), 'listen(0, 0.0.0.0)');
throws(() => new net.Server().listen({ port: 0, host: '::' }), 'listen({host: ::})');
throws(() => new net.Server().listen({ port: 0 }), 'listen({port: 0})');
throws(() => new net.Server().listen({ fd: 3 }), 'listen({fd})');
passes('listen', () => new net.Server().listen(0, '127.0.0.1'), 'listen(0, 127.0.0.1)');
passes('listen', () => new net.Server().listen({ port: 0, host: '::1' }), 'listen({host: ::1})');

// UDP
const udp = dgram.createSocket('udp4');
blocked(() => udp.send(Buffer.alloc(1), 53, '208.67.222.222'), 'udp send to 208.67.222.222');
blocked(() => udp.send(Buffer.alloc(4), 0, 4, 53, '8.8.8.8'), 'udp send(buf, offset, length, 53, 8.8.8.8)');
blocked(() => udp.send('x', 1900, '239.255.255.250'), 'udp send to the UPnP multicast group');
passes('udp-send', () => udp.send(Buffer.alloc(1), 9, '127.0.0.1'), 'udp send to 127.0.0.1');
throws(() => udp.bind(), 'udp bind() on every interface');
throws(() => udp.bind(0, '0.0.0.0'), 'udp bind(0, 0.0.0.0)');
passes('udp-bind', () => udp.bind(0, '127.0.0.1'), 'udp bind(0, 127.0.0.1)');
throws(() => udp.connect(53, '8.8.8.8'), 'udp connect to 8.8.8.8');

// DNS
const dnsErrors = [];
blocked(() => dns.lookup('example.com', (err) => dnsErrors.push(err && err.code)), 'dns.lookup(example.com)');
passes('lookup', () => dns.lookup('localhost', () => {}), 'dns.lookup(localhost)');
blocked(() => dns.resolve4('myip.opendns.com', (err) => dnsErrors.push(err && err.code)), 'dns.resolve4');
blocked(() => dns.reverse('8.8.8.8', (err) => dnsErrors.push(err && err.code)), 'dns.reverse');
blocked(() => new dns.Resolver().resolve4('seed.example', (err) => dnsErrors.push(err && err.code)), 'Resolver#resolve4');
blocked(() => dns.lookupService('8.8.8.8', 53, (err) => dnsErrors.push(err && err.code)), 'dns.lookupService(8.8.8.8)');
let serviceName = null;
dns.lookupService('127.0.0.1', 80, (err, host) => { serviceName = host; });

setImmediate(async () => {
  let promiseRefused = false;
  try { await dns.promises.lookup('example.com'); } catch (e) { promiseRefused = e.code === 'ENOTFOUND'; }
  check(promiseRefused, 'dns.promises.lookup(example.com) should be refused');
  check(refusals.length === 5 && refusals.every(c => c === 'ECONNREFUSED'),
    `every blocked connect should end in ECONNREFUSED (got ${refusals.join(',')})`);
  check(dnsErrors.length === 5 && dnsErrors.every(c => c === 'ENOTFOUND'),
    `every blocked DNS call should end in ENOTFOUND (got ${dnsErrors.join(',')})`);
  check(serviceName === 'localhost', 'lookupService(127.0.0.1) should answer localhost without a query');
  const out = msg => process.stdout.write(`${msg}\n`);
  if (failures.length > 0) {
    out(`guard self-test: ${failures.length} of ${checks} checks failed:`);
    for (const f of failures) out(`  ${f}`);
    process.exit(1);
  }
  out(`guard self-test: ${checks} checks passed`);
  process.exit(0);
});
