/**
 * The VEN's journal: what it remembers of each event it answered (the version, its reports' ids,
 * the steps its setpoints cover, a withdrawal), so a restarted VEN neither answers twice nor
 * forgets to put its levers back when an event goes.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** What the VEN remembers of an event it answered. */
export interface JournalEntry {
  version: string;
  forecastReportId?: string;
  measuredReportId?: string;
  /** Steps the published setpoints cover (to put them back to the plan if the event goes). */
  fromStep?: number;
  length?: number;
  /** Why and when the setpoints were withdrawn (the event deleted, cancelled or no longer targeted here). */
  withdrawn?: { reason: WithdrawReason; atMs: number };
}

/** Why a VEN withdraws its setpoints for an event. */
export type WithdrawReason = 'deleted' | 'cancelled' | 'not listed';

/** Where answered events are remembered (a JSON file, or memory). */
export interface VenJournal {
  get(eventId: string): JournalEntry | undefined;
  set(eventId: string, e: JournalEntry): void;
  /** Ids of every event remembered. */
  ids(): string[];
}

/** A journal in memory (lost with the process unless shared by the caller). */
export class MemoryJournal implements VenJournal {
  readonly entries = new Map<string, JournalEntry>();
  get(id: string) {
    return this.entries.get(id);
  }
  set(id: string, e: JournalEntry) {
    this.entries.set(id, e);
  }
  ids() {
    return [...this.entries.keys()];
  }
}

/** A journal in a JSON file, rewritten atomically on every change. */
export class FileJournal implements VenJournal {
  private readonly data: Record<string, JournalEntry>;
  constructor(private readonly file: string) {
    this.data = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, JournalEntry>) : {};
  }
  get(id: string) {
    return this.data[id];
  }
  set(id: string, e: JournalEntry) {
    this.data[id] = e;
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.data, null, 2));
    renameSync(`${this.file}.tmp`, this.file);
  }
  ids() {
    return Object.keys(this.data);
  }
}
