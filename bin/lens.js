#!/usr/bin/env node
// The `lens` command: runs the compiled CLI (npm run build writes dist/).
import { main } from '../dist/cli/main.js';

// Output piped into a program that stops reading (`lens assess | head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
