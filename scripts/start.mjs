#!/usr/bin/env node
// `npm start`: installs what is missing, then serves the board with one local worker and the
// built-in CPU demo. Plain Node with no dependencies, because it runs before `npm install`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(title, command, args, { optional = false } = {}) {
  console.log(`\n[audio-board] ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    if (optional) {
      console.warn(
        `[audio-board] ${title} failed (exit ${result.status}); the board starts anyway and shows the problem.`,
      );
      return false;
    }
    console.error(`[audio-board] ${title} failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
  return true;
}

function newestMtime(paths) {
  let newest = 0;
  const visit = (entry) => {
    if (!fs.existsSync(entry)) return;
    const stat = fs.statSync(entry);
    if (stat.isDirectory()) {
      for (const child of fs.readdirSync(entry)) visit(path.join(entry, child));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const entry of paths) visit(path.join(root, entry));
  return newest;
}

const installedMarker = path.join(root, 'node_modules', '.package-lock.json');
const lockFile = path.join(root, 'package-lock.json');
if (
  !fs.existsSync(installedMarker) ||
  fs.statSync(lockFile).mtimeMs > fs.statSync(installedMarker).mtimeMs
) {
  step('Installing npm packages (npm ci)', npm, ['ci', '--no-audit', '--no-fund']);
}

const builtIndex = path.join(root, 'dist', 'index.html');
const sources = ['src', 'index.html', 'vite.config.ts', 'public', 'server/protocol'];
if (!fs.existsSync(builtIndex) || newestMtime(sources) > fs.statSync(builtIndex).mtimeMs) {
  step('Building the web UI (vite build)', npm, ['run', 'build', '--silent']);
}

// The demo's audio is spoken by espeak-ng, a Debian package; install it when we may.
const hasEspeak = spawnSync('sh', ['-c', 'command -v espeak-ng'], { stdio: 'ignore' }).status === 0;
if (!hasEspeak) {
  const canApt =
    process.getuid?.() === 0 &&
    spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (canApt) {
    step(
      'Installing espeak-ng for the demo audio (apt-get)',
      'sh',
      ['-c', 'apt-get update -qq && apt-get install -y -qq espeak-ng'],
      {
        optional: true,
      },
    );
  } else {
    console.warn(
      '[audio-board] espeak-ng is missing, so the demo audio cannot be built: install it (Debian/Ubuntu: sudo apt-get install espeak-ng).',
    );
  }
}

const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
step(
  'Setting up the engine environment (LLaMA-Factory; cached after the first run)',
  tsx,
  ['server/engine/setup.ts'],
  {
    optional: true,
  },
);
step('Building the CPU demo model and audio data (cached)', tsx, ['tests/fixtures/ensure.ts'], {
  optional: true,
});

console.log('\n[audio-board] Starting the board and a local worker');
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', 'server/cli.ts', 'start', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 0);
