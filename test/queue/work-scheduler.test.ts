import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkScheduler } from '../../src/mail/delivery/work-scheduler.js';

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the delivery agent\'s work scheduler', () => {
  it('never more than `concurrency` messages in work, never one message twice at once, FIFO for the due ones', async () => {
    let running = 0;
    let peak = 0;
    const order: string[] = [];
    const inWork = new Set<string>();
    const scheduler = new WorkScheduler(3, async (id) => {
      assert.ok(!inWork.has(id), `${id} worked twice at once`);
      inWork.add(id);
      running += 1;
      peak = Math.max(peak, running);
      order.push(id);
      await tick(10);
      running -= 1;
      inWork.delete(id);
      return undefined;
    }, (id, err) => assert.fail(`${id}: ${String(err)}`));
    for (let i = 0; i < 10; i++) scheduler.makeReady(`m${i}`);
    scheduler.makeReady('m0');
    for (let i = 0; i < 200 && scheduler.worked < 11; i++) await tick();
    assert.equal(peak, 3);
    assert.deepEqual(order.slice(0, 10), Array.from({ length: 10 }, (_, i) => `m${i}`));
    assert.equal(order.filter((id) => id === 'm0').length, 2, 'made ready while in work: worked again afterwards');
    await scheduler.stop(1000);
  });

  it('a message waits for its time; `force` reaches the worker; a request on a message in work waits for it (exclusive)', async () => {
    const calls: { id: string; force: boolean; at: number }[] = [];
    const start = Date.now();
    let release: () => void = () => undefined;
    const scheduler = new WorkScheduler(2, async (id, force) => {
      calls.push({ id, force, at: Date.now() - start });
      if (id === 'slow') await new Promise<void>((r) => (release = r));
      return undefined;
    }, () => undefined);
    scheduler.schedule('later', Date.now() + 80);
    scheduler.makeReady('now', true);
    scheduler.makeReady('slow');
    for (let i = 0; i < 100 && calls.length < 2; i++) await tick();
    assert.deepEqual(calls.map((c) => [c.id, c.force]), [['now', true], ['slow', false]]);
    let adminRan = false;
    const admin = scheduler.exclusive('slow', async () => {
      adminRan = true;
    });
    await tick(20);
    assert.equal(adminRan, false, 'the request waits while the message is in work');
    release();
    await admin;
    assert.equal(adminRan, true);
    for (let i = 0; i < 100 && calls.length < 3; i++) await tick();
    const later = calls.find((c) => c.id === 'later');
    assert.ok(later && later.at >= 75, `the scheduled message ran at ${later?.at} ms`);
    await scheduler.stop(1000);
  });

  it('a failing worker is not retried in a tight loop: the message is looked at again a minute later', async () => {
    const errors: string[] = [];
    let runs = 0;
    const scheduler = new WorkScheduler(1, async () => {
      runs += 1;
      throw new Error('disk full');
    }, (id, err) => errors.push(`${id}: ${(err as Error).message}`));
    scheduler.makeReady('broken');
    await tick(50);
    assert.equal(runs, 1);
    assert.deepEqual(errors, ['broken: disk full']);
    assert.ok(scheduler.has('broken'), 'still held, for later');
    await scheduler.stop(1000);
  });
});
