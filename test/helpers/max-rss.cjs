// Preloaded into a child process (node --require): on exit, writes its peak resident set size
// (kilobytes) to stderr as `MAXRSS <kB>`, for tests that bound a command's memory. Linux's
// VmHWM, not getrusage's maxRSS: that one survives fork and exec, so a child spawned by a large
// test process would report the parent's size.
const fs = require('node:fs');

process.on('exit', () => {
  let kb = process.resourceUsage().maxRSS;
  try {
    kb = Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]);
  } catch {
    // Not Linux: getrusage's figure.
  }
  process.stderr.write(`\nMAXRSS ${kb}\n`);
});
