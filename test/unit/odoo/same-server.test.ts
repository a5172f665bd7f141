import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopback, sameServer } from '../../../src/odoo/same-server.ts';

test('localhost, 127.0.0.1 and [::1] on the same scheme and port are one server', () => {
  assert.equal(sameServer('http://127.0.0.1:8169', 'http://localhost:8169/web'), true);
  assert.equal(sameServer('http://localhost:8169', 'http://[::1]:8169'), true);
  assert.equal(sameServer('http://127.0.0.2:80', 'http://localhost'), true);
  assert.equal(sameServer('https://shop.example.com', 'https://shop.example.com:443/odoo'), true);
});

test('another port, scheme or host is another server, and garbage is never the same', () => {
  assert.equal(sameServer('http://127.0.0.1:8169', 'http://localhost:8069'), false);
  assert.equal(sameServer('http://localhost:8169', 'https://localhost:8169'), false);
  assert.equal(sameServer('http://localhost:8169', 'http://192.168.1.10:8169'), false);
  assert.equal(sameServer('https://a.example.com', 'https://b.example.com'), false);
  assert.equal(sameServer('not a url', 'not a url'), false);
  assert.equal(sameServer('http://localhost.evil.com:8169', 'http://localhost:8169'), false);
});

test('loopback host names', () => {
  for (const host of ['localhost', 'LOCALHOST', 'hub.localhost', '127.0.0.1', '127.255.0.9', '[::1]', 'localhost.']) assert.equal(isLoopback(host), true, host);
  for (const host of ['localhost.evil.com', '128.0.0.1', '10.0.0.1', '[::2]', '127.0.0.1.nip.io', '']) assert.equal(isLoopback(host), false, host);
});
