#!/usr/bin/env node
// The `herald` command: runs the compiled CLI (`npm run build` produces dist/).
import '../dist/cli/main.js';
