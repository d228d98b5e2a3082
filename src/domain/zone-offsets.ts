import { IANAZone } from 'luxon';

/** A stretch of real time [start, end) during which a zone's UTC offset does not change. */
export interface OffsetStretch {
  readonly start: number;
  readonly end: number;
  /** Local wall-clock time minus UTC, in ms (whole seconds: historical LMT offsets have seconds). */
  readonly offsetMs: number;
}

const HOUR_MS = 3_600_000;

/**
 * Offset changes are found by sampling the offset every SAMPLE_MS and bisecting where two samples
 * differ. Two changes that undo each other between samples would go unseen; in the tz database the
 * shortest time between two changes of a zone's offset is almost four days (Africa/Freetown, 1939),
 * so 12 h leaves a wide margin.
 */
const SAMPLE_MS = 12 * HOUR_MS;
/** Changes are looked up per block of real time and kept, since a calendar asks the same years again and again. */
const BLOCK_MS = 64 * SAMPLE_MS;

/** No zone's offset is this far from UTC (the extremes are LMT offsets of about 16 h). */
const MAX_OFFSET_MS = 27 * HOUR_MS;

interface Change {
  readonly at: number;
  readonly offsetMs: number;
}

/** The changes in (start, end] of one block, in time order. */
type Block = readonly Change[];

/**
 * The offsets of one IANA zone, read from the platform's time-zone data through luxon. Each
 * calendar owns one, so what it caches lives and goes with the calendar's config.
 */
export class ZoneOffsets {
  private readonly blocks = new Map<number, Block>();
  private readonly zone: IANAZone;

  constructor(name: string) {
    this.zone = IANAZone.create(name);
  }

  /** The offset in ms at an instant; luxon gives minutes, with a fraction for offsets with seconds. */
  offsetAt(instant: number): number {
    return Math.round(this.zone.offset(instant) * 60) * 1000;
  }

  /** [from, to) cut into the stretches of constant offset, in time order. */
  stretches(from: number, to: number): OffsetStretch[] {
    const stretches: OffsetStretch[] = [];
    let start = from;
    let offsetMs = this.offsetAt(from);
    for (let index = Math.floor(from / BLOCK_MS); index * BLOCK_MS < to; index += 1) {
      for (const change of this.block(index)) {
        if (change.at <= from) continue;
        if (change.at >= to) break;
        stretches.push({ start, end: change.at, offsetMs });
        start = change.at;
        offsetMs = change.offsetMs;
      }
    }
    stretches.push({ start, end: to, offsetMs });
    return stretches;
  }

  /**
   * The first instant at which the wall clock shows `localMs` (local time written as if it were UTC)
   * or later: where a local day or year begins. Later instants may show earlier times again when
   * the clock goes back.
   */
  firstInstantShowing(localMs: number): number {
    for (const stretch of this.stretches(localMs - MAX_OFFSET_MS, localMs + MAX_OFFSET_MS)) {
      const candidate = Math.max(stretch.start, localMs - stretch.offsetMs);
      if (candidate < stretch.end) return candidate;
    }
    throw new Error(`zone ${this.zone.name}: no instant shows ${new Date(localMs).toISOString().slice(0, 19)}`);
  }

  private block(index: number): Block {
    let block = this.blocks.get(index);
    if (!block) {
      block = this.scan(index * BLOCK_MS, (index + 1) * BLOCK_MS);
      this.blocks.set(index, block);
    }
    return block;
  }

  private scan(start: number, end: number): Block {
    const changes: Change[] = [];
    let before = start;
    let offsetBefore = this.offsetAt(start);
    for (let sample = start + SAMPLE_MS; sample <= end; sample += SAMPLE_MS) {
      const offsetAfter = this.offsetAt(sample);
      // Several changes between two samples are followed one by one, as long as they do not cancel out.
      while (offsetAfter !== offsetBefore) {
        const at = this.firstChange(before, sample, offsetBefore);
        offsetBefore = this.offsetAt(at);
        changes.push({ at, offsetMs: offsetBefore });
        before = at;
      }
      before = sample;
    }
    return changes;
  }

  /** The first instant in (low, high] whose offset is not `offsetMs`, given that high's is not. */
  private firstChange(low: number, high: number, offsetMs: number): number {
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (this.offsetAt(middle) === offsetMs) low = middle;
      else high = middle;
    }
    return high;
  }
}
