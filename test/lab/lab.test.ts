import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WirelabError } from '../../src/lab/errors.js';
import { startTestLab } from '../helpers/lab.js';

describe('startLab', () => {
  it('refuses a non-loopback address while a demo password is in use, and says how to fix it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wirelab-lab-'));
    try {
      await assert.rejects(
        startTestLab({
          dataDir,
          edit: (c) => {
            // 192.0.2.1 is TEST-NET-1: the lab refuses before binding anything, so nothing is sent anywhere.
            c.hosts[0]!.address = '192.0.2.1';
          },
        }),
        (err: unknown) =>
          err instanceof WirelabError &&
          err.code === 'NOT_LOOPBACK_WITH_DEMO_PASSWORD' &&
          /refusing to listen on 192\.0\.2\.1: .*user1@st\.um.* demo password\. Change it with `wirelab users passwd ADDRESS`/.test(err.message),
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('gives the bound endpoints and keeps a user changed password across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wirelab-lab-'));
    try {
      const lab = await startTestLab({ dataDir, keepData: true });
      const smtp = lab.endpoint('smtp');
      assert.equal(smtp.address, '127.0.0.1');
      assert.ok(smtp.port > 0);
      await lab.directory.setPassword('user1@st.um', 'changed');
      await lab.dispose();
      const again = await startTestLab({ dataDir, keepData: true });
      assert.ok(await again.directory.authenticate('user1', 'changed'));
      assert.equal(await again.directory.authenticate('user1', 'password'), undefined);
      assert.ok(await again.directory.authenticate('USER2@st.um', 'password'), 'login by full address, any case');
      await again.dispose();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('hosts this machine cannot bind', () => {
  it('are found before any service starts (binding sends nothing)', async () => {
    const { unreachableHosts } = await import('../../src/lab/host-addresses.js');
    const missing = await unreachableHosts([
      { name: 'here.st.um', address: '127.0.0.2', aliases: [] },
      { name: 'elsewhere.st.um', address: '192.0.2.7', aliases: [] },
    ]);
    assert.deepEqual(missing.map((h) => h.name), ['elsewhere.st.um']);
  });
});
