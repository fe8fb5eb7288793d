import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ByteQueue } from '../../src/net/byte-queue.js';

describe('ByteQueue', () => {
  it('finds and takes bytes across chunk boundaries exactly as a flat buffer would', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 20 }), fc.array(fc.nat(30), { maxLength: 10 }), (chunks, takes) => {
        const queue = new ByteQueue();
        let flat = Buffer.alloc(0);
        for (const c of chunks) {
          queue.push(Buffer.from(c));
          flat = Buffer.concat([flat, Buffer.from(c)]);
        }
        for (const n of takes) {
          assert.equal(queue.indexOf(10), flat.indexOf(10));
          const k = Math.min(n, flat.length);
          assert.deepEqual(queue.take(k), flat.subarray(0, k));
          flat = flat.subarray(k);
          assert.equal(queue.length, flat.length);
        }
      }),
    );
  });
});
