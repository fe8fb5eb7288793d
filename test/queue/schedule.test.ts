import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFrom, demoConfig } from '../../src/lab/config.js';
import { LabClock, RetrySchedule } from '../../src/mail/delivery/schedule.js';

const DAY = 86400;

describe('the retry schedule and the lab clock', () => {
  it('defaults are Postfix\'s: 5 min first, doubling to 4000 s, 5-day lifetime, 4-hour delay warning', () => {
    const q = demoConfig().mail.queue;
    assert.deepEqual([q.minRetry, q.maxRetry, q.lifetime, q.delayWarning, q.clockSpeed, q.maxHops], [300, 4000, 5 * DAY, 4 * 3600, 1, 50]);
  });

  it('durations may be written as Postfix writes them (300s, 5m, 4h, 5d, 1w) or as seconds', () => {
    const q = configFrom({ mail: { queue: { minRetry: '1m', maxRetry: '2h', lifetime: '1w', delayWarning: 0 } } }).mail.queue;
    assert.deepEqual([q.minRetry, q.maxRetry, q.lifetime, q.delayWarning], [60, 7200, 7 * DAY, 0]);
    assert.throws(() => configFrom({ mail: { queue: { lifetime: '5 days' } } }), /mail\.queue\.lifetime.*a duration like 300s, 5m, 4h or 5d/s);
    assert.throws(() => configFrom({ mail: { queue: { minRetry: '1h', maxRetry: '5m' } } }), /maxRetry at least minRetry/);
  });

  it('the waits double from the first retry to the longest, which is over the seed\'s 30 minutes', () => {
    const schedule = new RetrySchedule(demoConfig().mail.queue, new LabClock(1));
    const waits = [1, 2, 3, 4, 5, 6, 50].map((n) => schedule.backoffSeconds(n));
    assert.deepEqual(waits, [300, 600, 1200, 2400, 4000, 4000, 4000]);
    assert.ok(waits.slice(4).every((w) => w >= 1800));
  });

  it('the next try never falls after the give-up time, so the last try happens then; expiry and the delay warning follow the lab clock', () => {
    const clock = new LabClock(7200);
    const schedule = new RetrySchedule(demoConfig().mail.queue, clock);
    const arrived = 1_000_000;
    // At 7200x, 5 days take 60 s and 4000 s take 555.6 ms.
    assert.equal(schedule.giveUpAt(arrived), arrived + 60_000);
    assert.equal(schedule.nextAttemptAt(1, arrived, arrived), arrived + 300_000 / 7200);
    assert.equal(schedule.nextAttemptAt(9, arrived, arrived + 59_900), arrived + 60_000);
    assert.equal(schedule.expired(arrived, arrived + 59_999), false);
    assert.equal(schedule.expired(arrived, arrived + 60_000), true);
    assert.equal(schedule.warningDue(arrived, arrived + 1999), false);
    assert.equal(schedule.warningDue(arrived, arrived + 2000), true);
    assert.equal(new RetrySchedule({ ...demoConfig().mail.queue, delayWarning: 0 }, clock).warningDue(arrived, arrived + 60_000), false);
    assert.equal(schedule.describeLifetime(), '5 days');
    assert.equal(schedule.describeDelayWarning(), '4 hours');
  });
});
