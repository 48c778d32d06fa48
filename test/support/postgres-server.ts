// A throwaway PostgreSQL server for the `postgres` test project: Debian's server binaries, a data dir
// under os.tmpdir(), 127.0.0.1 on a free port, trust auth, durability off (tests, not data).
// PostgreSQL refuses to run as root, so as root the binaries run as the `postgres` OS user.
import { execFile } from 'node:child_process';
import { access, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DIR_PREFIX = 'mmf-test-pg-';
const OWNER_FILE = 'owner.pid';

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres: a superuser on the maintenance database. */
  readonly adminUrl: string;
  readonly port: number;
  readonly dir: string;
  stop(): Promise<void>;
}

/** Newest /usr/lib/postgresql/<major>/bin, or $PG_BIN. */
export async function findPostgresBin(): Promise<string> {
  const candidates = process.env.PG_BIN
    ? [process.env.PG_BIN]
    : (await readdir('/usr/lib/postgresql').catch(() => [] as string[]))
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`);
  for (const bin of candidates) {
    if (
      await access(path.join(bin, 'pg_ctl')).then(
        () => true,
        () => false,
      )
    )
      return bin;
  }
  throw new Error(
    'PostgreSQL server binaries not found (looked in ' +
      (candidates.join(', ') || '/usr/lib/postgresql/<version>/bin') +
      '). The store tests need a real PostgreSQL: run tools/install-system.sh (apt-get install postgresql) or set PG_BIN.',
  );
}

interface ServerUser {
  uid: number;
  gid: number;
  wrap(cmd: string, args: string[]): [string, string[]];
}

async function serverUser(): Promise<ServerUser> {
  const self = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  if (self.uid !== 0) return { ...self, wrap: (cmd, args) => [cmd, args] };
  const { stdout } = await run('id', ['-u', 'postgres']).catch((err: Error) => {
    throw new Error('running as root needs the `postgres` OS user (created by the postgresql package)', {
      cause: err,
    });
  });
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return {
    uid: Number(stdout.trim()),
    gid: Number(gid.trim()),
    wrap: (cmd, args) => ['runuser', ['-u', 'postgres', '--', cmd, ...args]],
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True while pid runs; an exited process waiting to be reaped by init (zombie) counts as gone. */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat === undefined ? true : !/^\d+ \(.*\) Z/s.test(stat);
}

async function pgCtl(bin: string, user: ServerUser, args: string[]) {
  const [cmd, argv] = user.wrap(path.join(bin, 'pg_ctl'), args);
  return run(cmd, argv, { timeout: 60_000 });
}

/** Stops and removes servers left by test runs that died before their teardown. */
export async function reapStaleServers(): Promise<void> {
  const tmp = os.tmpdir();
  for (const name of await readdir(tmp)) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = path.join(tmp, name);
    const owner = Number.parseInt(await readFile(path.join(dir, OWNER_FILE), 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && (await isRunning(owner))) continue;
    const data = path.join(dir, 'data');
    if (
      await access(path.join(data, 'postmaster.pid')).then(
        () => true,
        () => false,
      )
    ) {
      const bin = await findPostgresBin();
      await pgCtl(bin, await serverUser(), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(
        () => undefined,
      );
    }
    await rm(dir, { recursive: true, force: true });
  }
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = await findPostgresBin();
  const user = await serverUser();
  await reapStaleServers();
  const dir = await mkdtemp(path.join(os.tmpdir(), DIR_PREFIX));
  await writeFile(path.join(dir, OWNER_FILE), `${process.pid}\n`);
  const data = path.join(dir, 'data');
  const socketDir = path.join(dir, 'sock');
  await mkdir(socketDir);
  for (const p of [dir, socketDir]) await chown(p, user.uid, user.gid);

  const fail = async (step: string, err: unknown): Promise<never> => {
    const log = await readFile(path.join(dir, 'server.log'), 'utf8').catch(() => '');
    const stderr = (err as { stderr?: string }).stderr ?? '';
    await rm(dir, { recursive: true, force: true });
    throw new Error(`test PostgreSQL: ${step} failed: ${(err as Error).message}\n${stderr}\n${log}`.trim(), {
      cause: err,
    });
  };

  const [initCmd, initArgs] = user.wrap(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--no-locale',
    '--no-sync',
    '--no-instructions',
  ]);
  await run(initCmd, initArgs, { timeout: 120_000 }).catch((err: unknown) => fail('initdb', err));

  // The free port can be taken between probe and bind: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const options = [
      '-c listen_addresses=127.0.0.1',
      `-p ${port}`,
      `-k ${socketDir}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    try {
      await pgCtl(bin, user, [
        '-D',
        data,
        '-l',
        path.join(dir, 'server.log'),
        '-w',
        '-t',
        '60',
        '-o',
        options,
        'start',
      ]);
    } catch (err) {
      if (attempt < 3) continue;
      return fail('pg_ctl start', err);
    }
    let stopped = false;
    return {
      adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      dir,
      async stop() {
        if (stopped) return;
        stopped = true;
        if (
          await access(data).then(
            () => true,
            () => false,
          )
        ) {
          await pgCtl(bin, user, ['-D', data, '-m', 'fast', '-w', 'stop']);
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}
