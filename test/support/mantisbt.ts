/**
 * A real MantisBT 2.28.4 for the test suite, installed from the bundle in
 * ../shared/third-party/mantisbt (MANTISBT_BUNDLE_DIR overrides it) into a temporary directory:
 * its own MariaDB (mariadbd on a free loopback port, data in the temp dir), PHP's built-in server,
 * the installer's own form, then everything else through MantisBT's web pages as an administrator
 * and its users do it, with session cookies and CSRF tokens like a browser. The bundle's README
 * says why each step is needed on Debian 12.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort } from '../../src/app/store/embedded-redis.js';
import { projectRoot } from '../../src/project-root.js';

export const MANTIS_VERSION = '2.28.4';

const BUNDLE_FILES = [`mantisbt-${MANTIS_VERSION}.tar.xz`, 'adodb-php-5.22.11.tar.xz', 'disposable_email_checker-3.1.0.tar.xz'] as const;

/** Where the bundle is expected: MANTISBT_BUNDLE_DIR, else shared/ next to the clone. */
export function mantisBundleDir(): string {
  return process.env.MANTISBT_BUNDLE_DIR ?? path.resolve(projectRoot(), '..', 'shared', 'third-party', 'mantisbt');
}

/** One line saying why the real-MantisBT suite cannot run here, or undefined when it can. */
export function missingMantisBundle(dir = mantisBundleDir()): string | undefined {
  const missing = BUNDLE_FILES.map((file) => path.join(dir, file)).find((file) => !existsSync(file));
  if (!missing) return undefined;
  return (
    `real MantisBT suite not run: ${missing} is missing; get the bundle (MantisBT ${MANTIS_VERSION}, ADOdb 5.22.11, ` +
    `disposable_email_checker 3.1.0, see shared/third-party/mantisbt/README.md) into ../shared/third-party/mantisbt ` +
    `next to the clone, or set MANTISBT_BUNDLE_DIR to a directory holding it`
  );
}

// ---------------------------------------------------------------------------------------------
// Processes

interface Child {
  readonly process: ChildProcess;
  readonly log: string;
  output(): string;
}

/** Process groups still running, killed if this process exits without stopping them (a crashed run). */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const group of liveGroups) signalGroup(group, 'SIGKILL');
});

function startChild(command: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env): Promise<Child> {
  // Its own process group: php -S forks workers that must be stopped with it.
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true });
  child.once('spawn', () => liveGroups.add(child.pid!));
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    // Bounded; a suite's worth of php -S request lines (the suite counts them) fits easily.
    if (output.length > 20_000_000) output = output.slice(-10_000_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return new Promise((resolve, reject) => {
    // mariadbd writes to its --log-error file, php -S to stderr.
    const fromFile = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
    child.once('spawn', () => resolve({ process: child, log: logFile, output: () => output || fromFile() }));
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'ENOENT' ? `${command} is not installed (see .ci/run for the Debian packages)` : `${command}: ${error.message}`)),
    );
  });
}

function run(command: string, args: string[], options: { cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${tail(output)}`))));
  });
}

function tail(text: string, lines = 8): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function stopChild(child: Child | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!child) return resolve();
    const group = -child.process.pid!;
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      signalGroup(group, 'SIGKILL');
      liveGroups.delete(-group);
      return resolve();
    }
    const timer = setTimeout(() => signalGroup(group, 'SIGKILL'), 10_000);
    child.process.once('exit', () => {
      clearTimeout(timer);
      // Workers that outlive their parent would keep the output pipes (and this process) alive.
      signalGroup(group, 'SIGKILL');
      liveGroups.delete(-group);
      resolve();
    });
    signalGroup(group, 'SIGTERM');
  });
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(group, signal);
  } catch {
    // already gone
  }
}

async function waitUntil(what: string, ready: () => Promise<boolean>, child: Child, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (child.process.exitCode !== null) throw new Error(`${what}: the process exited ${child.process.exitCode}: ${tail(child.output())}`);
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms: ${tail(child.output())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---------------------------------------------------------------------------------------------
// Installation

/** vendor/autoload.php in place of composer's: the bundled libraries by namespace, the rest from Debian. */
const VENDOR_AUTOLOAD = `<?php
# Written by sla-bridge's test suite in place of composer's autoloader (see the bundle's README).
spl_autoload_register( function( $p_class ) {
	static $s_prefixes = array(
		'Mantis\\\\' => __DIR__ . '/../',
		'VBoctor\\\\Email\\\\' => __DIR__ . '/vboctor/disposable_email_checker/php/src/',
	);
	foreach( $s_prefixes as $t_prefix => $t_dir ) {
		if( strncmp( $p_class, $t_prefix, strlen( $t_prefix ) ) === 0 ) {
			$t_file = $t_dir . str_replace( '\\\\', '/', substr( $p_class, strlen( $t_prefix ) ) ) . '.php';
			if( is_file( $t_file ) ) {
				require $t_file;
			}
			return;
		}
	}
} );
require_once __DIR__ . '/slim/slim/Slim/autoload.php';
require_once __DIR__ . '/pimple/pimple/src/Pimple/autoload.php';
require_once __DIR__ . '/adodb/adodb-php/adodb.inc.php';
require_once 'Psr/Container/autoload.php';
require_once 'Psr/Http/Message/autoload.php';
require_once 'GuzzleHttp/autoload.php';
require_once 'libphp-phpmailer/autoload.php';
require_once 'Parsedown/autoload.php';
require_once 'HTMLPurifier.auto.php';
`;

/** Settings with no web page (they are global-only) or that keep the test machine quiet. */
const CONFIG_APPEND = `
# Added by sla-bridge's test suite: no mail server here, and users get their password directly.
$g_enable_email_notification = OFF;
$g_send_reset_password = OFF;
$g_allow_signup = OFF;
# Time tracking on notes, which the hours card reads (off by default).
$g_time_tracking_enabled = ON;
`;

const PHP_DEBIAN_DIR = '/usr/share/php';

async function unpack(bundleDir: string, root: string): Promise<string> {
  const web = path.join(root, 'web');
  await run('tar', ['-xJf', path.join(bundleDir, BUNDLE_FILES[0]), '-C', root]);
  cpSync(path.join(root, `mantisbt-${MANTIS_VERSION}`), web, { recursive: true });
  rmSync(path.join(root, `mantisbt-${MANTIS_VERSION}`), { recursive: true, force: true });
  const vendor = path.join(web, 'vendor');
  for (const dir of ['adodb', 'vboctor', 'slim/slim', 'pimple/pimple/src']) mkdirSync(path.join(vendor, dir), { recursive: true });
  await Promise.all([
    run('tar', ['-xJf', path.join(bundleDir, BUNDLE_FILES[1]), '-C', path.join(vendor, 'adodb')]),
    run('tar', ['-xJf', path.join(bundleDir, BUNDLE_FILES[2]), '-C', path.join(vendor, 'vboctor')]),
  ]);
  // REST silences Slim's and Pimple's known deprecations only for files under vendor/<vendor>/<package>/.
  cpSync(path.join(PHP_DEBIAN_DIR, 'Slim'), path.join(vendor, 'slim/slim/Slim'), { recursive: true });
  cpSync(path.join(PHP_DEBIAN_DIR, 'Pimple'), path.join(vendor, 'pimple/pimple/src/Pimple'), { recursive: true });
  writeFileSync(path.join(vendor, 'autoload.php'), VENDOR_AUTOLOAD);
  cpSync(path.join(projectRoot(), 'connectors/mantis/plugin/SlaBridge'), path.join(web, 'plugins/SlaBridge'), { recursive: true });
  return web;
}

interface Database {
  readonly port: number;
  readonly socket: string;
  readonly child: Child;
}

async function startMariadb(root: string): Promise<Database> {
  const datadir = path.join(root, 'mariadb');
  const socket = path.join(root, 'mariadb.sock');
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  await run('mariadb-install-db', ['--no-defaults', ...asRoot, `--datadir=${datadir}`, '--auth-root-authentication-method=socket', '--skip-test-db']);
  const port = await freeLoopbackPort();
  const child = await startChild(
    // Debian installs it in /usr/sbin, which a non-login PATH may lack.
    existsSync('/usr/sbin/mariadbd') ? '/usr/sbin/mariadbd' : 'mariadbd',
    [
      '--no-defaults',
      ...asRoot,
      `--datadir=${datadir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${path.join(root, 'mariadb.pid')}`,
      '--skip-name-resolve',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=32M',
      '--innodb-flush-log-at-trx-commit=0',
      `--log-error=${path.join(root, 'mariadb.log')}`,
    ],
    path.join(root, 'mariadb.log'),
  );
  await waitUntil('MariaDB did not start', async () => existsSync(socket) && (await sql(socket, 'SELECT 1').then(() => true, () => false)), child);
  await sql(
    socket,
    "CREATE DATABASE bugtracker CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci; CREATE USER 'mantis'@'127.0.0.1' IDENTIFIED BY 'mantis'; GRANT ALL ON bugtracker.* TO 'mantis'@'127.0.0.1';",
  );
  return { port, socket, child };
}

function sql(socket: string, statements: string): Promise<string> {
  return run('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', '--batch', '--skip-column-names', '-e', statements]);
}

async function startPhp(web: string, root: string): Promise<{ url: string; child: Child }> {
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  // Several workers, so that the plugin's request to the bridge and the bridge's REST call back overlap.
  const child = await startChild('php', ['-S', `127.0.0.1:${port}`, '-t', web], path.join(root, 'php.log'), {
    ...process.env,
    PHP_CLI_SERVER_WORKERS: '4',
  });
  await waitUntil('php -S did not answer', () => fetch(`${url}/login_page.php`).then((response) => response.status < 500, () => false), child);
  return { url, child };
}

async function runInstaller(url: string, db: Database, timezone: string): Promise<void> {
  const fields = {
    install: '2',
    db_type: 'mysqli',
    hostname: `127.0.0.1:${db.port}`,
    db_username: 'mantis',
    db_password: 'mantis',
    database_name: 'bugtracker',
    admin_username: 'mantis',
    admin_password: 'mantis',
    db_table_prefix: 'mantis',
    db_table_plugin_prefix: 'plugin',
    db_table_suffix: '_table',
    timezone,
    path: `${url}/`,
  };
  const response = await fetch(`${url}/admin/install.php`, { method: 'POST', body: new URLSearchParams(fields) });
  const html = await response.text();
  const bad = [...html.matchAll(/<td>\s*([^<]+?)\s*<\/td>\s*<td class="danger">([\s\S]*?)<\/td>/g)].map((match) => `${match[1]}: ${text(match[2]!)}`);
  if (response.status !== 200 || bad.length > 0 || !/Installation Complete|config_inc\.php/i.test(html)) {
    throw new Error(`the MantisBT installer failed (HTTP ${response.status}): ${bad.join('; ') || text(html).slice(-500)}`);
  }
}

export interface MantisUserAccount {
  readonly id: number;
  readonly username: string;
  readonly password: string;
  readonly accessLevel: number;
  /** An API token of this user, made on its API tokens page. */
  readonly token: string;
  readonly web: MantisWeb;
}

export interface RunningMantis {
  readonly url: string;
  readonly version: string;
  readonly dir: string;
  readonly admin: MantisWeb;
  /** The PHP built-in server's output: request lines and PHP's error_log (the plugin's failures). */
  phpLog(): string;
  /** The MariaDB of this installation, for looking at what MantisBT stored. */
  sql(statements: string): Promise<string>;
  stop(): Promise<void>;
}

export interface InstallTimings {
  [step: string]: number;
}

/** Installs MantisBT into a fresh temporary directory and logs in as the administrator. */
export async function installMantis(options: { bundleDir?: string; timezone?: string; timings?: InstallTimings } = {}): Promise<RunningMantis> {
  const bundleDir = options.bundleDir ?? mantisBundleDir();
  const missing = missingMantisBundle(bundleDir);
  if (missing) throw new Error(missing);
  const timings = options.timings ?? {};
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await work();
    } finally {
      timings[step] = Date.now() - started;
    }
  };
  const root = mkdtempSync(path.join(os.tmpdir(), 'sla-bridge-mantisbt-'));
  let db: Database | undefined;
  let php: { url: string; child: Child } | undefined;
  const stop = async () => {
    await stopChild(php?.child);
    await stopChild(db?.child);
    if (!process.env.KEEP_MANTISBT) rmSync(root, { recursive: true, force: true });
  };
  try {
    const [web, database] = await Promise.all([timed('unpack', () => unpack(bundleDir, root)), timed('mariadb', () => startMariadb(root))]);
    db = database;
    php = await timed('php -S', () => startPhp(web, root));
    await timed('installer', () => runInstaller(php!.url, database, options.timezone ?? 'Europe/Amsterdam'));
    writeFileSync(path.join(web, 'config/config_inc.php'), readFileSync(path.join(web, 'config/config_inc.php'), 'utf8') + CONFIG_APPEND);
    const admin = new MantisWeb(php.url);
    await timed('admin login', () => admin.login('administrator', 'root'));
    const phpChild = php.child;
    return {
      url: php.url,
      version: MANTIS_VERSION,
      dir: root,
      admin,
      phpLog: () => phpChild.output(),
      sql: (statements) => sql(database.socket, `USE bugtracker; ${statements}`),
      stop,
    };
  } catch (error) {
    const logs = [php?.child.output(), db?.child.output()].filter(Boolean).map((log) => tail(log!)).join('\n');
    await stop();
    throw new Error(`${(error as Error).message}${logs ? `\n${logs}` : ''}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The web UI, as a browser uses it

/** Decodes the HTML entities MantisBT's pages use. */
export function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (_, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }[lower]!;
  });
}

function text(html: string): string {
  return decodeEntities(html.replace(/<script[\s\S]*?<\/script>/gi, ' ').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}

function attributes(tag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const match of tag.matchAll(/([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    result[match[1]!.toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return result;
}

export interface HtmlForm {
  readonly action: string;
  readonly method: string;
  readonly id: string | undefined;
  /** What a browser would submit without the user touching anything, in page order. */
  readonly fields: ReadonlyArray<readonly [string, string]>;
}

/** The forms of a page and the values a browser would send for them. */
export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(match[1]!);
    const body = match[2]!;
    const fields: Array<[string, string, number]> = [];
    for (const input of body.matchAll(/<input\b([^>]*)>/gi)) {
      const a = attributes(input[1]!);
      const type = (a.type ?? 'text').toLowerCase();
      if (!a.name || 'disabled' in a || ['submit', 'button', 'image', 'reset', 'file'].includes(type)) continue;
      if ((type === 'checkbox' || type === 'radio') && !('checked' in a)) continue;
      fields.push([a.name, a.value ?? (type === 'checkbox' ? 'on' : ''), input.index!]);
    }
    for (const select of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
      const a = attributes(select[1]!);
      if (!a.name || 'disabled' in a) continue;
      const options = [...select[2]!.matchAll(/<option\b([^>]*)>([\s\S]*?)(?=<option\b|<\/option>|$)/gi)].map((option) => {
        const o = attributes(option[1]!);
        return { value: o.value ?? text(option[2]!), selected: 'selected' in o };
      });
      const chosen = 'multiple' in a ? options.filter((option) => option.selected) : [options.find((option) => option.selected) ?? options[0]].filter(Boolean);
      for (const option of chosen) fields.push([a.name, option!.value, select.index!]);
    }
    for (const area of body.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi)) {
      const a = attributes(area[1]!);
      if (a.name && !('disabled' in a)) fields.push([a.name, decodeEntities(area[2]!.replace(/^\r?\n/, '')), area.index!]);
    }
    fields.sort((x, y) => x[2] - y[2]);
    forms.push({ action: attrs.action ?? '', method: (attrs.method ?? 'get').toLowerCase(), id: attrs.id, fields: fields.map(([name, value]) => [name, value] as const) });
  }
  return forms;
}

export interface WebResponse {
  readonly status: number;
  readonly url: string;
  readonly html: string;
}

export type FormValues = Record<string, string | readonly string[] | undefined>;

/** One browser: a cookie jar, redirects followed, MantisBT's error pages turned into exceptions. */
export class MantisWeb {
  private readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  async get(page: string): Promise<WebResponse> {
    return this.request('GET', new URL(page, `${this.baseUrl}/`).toString());
  }

  async post(page: string, fields: ReadonlyArray<readonly [string, string]>): Promise<WebResponse> {
    return this.request('POST', new URL(page, `${this.baseUrl}/`).toString(), new URLSearchParams(fields as Array<[string, string]>).toString());
  }

  /**
   * Opens `page`, picks the form `select` names (its action, or its id with `#`), changes the given
   * fields (undefined removes one) and submits it as a browser would.
   */
  async submit(page: string | WebResponse, select: string, values: FormValues = {}): Promise<WebResponse> {
    const opened = typeof page === 'string' ? await this.get(page) : page;
    const form = findForm(opened, select);
    return this.post(new URL(form.action || opened.url, opened.url).toString(), fill(form, values));
  }

  async login(username: string, password: string): Promise<void> {
    const named = await this.submit('login_page.php', 'login_password_page.php', { username });
    const done = await this.submit(named, 'login.php', { username, password });
    if (/login_page\.php|login_password_page\.php/.test(new URL(done.url).pathname)) {
      throw new Error(`MantisBT login as ${username} failed: ${text(done.html).slice(0, 300)}`);
    }
  }

  private async request(method: string, url: string, body?: string): Promise<WebResponse> {
    let current = url;
    let currentMethod = method;
    let currentBody = body;
    for (let hop = 0; hop < 10; hop++) {
      const headers: Record<string, string> = {};
      if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      if (currentBody !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const response = await fetch(current, { method: currentMethod, headers, body: currentBody, redirect: 'manual' });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const eq = pair!.indexOf('=');
        const name = pair!.slice(0, eq).trim();
        const value = pair!.slice(eq + 1).trim();
        if (value === '' || value === 'deleted' || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        current = new URL(location, current).toString();
        currentMethod = 'GET';
        currentBody = undefined;
        continue;
      }
      const html = await response.text();
      const failure = mantisError(html);
      if (failure || response.status >= 400) {
        throw new Error(`MantisBT ${method} ${new URL(url).pathname} answered ${response.status}: ${failure ?? text(html).slice(0, 300)}`);
      }
      return { status: response.status, url: current, html };
    }
    throw new Error(`MantisBT ${method} ${url}: too many redirects`);
  }
}

function findForm(page: WebResponse, select: string): HtmlForm {
  const forms = parseForms(page.html);
  const form = select.startsWith('#')
    ? forms.find((candidate) => candidate.id === select.slice(1))
    : forms.find((candidate) => candidate.action.endsWith(select) || candidate.action.split('?')[0]!.endsWith(select));
  if (!form) throw new Error(`no form ${select} on ${page.url}; forms: ${forms.map((candidate) => candidate.id ?? candidate.action).join(', ')}`);
  return form;
}

function fill(form: HtmlForm, values: FormValues): Array<[string, string]> {
  const fields: Array<[string, string]> = form.fields.filter(([name]) => !(name in values)).map(([name, value]) => [name, value]);
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    for (const item of typeof value === 'string' ? [value] : value) fields.push([name, item]);
  }
  return fields;
}

/** MantisBT's error page or an inline PHP warning/notice box (error_api.php), as one line. */
function mantisError(html: string): string | undefined {
  const box = /<div class="alert alert-(?:danger|warning)">\s*(?:<p class="bold">)?((?:SYSTEM|APPLICATION|INTERNAL APPLICATION|DEPRECATED|WARNING)[\s\S]*?)<\/div>/i.exec(html);
  if (box) return text(box[1]!).slice(0, 400);
  const php = /<b>(?:Fatal error|Warning|Deprecated|Notice)<\/b>:[\s\S]{0,300}/.exec(html);
  return php ? text(php[0]) : undefined;
}

/** The first `view.php?id=N` or `bug_id=N` a page links to. */
export function issueIdIn(page: WebResponse): number {
  const match = /[?&](?:id|bug_id)=(\d+)/.exec(page.url) ?? /view\.php\?id=(\d+)/.exec(page.html);
  if (!match) throw new Error(`no issue id on ${page.url}: ${text(page.html).slice(0, 300)}`);
  return Number(match[1]);
}

export { text as htmlText };

// ---------------------------------------------------------------------------------------------
// Administration, through the Manage pages

/** MantisBT's default access levels (access_levels_enum_string). */
export const ACCESS = { viewer: 10, reporter: 25, updater: 40, developer: 55, manager: 70, administrator: 90 } as const;

/** MantisBT's default status values (status_enum_string). */
export const STATUS = { new: 10, feedback: 20, acknowledged: 30, confirmed: 40, assigned: 50, resolved: 80, closed: 90 } as const;

/** MantisBT's default priority values (priority_enum_string). */
export const PRIORITY = { none: 10, low: 20, normal: 30, high: 40, urgent: 50, immediate: 60 } as const;

export async function createProject(admin: MantisWeb, name: string): Promise<number> {
  await admin.submit('manage_proj_create_page.php', 'manage_proj_create.php', { name });
  const list = await admin.get('manage_proj_page.php');
  const match = new RegExp(`manage_proj_edit_page\\.php\\?project_id=(\\d+)">\\s*${escapeRegExp(name)}\\s*<`).exec(list.html);
  if (!match) throw new Error(`project ${name} is not listed after creating it`);
  return Number(match[1]);
}

/** A user with a password (send_reset_password is off), logged in in its own browser, with an API token. */
export async function createUser(mantis: RunningMantis, username: string, accessLevel: number, realname = ''): Promise<MantisUserAccount> {
  const password = `pw-${username}-1`;
  const created = await mantis.admin.submit('manage_user_create_page.php', 'manage_user_create.php', {
    username,
    realname,
    // example.com is on the disposable-address list MantisBT refuses.
    email: `${username}@example.org`,
    password,
    password_verify: password,
    access_level: String(accessLevel),
  });
  const id = /user_id=(\d+)/.exec(created.url)?.[1] ?? /manage_user_edit_page\.php\?user_id=(\d+)/.exec(created.html)?.[1];
  if (!id) throw new Error(`no id for the new user ${username}: ${text(created.html).slice(0, 300)}`);
  const web = new MantisWeb(mantis.url);
  await web.login(username, password);
  const token = await createApiToken(web, `sla-bridge test ${username}`);
  return { id: Number(id), username, password, accessLevel, token, web };
}

/** Made on the user's own API tokens page, which shows it once. */
export async function createApiToken(web: MantisWeb, name: string): Promise<string> {
  const shown = await web.submit('api_tokens_page.php', 'api_token_create.php', { token_name: name });
  const token = /<div class="well">\s*([^<\s]+)\s*<\/div>/.exec(shown.html)?.[1];
  if (!token) throw new Error(`no API token on ${shown.url}: ${text(shown.html).slice(0, 300)}`);
  return token;
}

export interface CustomFieldOptions {
  /** CUSTOM_FIELD_TYPE_*: 8 is Date. */
  readonly type: number;
  readonly displayReport?: boolean;
  readonly displayUpdate?: boolean;
  readonly projectIds: readonly number[];
}

export async function createCustomField(admin: MantisWeb, name: string, options: CustomFieldOptions): Promise<number> {
  const edit = await admin.submit('manage_custom_field_page.php', 'manage_custom_field_create.php', { name });
  const id = Number(/field_id=(\d+)/.exec(edit.url)?.[1] ?? NaN);
  if (!Number.isInteger(id)) throw new Error(`creating custom field ${name} did not open its edit page: ${edit.url}`);
  await admin.submit(edit, 'manage_custom_field_update.php', {
    type: String(options.type),
    display_report: options.displayReport ? 'on' : undefined,
    display_update: options.displayUpdate ? 'on' : undefined,
  });
  await admin.submit(`manage_custom_field_edit_page.php?field_id=${id}`, 'manage_custom_field_proj_add.php', {
    'project_id[]': options.projectIds.map(String),
  });
  return id;
}

export const CUSTOM_FIELD_DATE = 8;

/** A configuration option for all users and projects, set on Manage Configuration. */
export async function setConfig(admin: MantisWeb, option: string, value: string | number): Promise<void> {
  await admin.submit('adm_config_page.php?action=create', 'adm_config_set.php', {
    user_id: '0',
    project_id: '0',
    config_option: option,
    type: typeof value === 'number' ? 'integer' : 'string',
    value: String(value),
  });
}

/** Installs a plugin from plugins/ with Manage Plugins' Install button. */
export async function installPlugin(admin: MantisWeb, basename: string): Promise<void> {
  const page = await admin.get('manage_plugin_page.php');
  const href = [...page.html.matchAll(/href="([^"]*manage_plugin_install\.php\?name=([^"&]+)[^"]*)"/g)].find((match) => decodeEntities(match[2]!) === basename)?.[1];
  if (!href) throw new Error(`Manage Plugins offers no Install for ${basename}`);
  await admin.get(decodeEntities(href));
  const after = await admin.get('manage_plugin_page.php');
  if (!new RegExp(`manage_plugin_uninstall\\.php\\?name=${escapeRegExp(basename)}\\b`).test(after.html)) throw new Error(`${basename} is not installed after Install`);
}

/** The SlaBridge plugin's own configuration page. */
export async function configureSlaBridge(admin: MantisWeb, settings: { url: string; secret: string; timeout?: number }): Promise<void> {
  await admin.submit('plugin.php?page=SlaBridge/config', 'config_edit', {
    url: settings.url,
    secret: settings.secret,
    timeout: String(settings.timeout ?? 2),
  });
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// Working on issues in the web UI, as reporters and agents do

export interface WebReport {
  readonly projectId: number;
  readonly summary: string;
  readonly description?: string;
  /** A PRIORITY value; the form's default (normal) when left out. */
  readonly priority?: number;
}

/** Report Issue: fills in the form and submits it; the new issue's id. */
export async function reportIssue(web: MantisWeb, report: WebReport): Promise<number> {
  const done = await web.submit(`bug_report_page.php?project_id=${report.projectId}`, '#report_bug_form', {
    summary: report.summary,
    description: report.description ?? report.summary,
    priority: report.priority === undefined ? undefined : String(report.priority),
  });
  return issueIdIn(done);
}

/** Add Note on the issue's page. */
export async function addNote(web: MantisWeb, issueId: number, note: string, options: { private?: boolean } = {}): Promise<void> {
  await web.submit(`view.php?id=${issueId}`, '#bugnoteadd', { bugnote_text: note, private: options.private ? 'on' : undefined });
}

/**
 * Edit on the issue's page: the update form as the page fills it in, with only `changes` changed
 * (so every other field, custom date fields included, is sent back as the page shows it).
 */
export async function editIssue(web: MantisWeb, issueId: number, changes: FormValues): Promise<void> {
  await web.submit(`bug_update_page.php?bug_id=${issueId}`, '#update_bug_form', changes);
}

/** The issue page's Change Status To button, then the status page's form. */
export async function changeStatus(web: MantisWeb, issueId: number, status: number, changes: FormValues = {}): Promise<void> {
  await web.submit(`bug_change_status_page.php?id=${issueId}&new_status=${status}&change_type=change_status`, '#bug-change-status-form', changes);
}

/** Resolve, as fixed, through the status page. */
export async function resolveIssue(web: MantisWeb, issueId: number, note = ''): Promise<void> {
  await changeStatus(web, issueId, STATUS.resolved, { resolution: '20', bugnote_text: note });
}

/**
 * The protection README.md recommends: the SLA fields off the edit page and writable from the
 * bridge user's level only, and the due date set from that level only.
 */
export async function protectSlaFields(admin: MantisWeb, desk: ServiceDesk): Promise<void> {
  for (const id of Object.values(desk.fieldIds)) {
    await admin.submit(`manage_custom_field_edit_page.php?field_id=${id}`, 'manage_custom_field_update.php', { display_update: undefined, access_level_rw: String(ACCESS.manager) });
  }
  await setConfig(admin, 'due_date_update_threshold', ACCESS.manager);
}

/** Back to the suite's set-up: the fields on the edit page, writable by everyone, the due date by developers. */
export async function unprotectSlaFields(admin: MantisWeb, desk: ServiceDesk): Promise<void> {
  for (const id of Object.values(desk.fieldIds)) {
    await admin.submit(`manage_custom_field_edit_page.php?field_id=${id}`, 'manage_custom_field_update.php', { display_update: 'on', access_level_rw: String(ACCESS.viewer) });
  }
  await setConfig(admin, 'due_date_update_threshold', ACCESS.developer);
}

/** View Issues' group action: the issues ticked, the action chosen, then its page's form (e.g. UP_PRIOR with `priority`). */
export async function groupAction(web: MantisWeb, issueIds: readonly number[], action: string, values: FormValues = {}): Promise<void> {
  const page = await web.post('bug_actiongroup_page.php', [['action', action], ...issueIds.map((id): [string, string] => ['bug_arr[]', String(id)])]);
  await web.submit(page, 'bug_actiongroup.php', values);
}

/** The issue page's Delete button, then the confirmation page's Delete Issues. */
export async function deleteIssue(web: MantisWeb, issueId: number): Promise<void> {
  const confirm = await web.submit(`view.php?id=${issueId}`, 'bug_actiongroup_page.php');
  await web.submit(confirm, 'bug_actiongroup.php');
}

// ---------------------------------------------------------------------------------------------
// REST, as an integration or a script uses it

export interface RestAnswer {
  readonly status: number;
  readonly body: any;
}

export class MantisRest {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async request(method: string, path: string, body?: unknown): Promise<RestAnswer> {
    const response = await fetch(`${this.baseUrl}/api/rest/${path}`, {
      method,
      // MantisBT 2.28 compares the whole header with its tokens: no "Bearer".
      headers: { Authorization: this.token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // left as text
    }
    return { status: response.status, body: parsed };
  }

  async expect(method: string, path: string, status: number, body?: unknown): Promise<any> {
    const answer = await this.request(method, path, body);
    if (answer.status !== status) throw new Error(`MantisBT REST ${method} ${path} answered ${answer.status}, not ${status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
    return answer.body;
  }

  /** POST /issues; the issue as MantisBT answers it. */
  async createIssue(issue: { projectId: number; summary: string; description?: string; priority?: string; category?: string }): Promise<any> {
    const body = await this.expect('POST', 'issues', 201, {
      summary: issue.summary,
      description: issue.description ?? issue.summary,
      project: { id: issue.projectId },
      category: { name: issue.category ?? 'General' },
      ...(issue.priority ? { priority: { name: issue.priority } } : {}),
    });
    return body.issue;
  }

  async getIssue(id: number): Promise<any> {
    return (await this.expect('GET', `issues/${id}`, 200)).issues[0];
  }

  async patchIssue(id: number, patch: unknown): Promise<any> {
    return (await this.expect('PATCH', `issues/${id}`, 200, patch)).issues?.[0];
  }

  /** `time`: time tracking booked with the note, `H:MM` (IssueNoteAddCommand's `time_tracking.duration`). */
  async addNote(id: number, text: string, viewState: 'public' | 'private' = 'public', time?: string): Promise<any> {
    return (await this.expect('POST', `issues/${id}/notes`, 201, { text, view_state: { name: viewState }, ...(time ? { time_tracking: { duration: time } } : {}) })).note;
  }
}

/** A custom field's value in a REST issue, by field name ("" when empty, undefined when not shown). */
export function customFieldValue(issue: { custom_fields?: Array<{ field: { name: string }; value: string }> }, name: string): string | undefined {
  return issue.custom_fields?.find((field) => field.field.name === name)?.value;
}

// ---------------------------------------------------------------------------------------------
// The service desk both the suite and the recorder work in

export const SLA_FIELDS = { reaction: 'SLA reaction', resolution: 'SLA resolution' } as const;

export interface ServiceDesk {
  readonly projectId: number;
  readonly projectName: string;
  /** A customer: reporter (25). */
  readonly customer: MantisUserAccount;
  /** The provider's agent: developer (55). */
  readonly agent: MantisUserAccount;
  /**
   * The user whose token the bridge writes back with: a manager, since clearing the fields of a
   * resolved issue needs update_readonly_bug_threshold (manager by default; below it MantisBT
   * answers 403 "Issue 'N' is readonly").
   */
  readonly bridgeUser: MantisUserAccount;
  /** The SLA date fields' ids, by metric. */
  readonly fieldIds: Readonly<Record<keyof typeof SLA_FIELDS, number>>;
}

/**
 * One project with the two SLA Date custom fields on its edit page, due dates editable by
 * developers (and visible to reporters), the SlaBridge plugin installed (not yet configured),
 * a customer, an agent and the bridge's API user.
 */
export async function setUpServiceDesk(mantis: RunningMantis, projectName = 'Customer portal'): Promise<ServiceDesk> {
  const projectId = await createProject(mantis.admin, projectName);
  const fieldIds = {} as Record<keyof typeof SLA_FIELDS, number>;
  for (const [metric, name] of Object.entries(SLA_FIELDS) as [keyof typeof SLA_FIELDS, string][]) {
    fieldIds[metric] = await createCustomField(mantis.admin, name, { type: CUSTOM_FIELD_DATE, displayUpdate: true, projectIds: [projectId] });
  }
  await setConfig(mantis.admin, 'due_date_update_threshold', ACCESS.developer);
  await setConfig(mantis.admin, 'due_date_view_threshold', ACCESS.reporter);
  await installPlugin(mantis.admin, 'SlaBridge');
  // One after the other: submitting a form purges every token of that form in the admin's session.
  const customer = await createUser(mantis, 'customer', ACCESS.reporter, 'Carla Customer');
  const agent = await createUser(mantis, 'agent', ACCESS.developer, 'Aart Agent');
  const bridgeUser = await createUser(mantis, 'slabridge', ACCESS.manager, 'SLA bridge');
  return { projectId, projectName, customer, agent, bridgeUser, fieldIds };
}
