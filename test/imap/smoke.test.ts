import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliver, sampleMessage, startImapLab } from './helpers/imap-lab.js';
import { RawImap } from './helpers/raw-client.js';

test('smoke', async () => {
  const lab = await startImapLab();
  try {
    await deliver(lab, 'user1@st.um', [sampleMessage(1), sampleMessage(2)]);
    const c = await RawImap.connect(lab.endpoint('imap').port);
    console.log(c.greeting);
    for (const [tag, cmd] of [['a1', 'login user1 password'], ['a2', 'list "" *'], ['a3', 'select inbox'], ['a4', 'fetch 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE)'], ['a5', 'fetch 1 body[]'], ['a6', 'logout']] as const) {
      const r = await c.command(tag, cmd);
      console.log(r.map((x) => x.text).join('\n'));
    }
    c.close();
  } finally {
    await lab.dispose();
  }
  assert.ok(true);
});
