// Preloaded into a child process (node --require): on exit, writes its peak resident set size
// (kilobytes) to stderr as `MAXRSS <kB>`, for tests that bound a command's memory.
process.on('exit', () => process.stderr.write(`\nMAXRSS ${process.resourceUsage().maxRSS}\n`));
