import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../contract/runEvents';
import { saveCampaign } from '../../../core/campaigns/campaignStore';
import { enqueueCampaign, listQueue, moveInQueue, removeFromQueue, takeNextQueued } from '../../../core/campaigns/campaignQueueStore';
import { CampaignSessions } from '../../../core/campaigns/campaignSessions';
import { openDatabase, type Db } from '../../../core/store/database';

/**
 * The campaign queue (issue 17, point 8) on a real SQLite store in a temp dir, driven through CampaignSessions with
 * the fake llem (tests/fixtures/fake-llem): a campaign started while another runs waits, then runs when it ends.
 */
const FAKE_LLEM = path.resolve(__dirname, '../../fixtures/fake-llem/llem.mjs');
const ENV = { ...process.env, LLEM_STUDIO_LLEM: FAKE_LLEM, LLEM_STUDIO_TELEMETRY: 'off', FAKE_LLEM_STEP_MS: '30' };
const STUDY = (name: string, precisions: string[]) => `name: "${name}"\nmodel: "fake/ok"\nn: 5\nsweep:\n  precision: [${precisions.map((p) => `"${p}"`).join(', ')}]\nexecution:\n  n_cycles: 1\n`;

const dirs: string[] = [];
const closers: (() => unknown)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function openStore(dir?: string): { db: Db; dir: string } {
  const d = dir ?? mkdtempSync(path.join(os.tmpdir(), 'llem-queue-'));
  if (!dir) dirs.push(d);
  const opened = openDatabase(d);
  if (!opened.ok) throw new Error(opened.error.message);
  return { db: opened.value, dir: d };
}

function campaign(db: Db, name: string, precisions = ['fp16', 'bf16']): string {
  const saved = saveCampaign(db, { name, yaml: STUDY(name, precisions), profile: 'head' });
  if (!saved.ok) throw new Error(saved.error.message);
  return saved.value.id;
}

function sessions(db: Db, dir: string, events: RunEvent[] = []): CampaignSessions {
  const s = new CampaignSessions({ db, dataDir: dir, env: ENV, log: () => undefined, foreignLeasePollMs: 50 });
  s.subscribeEvents(null, (e) => events.push(e));
  closers.push(() => s.shutdown());
  return s;
}

function finished(events: RunEvent[], campaignId: string): Promise<RunEvent & { type: 'campaign.finished' }> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const look = () => {
      const e = events.find((x) => x.type === 'campaign.finished' && x.campaignId === campaignId);
      if (e) resolve(e as RunEvent & { type: 'campaign.finished' });
      else if (Date.now() > deadline) reject(new Error(`campaign ${campaignId} did not finish; events: ${events.map((x) => `${x.type}:${x.campaignId}`).join(' ')}`));
      else setTimeout(look, 20);
    };
    look();
  });
}

describe('campaign queue store', () => {
  it('keeps order 1..n through enqueue, move, remove and take; a queued campaign keeps its place', () => {
    const { db } = openStore();
    closers.push(() => db.close());
    const [a, b, c] = [campaign(db, 'A'), campaign(db, 'B'), campaign(db, 'C')];
    for (const id of [a, b, c]) expect(enqueueCampaign(db, id).ok).toBe(true);
    expect(enqueueCampaign(db, a)).toMatchObject({ ok: true, value: { position: 1 } });
    expect(listQueue(db).map((q) => [q.name, q.position])).toEqual([['A', 1], ['B', 2], ['C', 3]]);

    expect(moveInQueue(db, c, 1).ok).toBe(true);
    expect(listQueue(db).map((q) => q.name)).toEqual(['C', 'A', 'B']);
    expect(moveInQueue(db, c, 99).ok).toBe(true); // past the end = last
    expect(listQueue(db).map((q) => q.name)).toEqual(['A', 'B', 'C']);
    expect(moveInQueue(db, 'nope', 1)).toMatchObject({ ok: false, error: { code: 'not_queued' } });

    expect(removeFromQueue(db, b)).toBe(true);
    expect(removeFromQueue(db, b)).toBe(false);
    expect(listQueue(db).map((q) => [q.name, q.position])).toEqual([['A', 1], ['C', 2]]);
    expect(enqueueCampaign(db, b, { atHead: true }).ok).toBe(true);
    expect(takeNextQueued(db)?.name).toBe('B');
    expect(listQueue(db).map((q) => [q.name, q.position])).toEqual([['A', 1], ['C', 2]]);
    expect(enqueueCampaign(db, 'missing')).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // A deleted campaign leaves the queue with it.
    db.prepare('DELETE FROM campaigns WHERE id = ?').run(a);
    expect(listQueue(db).map((q) => q.name)).toEqual(['C']);
  });
});

describe('CampaignSessions queue', () => {
  it('queues a campaign started while another runs on the GPU, and starts it when the first has ended', async () => {
    const { db, dir } = openStore();
    const events: RunEvent[] = [];
    const s = sessions(db, dir, events);
    closers.unshift(() => db.close());
    const first = campaign(db, 'first', ['fp32', 'fp16', 'bf16']);
    const second = campaign(db, 'second');

    const a = await s.start(first);
    expect(a).toMatchObject({ ok: true, value: { runCount: 3 } });
    expect(a.ok && a.value.queued).toBeFalsy();
    const b = await s.start(second);
    expect(b).toMatchObject({ ok: true, value: { runCount: 2, queued: { position: 1, waitingFor: '“first” running here' } } });
    expect(s.isRunning(second)).toBe(false);
    expect(s.queue()).toMatchObject({ entries: [{ name: 'second', position: 1 }], hold: null, waitingFor: '“first” running here' });
    // Asking again does not queue it twice.
    expect(await s.start(second)).toMatchObject({ ok: true, value: { queued: { position: 1 } } });

    const endA = await finished(events, first);
    const endB = await finished(events, second);
    expect(endA.status).toBe('completed');
    expect(endB.status).toBe('completed');
    expect(endB.counts.succeeded).toBe(2);
    const startedB = events.find((e) => e.type === 'campaign.started' && e.campaignId === second)!;
    expect(Date.parse(startedB.at)).toBeGreaterThanOrEqual(Date.parse(endA.at));
    expect(events.findIndex((e) => e === startedB)).toBeGreaterThan(events.findIndex((e) => e === endA));
    expect(s.queue().entries).toEqual([]);
  });

  it('refuses to queue a design that cannot run, naming the problem', async () => {
    const { db, dir } = openStore();
    const s = sessions(db, dir);
    closers.unshift(() => db.close());
    const running = campaign(db, 'running', ['fp32', 'fp16', 'bf16']);
    const broken = saveCampaign(db, { name: 'broken', yaml: 'model: gpt2\nprecison: fp16\n', profile: 'head' });
    if (!broken.ok) throw new Error(broken.error.message);
    expect((await s.start(running)).ok).toBe(true);
    expect(await s.start(broken.value.id)).toMatchObject({ ok: false, error: { code: 'invalid_campaign', message: expect.stringContaining('precision') } });
    expect(s.queue().entries).toEqual([]);
  });

  it('survives a restart: the stored queue comes back held, and "Start queue" runs it', async () => {
    const { db, dir } = openStore();
    const waiting = campaign(db, 'waiting');
    const later = campaign(db, 'later');
    enqueueCampaign(db, waiting);
    enqueueCampaign(db, later);
    db.close();

    const reopened = openStore(dir);
    closers.push(() => reopened.db.close());
    const events: RunEvent[] = [];
    const s = sessions(reopened.db, dir, events);
    expect(s.queue()).toMatchObject({ hold: 'restart', waitingFor: null, entries: [{ name: 'waiting', position: 1 }, { name: 'later', position: 2 }] });
    await new Promise((r) => setTimeout(r, 200));
    expect(events).toEqual([]); // nothing starts on the GPU by itself at launch

    expect(s.moveQueued(later, 1).ok).toBe(true);
    s.resumeQueue();
    await s.queueSettled();
    expect(s.isRunning(later)).toBe(true);
    await finished(events, later);
    await finished(events, waiting);
    const order = events.filter((e) => e.type === 'campaign.started').map((e) => e.campaignId);
    expect(order).toEqual([later, waiting]);
  });

  it('waits for a GPU held by another process and starts when its lease is released', async () => {
    const { db, dir } = openStore();
    const events: RunEvent[] = [];
    const s = sessions(db, dir, events);
    closers.unshift(() => db.close());
    const id = campaign(db, 'behind-the-cli');
    // `llem-studio run` in another process holds GPU 0 (a live pid: this one, under another holder name).
    const stamp = new Date().toISOString();
    db.prepare('INSERT INTO leases (resource, holder, holder_pid, holder_host, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      'gpu:0',
      'llem-studio CLI (pid 1 on elsewhere)',
      process.pid,
      os.hostname(),
      stamp,
      stamp,
    );
    expect(await s.start(id)).toMatchObject({ ok: true, value: { queued: { position: 1, waitingFor: 'llem-studio CLI (pid 1 on elsewhere)' } } });
    await new Promise((r) => setTimeout(r, 200));
    expect(s.isRunning(id)).toBe(false);
    db.prepare("DELETE FROM leases WHERE resource = 'gpu:0'").run();
    expect((await finished(events, id)).status).toBe('completed');
  });

  it('a paused campaign holds the queue until the user starts it again', async () => {
    const { db, dir } = openStore();
    const events: RunEvent[] = [];
    const s = sessions(db, dir, events);
    closers.unshift(() => db.close());
    const first = campaign(db, 'paused-one', ['fp32', 'fp16', 'bf16']);
    const second = campaign(db, 'queued-one');
    await s.start(first);
    await s.start(second);
    await s.command(first, 'pause');
    await new Promise<void>((resolve) => {
      const look = () => (events.some((e) => e.type === 'campaign.paused' && e.campaignId === first) ? resolve() : setTimeout(look, 20));
      look();
    });
    await new Promise((r) => setTimeout(r, 200));
    await s.queueSettled();
    expect(s.queue()).toMatchObject({ hold: 'paused', entries: [{ name: 'queued-one' }] });
    expect(s.isRunning(second)).toBe(false);
    s.resumeQueue();
    expect((await finished(events, second)).status).toBe('completed');
  });
});
