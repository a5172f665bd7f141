/**
 * The link's pairing: the one database the hub belongs to (URL, token, bus channel and
 * position), how it is obtained (a pasted token or a pairing code), kept in IndexedDB and
 * forgotten. It reports a code the database accepted; what to do with it is the coordinator's.
 */
import type { HubDb } from '../../store/db.ts';
import { sameServer } from '../../odoo/same-server.ts';
import type { PairingRecord } from '../../store/schema.ts';
import { describeError, type Logger } from '../logger.ts';
import { parseConnectionToken, TokenError } from '../../odoo/iot/token.ts';
import { PairingCodeFlow, type PairingCodeState, type PairingResult } from '../../odoo/iot/pairing-code.ts';
import { forgetPairing, loadPairing, PAIRING_KEY, savePairing } from '../../odoo/iot/pairing-store.ts';
import type { Clock, TimerId } from './clock.ts';

/** The bus position is saved at most this often: a replay after a crash is harmless (actions are de-duplicated by id). */
export const LAST_ID_SAVE_MS = 250;

export interface PairingEvents {
  /** The database accepted the pairing code and handed over this pairing, not adopted yet. */
  codeAccepted(candidate: PairingRecord): Promise<void>;
  changed(): void;
}

export interface PairingDeps {
  db: HubDb;
  logger: Logger;
  clock: Clock;
  identifier: string;
  pairingProxyUrl(): string;
  /** The Odoo origin the local server forwards to, when it does. */
  forwardedOdooOrigin(): string | null;
  /** The origin the hub's page is served from. */
  pageOrigin(): string;
  fetch?: typeof fetch;
  pollDelayMs?(n: number): number;
  shownMs?: number;
  events: PairingEvents;
}

export type TokenCandidate = { ok: true; candidate: PairingRecord; note: string } | { ok: false; message: string };

const LOCALHOST_NOTE = ' Note: the token names a localhost server, which a real IoT box refuses; fine for development only.';

/** A pasted connection token as the pairing it would make (and what to add to "Connected"), or why it cannot. */
export function candidateFromToken(text: string, now: number): TokenCandidate {
  try {
    const token = parseConnectionToken(text);
    return {
      ok: true, note: token.localhost ? LOCALHOST_NOTE : '',
      candidate: {
        id: PAIRING_KEY, serverUrl: token.serverUrl, token: token.token, dbUuid: token.dbUuid, enterpriseCode: token.enterpriseCode,
        dbName: token.dbName, channel: '', lastBusId: 0, pairedAt: now,
      },
    };
  } catch (error) {
    return { ok: false, message: error instanceof TokenError ? error.message : describeError(error) };
  }
}

/**
 * The hub reaches Odoo through same-origin paths: its own origin, or the one Odoo its local
 * server forwards to. A database URL outside those cannot be reached from this page.
 */
export function unreachableServerNotice(serverUrl: string, forwarded: string | null, pageOrigin: string): string {
  if (!forwarded) return '';
  let origin: string;
  try {
    origin = new URL(serverUrl).origin;
  } catch {
    return '';
  }
  // web.base.url may say localhost where --odoo said 127.0.0.1: the same server (same-server.ts).
  if (sameServer(origin, forwarded) || sameServer(origin, pageOrigin)) return '';
  return `The database now lives at ${origin}, but this hub reaches Odoo through its local server, which forwards to ${new URL(forwarded).origin}. ` +
    `Restart the local server with --odoo ${origin} so the hub follows it.`;
}

export class Pairing {
  private record: PairingRecord | null = null;
  private readonly flow: PairingCodeFlow;
  private readonly log;
  private lastSave: TimerId | null = null;
  /** Set when the database moved (server_update) to a server the hub cannot reach from here. */
  private notice = '';

  constructor(private readonly deps: PairingDeps) {
    this.log = deps.logger.scope('odoo');
    this.flow = new PairingCodeFlow({
      identifier: deps.identifier,
      proxyUrl: () => deps.pairingProxyUrl(),
      onPaired: (result) => this.codeAccepted(result),
      onState: () => deps.events.changed(),
      log: deps.logger.scope('pairing'),
      fetch: deps.fetch,
      pollDelayMs: deps.pollDelayMs,
      shownMs: deps.shownMs,
    });
  }

  async load(): Promise<void> {
    this.record = await loadPairing(this.deps.db);
    if (this.record) this.notice = this.noticeFor(this.record.serverUrl);
  }

  get current(): Readonly<PairingRecord> | null {
    return this.record;
  }

  get codeState(): PairingCodeState {
    return this.flow.state;
  }

  get serverNotice(): string {
    return this.notice;
  }

  /** The highest bus notification handled on the current channel. */
  get last(): number {
    return this.record?.lastBusId ?? 0;
  }

  /** Shows a pairing code (again, with a fresh one) for the next five minutes. */
  askForCode(): void {
    this.flow.start();
  }

  /** Whether the candidate is another database: the old one's results and bus position mean nothing there. */
  isOtherDatabase(candidate: PairingRecord): boolean {
    const previous = this.record;
    return !!previous && (previous.serverUrl !== candidate.serverUrl || previous.dbName !== candidate.dbName);
  }

  /** Makes the candidate the pairing (keeping the bus position on the same channel) and stops showing a code. */
  async adopt(candidate: PairingRecord): Promise<void> {
    const previous = this.record;
    const record = { ...candidate };
    if (previous?.channel && previous.channel === record.channel) record.lastBusId = previous.lastBusId;
    this.dropPendingSave();
    this.record = record;
    await savePairing(this.deps.db, record);
    this.flow.stop();
  }

  /** The channel the database answered the registration with; a new one starts from notification 0. */
  async setChannel(channel: string): Promise<void> {
    const record = this.record;
    if (!record || channel === record.channel) return;
    this.dropPendingSave();
    record.channel = channel;
    record.lastBusId = 0;
    await savePairing(this.deps.db, record);
  }

  /** The bus handled notifications up to `last`: kept at once, saved a moment later with whatever follows. */
  rememberLast(last: number): void {
    const record = this.record;
    if (!record) return;
    record.lastBusId = last;
    if (this.lastSave) return;
    this.lastSave = this.deps.clock.setTimeout(() => {
      this.lastSave = null;
      if (this.record === record) void this.save(record);
    }, LAST_ID_SAVE_MS);
  }

  /** Saves the bus position now (before a reload, which would otherwise replay what came since the last save). */
  async saveNow(): Promise<void> {
    this.dropPendingSave();
    if (this.record) await this.save(this.record);
  }

  /** `server_update`: the database lives at another URL now. */
  async moveTo(serverUrl: string): Promise<void> {
    const record = this.record;
    if (!record) return;
    record.serverUrl = serverUrl;
    await savePairing(this.deps.db, record);
    this.notice = this.noticeFor(serverUrl);
    this.log.info(`the database moved to ${serverUrl}`);
    if (this.notice) this.log.warning(this.notice);
  }

  async forget(): Promise<void> {
    const previous = this.record;
    this.dropPendingSave();
    this.record = null;
    this.notice = '';
    await forgetPairing(this.deps.db, previous);
  }

  stop(): void {
    this.flow.stop();
    this.dropPendingSave();
  }

  private async codeAccepted(result: PairingResult): Promise<void> {
    let serverUrl = result.url;
    try {
      serverUrl = new URL(result.url).href.replace(/\/+$/, '');
    } catch {
      this.log.warning('the pairing proxy gave a database URL that is not a URL; kept as given');
    }
    await this.deps.events.codeAccepted({
      id: PAIRING_KEY, serverUrl, token: result.token, dbUuid: result.dbUuid, enterpriseCode: result.enterpriseCode,
      dbName: '', channel: '', lastBusId: 0, pairedAt: this.deps.clock.now(),
    });
  }

  private async save(record: PairingRecord): Promise<void> {
    await savePairing(this.deps.db, record).catch((e) => this.log.warning(`bus position not saved: ${describeError(e)}`));
  }

  private dropPendingSave(): void {
    if (this.lastSave) this.deps.clock.clearTimeout(this.lastSave);
    this.lastSave = null;
  }

  private noticeFor(serverUrl: string): string {
    return unreachableServerNotice(serverUrl, this.deps.forwardedOdooOrigin(), this.deps.pageOrigin());
  }
}
