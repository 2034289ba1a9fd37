/**
 * Preloaded (`node --require`) into every process the benchmark spawns, so that SQL statements
 * and subgraph fetches are counted inside the very processes under load, without a line of
 * product code knowing about it. Plain CommonJS because it must run before tsx is registered.
 *
 * - SQL: knex's base Client#query runs every statement of every dialect (it is where knex emits
 *   its 'query' event, which the tests count); counted per database (the SQLite file's name,
 *   or the MySQL database).
 * - Fetches: POST requests to /graphql received by this process's HTTP servers.
 *
 * The parent reads and resets the counts over the IPC channel: {probe: 'read' | 'reset'}.
 */
'use strict';
const path = require('node:path');
const http = require('node:http');

const sql = Object.create(null);
let fetches = 0;

try {
  const Client = require('knex/lib/client');
  const query = Client.prototype.query;
  Client.prototype.query = function countedQuery(connection, queryParam) {
    const c = this.config && this.config.connection;
    const name = c && c.filename ? path.basename(String(c.filename), '.sqlite') : String((c && c.database) || 'db');
    sql[name] = (sql[name] || 0) + 1;
    return query.call(this, connection, queryParam);
  };
} catch {
  // A process without knex (the Hive gateway) counts fetches only.
}

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function countedEmit(event, req) {
  if (event === 'request' && req.method === 'POST' && req.url && req.url.startsWith('/graphql')) fetches++;
  return emit.apply(this, arguments);
};

if (process.send) {
  process.on('message', (msg) => {
    if (!msg || typeof msg !== 'object' || !msg.probe) return;
    if (msg.probe === 'reset') {
      for (const k of Object.keys(sql)) delete sql[k];
      fetches = 0;
    }
    process.send({ probe: msg.probe, id: msg.id, sql: { ...sql }, fetches });
  });
  // The channel must not keep a process alive once its server has closed.
  if (process.channel && process.channel.unref) process.channel.unref();
  // Nor may a process outlive the benchmark that started it, however that one ended (the IPC
  // channel's 'disconnect' is not reliable here, so the parent is looked for every second).
  const parent = process.ppid;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(0);
    }
  }, 1000).unref();
}

module.exports = {
  read: () => ({ sql: { ...sql }, fetches }),
  reset: () => {
    for (const k of Object.keys(sql)) delete sql[k];
    fetches = 0;
  },
};
