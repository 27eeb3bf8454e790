'use strict';
/**
 * Redis and PostgreSQL for the queue-mode test: installed from Debian packages when missing, each
 * started in the foreground as our own child process (its own process group, see
 * scripts/n8n/processes.js), bound to 127.0.0.1 on a free port, with its data in a temporary
 * folder. Stopped by PID (process group) on stop() and at process exit; nothing is killed by name.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { spawnTracked, stopTracked, runCommand, freePort, onExit } = require('../../scripts/n8n/processes');

const PG_ROOT = '/usr/lib/postgresql';
/** initdb and postgres refuse to run as root; Debian's postgresql package creates this user. */
const PG_USER = 'postgres';
const DB_USER = 'n8n';
const DB_NAME = 'n8n';

function pgBinDir() {
	if (!fs.existsSync(PG_ROOT)) return undefined;
	const versions = fs
		.readdirSync(PG_ROOT)
		.filter((v) => fs.existsSync(path.join(PG_ROOT, v, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(PG_ROOT, versions[0], 'bin') : undefined;
}

function redisBin() {
	for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
		if (fs.existsSync(candidate)) return candidate;
	}
	return undefined;
}

function onPath(command) {
	return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

/** apt-get install of whatever is missing (apt-get update first only when the install fails). */
async function ensurePackages(log) {
	const missing = [];
	if (!redisBin()) missing.push('redis-server');
	if (!pgBinDir()) missing.push('postgresql');
	// ffprobe decodes the downloaded MP4s (.ci/run installs it too, for the e2e suite).
	if (!onPath('ffprobe')) missing.push('ffmpeg');
	if (missing.length === 0) return { installed: [], ms: 0 };
	const started = Date.now();
	if (process.getuid?.() !== 0)
		throw new Error(
			`${missing.join(' and ')} missing; install as root: apt-get install -y --no-install-recommends ${missing.join(' ')}`,
		);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const install = () =>
		runCommand('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
			env,
			timeoutMs: 10 * 60_000,
			echo: '[apt] ',
		});
	log(`installing ${missing.join(', ')} from Debian packages`);
	let result = await install();
	if (result.code !== 0) {
		log('apt-get install failed; running apt-get update and trying again');
		await runCommand('apt-get', ['update', '-qq'], { env, timeoutMs: 5 * 60_000, echo: '[apt] ' });
		result = await install();
	}
	if (result.code !== 0 || !redisBin() || !pgBinDir() || !onPath('ffprobe'))
		throw new Error(
			`apt-get install ${missing.join(' ')} failed (exit ${result.code}):\n${result.stderr.slice(-2000)}`,
		);
	return { installed: missing, ms: Date.now() - started };
}

/** Collects a child's output lines (the last 300) and resolves when `ready` matches one. */
function watchOutput(child, ready, name, timeoutMs = 60_000) {
	const lines = [];
	let resolveReady;
	let rejectReady;
	const readyPromise = new Promise((resolve, reject) => {
		resolveReady = resolve;
		rejectReady = reject;
	});
	const timer = setTimeout(
		() => rejectReady(new Error(`${name} not ready within ${timeoutMs} ms:\n${lines.slice(-20).join('\n')}`)),
		timeoutMs,
	);
	for (const stream of [child.stdout, child.stderr]) {
		stream.setEncoding('utf8');
		stream.on('data', (chunk) => {
			for (const line of chunk.split('\n').filter(Boolean)) {
				lines.push(line);
				if (ready.test(line)) {
					clearTimeout(timer);
					resolveReady();
				}
			}
			if (lines.length > 300) lines.splice(0, lines.length - 300);
		});
	}
	child.once('exit', (code, signal) => {
		clearTimeout(timer);
		rejectReady(new Error(`${name} exited (code ${code}, signal ${signal}):\n${lines.slice(-20).join('\n')}`));
	});
	return { lines, ready: readyPromise };
}

function tempDir(prefix) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	onExit(() => fs.rmSync(dir, { recursive: true, force: true }));
	return dir;
}

async function startRedis() {
	const dir = tempDir('nemovideo-queue-redis-');
	const port = await freePort();
	const args = [
		'--port',
		String(port),
		'--bind',
		'127.0.0.1',
		'--dir',
		dir,
		'--save',
		'',
		'--appendonly',
		'no',
		'--daemonize',
		'no',
		'--protected-mode',
		'yes',
	];
	const child = spawnTracked(redisBin(), args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
	const watched = watchOutput(child, /Ready to accept connections/, 'redis-server');
	await watched.ready;
	return {
		name: 'redis',
		pid: child.pid,
		host: '127.0.0.1',
		port,
		dir,
		lines: watched.lines,
		async stop() {
			await stopTracked(child, 5000);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** Runs a command as the postgres user when we are root (initdb refuses root). */
function asPgUser(bin, args, options = {}) {
	if (process.getuid?.() === 0) return ['runuser', ['-u', PG_USER, '--', bin, ...args], options];
	return [bin, args, options];
}

async function startPostgres() {
	const bin = pgBinDir();
	const dir = tempDir('nemovideo-queue-pg-');
	const data = path.join(dir, 'data');
	fs.mkdirSync(data, { mode: 0o700 });
	if (process.getuid?.() === 0) {
		const { uid, gid } = userIds(PG_USER);
		fs.chownSync(dir, uid, gid);
		fs.chownSync(data, uid, gid);
	}
	const init = await runCommand(
		...asPgUser(path.join(bin, 'initdb'), ['-D', data, '-U', DB_USER, '--auth=trust', '-E', 'UTF8', '--no-sync'], {
			cwd: dir,
			timeoutMs: 120_000,
		}),
	);
	if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}):\n${init.stdout}\n${init.stderr}`);
	const port = await freePort();
	const serverArgs = [
		'-D',
		data,
		'-p',
		String(port),
		'-h',
		'127.0.0.1',
		'-k',
		dir,
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
	];
	const child = spawnTracked(
		...asPgUser(path.join(bin, 'postgres'), serverArgs, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }),
	);
	const watched = watchOutput(child, /database system is ready to accept connections/, 'postgres');
	await watched.ready;
	const created = await runCommand(
		path.join(bin, 'createdb'),
		['-h', '127.0.0.1', '-p', String(port), '-U', DB_USER, DB_NAME],
		{ timeoutMs: 60_000 },
	);
	if (created.code !== 0) throw new Error(`createdb failed (exit ${created.code}):\n${created.stderr}`);
	return {
		name: 'postgres',
		pid: child.pid,
		host: '127.0.0.1',
		port,
		user: DB_USER,
		database: DB_NAME,
		dir,
		lines: watched.lines,
		async stop() {
			// SIGTERM to the group: postgres' "smart" shutdown; SIGKILL after 10 s.
			await stopTracked(child, 10_000);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

function userIds(name) {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith(`${name}:`));
	if (!line) throw new Error(`no user ${name} (the postgresql package creates it)`);
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

module.exports = { ensurePackages, startRedis, startPostgres, tempDir, watchOutput, pgBinDir, redisBin };
