import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { demoConfig, parseConfigText, validateConfig } from '../../src/lab/config.js';
import { DEMO_CONFIG_YAML } from '../../src/lab/demo-config.js';
import { WirelabError } from '../../src/lab/errors.js';

function problem(edit: (c: Record<string, unknown>) => void): string {
  const raw = parseYaml(DEMO_CONFIG_YAML) as Record<string, unknown>;
  edit(raw);
  try {
    validateConfig(raw, 'lab.yaml');
  } catch (err) {
    assert.ok(err instanceof WirelabError);
    assert.equal(err.code, 'CONFIG_INVALID');
    return err.message;
  }
  assert.fail('the config was accepted');
}

describe('config validation', () => {
  it('the demo holds the seed network: st.um, its secondary ns2, and the relay domain um.es', () => {
    const config = demoConfig();
    assert.deepEqual(config.hosts.map((h) => [h.name, h.address]), [['st.um', '127.0.0.1'], ['ns2.st.um', '127.0.0.2'], ['um.es', '127.0.0.3']]);
    assert.deepEqual(config.mail.localNetworks, ['127.0.0.1/32']);
    assert.deepEqual(config.mail.relayDomains, ['um.es']);
    assert.ok(config.users.some((u) => u.address === 'user1@st.um' && u.password === 'password'));
    assert.ok(config.hosts[0]!.aliases.includes('www3.st.um'));
  });

  it('names the key, the value and what is allowed', () => {
    const message = problem((c) => ((c.services as Record<string, Record<string, unknown>>).smtp!.port = 99999));
    assert.match(message, /services\.smtp\.port: got 99999 — expected a value of at most 65535/);
    assert.match(problem((c) => ((c.mail as Record<string, unknown>).localNetworks = ['10.0.0.0/33'])), /mail\.localNetworks\[0\]: got "10\.0\.0\.0\/33" — expected an address or network like 127\.0\.0\.1\/32/);
    assert.match(problem((c) => ((c.hosts as Record<string, unknown>[])[0]!.address = 'localhost')), /hosts\[0\]\.address: got "localhost" — expected an IPv4 or IPv6 address/);
    assert.match(problem((c) => (c.colour = 'blue')), /unknown key colour/);
    assert.match(problem((c) => ((c.services as Record<string, Record<string, unknown>>).smtp!.host = 'nowhere.st.um')), /services\.smtp\.host: nowhere\.st\.um is not one of the hosts \(st\.um, ns2\.st\.um, um\.es\)/);
    assert.match(problem((c) => ((c.users as unknown[]).push({ address: 'eve@evil.example', password: 'x' }))), /is not in one of the lab's domains/);
    assert.match(problem((c) => delete c.domains), /domains: missing — expected a list/);
  });

  it('reports bad YAML with its line', () => {
    assert.throws(() => parseConfigText('hosts:\n  - name: [unclosed\n', 'broken.yaml'), /broken\.yaml is not valid YAML \(line \d+\)/);
  });
});
