import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutputArena } from '../../src/net/output-arena.js';

describe('OutputArena', () => {
  it('hands out consecutive pieces of one memory, and the same memory again after recycle', () => {
    const arena = new OutputArena();
    const a = arena.take(100);
    const b = arena.take(200);
    assert.equal(a.buffer, b.buffer);
    assert.equal(b.byteOffset, a.byteOffset + 100);
    assert.equal(arena.inUse, true);
    arena.recycle();
    assert.equal(arena.inUse, false);
    const c = arena.take(50);
    assert.equal(c.buffer, a.buffer);
    assert.equal(c.byteOffset, a.byteOffset);
  });

  it('gives a piece larger than what is left memory of its own', () => {
    const arena = new OutputArena();
    const first = arena.take(300 * 1024);
    const second = arena.take(300 * 1024);
    assert.notEqual(second.buffer, first.buffer);
    assert.equal(second.length, 300 * 1024);
  });

  it('passes released memory on only when nothing taken from it is still referenced', () => {
    const pending = new OutputArena();
    const held = pending.take(10);
    held.fill(1);
    pending.release(false);
    const other = new OutputArena();
    const fresh = other.take(10);
    assert.notEqual(fresh.buffer, held.buffer, 'memory a write may still hold is never handed out again');
    other.release(true);
    const next = new OutputArena();
    assert.equal(next.take(10).buffer, fresh.buffer, 'memory given back whole serves the next arena');
    next.release(true);
  });
});
