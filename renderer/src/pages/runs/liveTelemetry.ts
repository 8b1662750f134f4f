import { useEffect, useRef, useState } from 'react';
import type { TelemetryFrame } from '../../../../contract/telemetry';
import type { ApiClient } from '../../api/client';

/** Newest-first capacity per GPU: 10 minutes at 10 Hz. Memory stays flat however long the app is open. */
export const LIVE_WINDOW_SAMPLES = 6000;

export interface LivePoint {
  t: number;
  powerW: number | null;
  temperatureC: number | null;
  smUtilPct: number | null;
}

/** A fixed-size ring buffer: pushing past capacity overwrites the oldest point. */
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  size = 0;
  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }
  push(item: T): void {
    const end = (this.start + this.size) % this.capacity;
    this.items[end] = item;
    if (this.size < this.capacity) this.size++;
    else this.start = (this.start + 1) % this.capacity;
  }
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }
}

export interface LiveTelemetry {
  /** Per GPU index, oldest first. */
  series: Map<number, LivePoint[]>;
  latest: TelemetryFrame | null;
  connected: boolean;
  error: string | null;
}

/** Subscribes to `telemetry.live` and redraws at most every `redrawMs` (samples arrive at up to 10 Hz). */
export function useLiveTelemetry(api: ApiClient, redrawMs = 200): LiveTelemetry {
  const rings = useRef(new Map<number, Ring<LivePoint>>());
  const latest = useRef<TelemetryFrame | null>(null);
  const [state, setState] = useState<LiveTelemetry>({ series: new Map(), latest: null, connected: false, error: null });

  useEffect(() => {
    let dirty = false;
    let error: string | null = null;
    const stop = api.subscribe(
      'telemetry.live',
      {},
      (frame) => {
        latest.current = frame;
        for (const s of frame.samples) {
          let ring = rings.current.get(s.gpuIndex);
          if (!ring) rings.current.set(s.gpuIndex, (ring = new Ring<LivePoint>(LIVE_WINDOW_SAMPLES)));
          ring.push({ t: s.tMs, powerW: s.powerW, temperatureC: s.temperatureC, smUtilPct: s.smUtilPct });
        }
        dirty = true;
      },
      (e) => {
        error = e?.message ?? 'The telemetry stream ended.';
        dirty = true;
      },
    );
    const timer = setInterval(() => {
      if (!dirty) return;
      dirty = false;
      const series = new Map<number, LivePoint[]>();
      for (const [gpu, ring] of rings.current) series.set(gpu, ring.toArray());
      setState({ series, latest: latest.current, connected: error === null, error });
    }, redrawMs);
    return () => {
      clearInterval(timer);
      stop();
    };
  }, [api, redrawMs]);

  return state;
}
