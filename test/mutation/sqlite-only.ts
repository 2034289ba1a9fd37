/**
 * Jest setup for mutation runs: integration tests run on SQLite only (test/helpers/graph.ts adds
 * MySQL when MYSQL_URL is set). Every mutant would otherwise be tested twice, once per database,
 * and the mutated modules do not depend on the SQL dialect.
 */
delete process.env.MYSQL_URL;
