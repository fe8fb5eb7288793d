import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { ZodIssue } from 'zod';
import { labSchema, type HostConfig, type LabConfig, type LabConfigInput } from './config-schema.js';
import { DEMO_CONFIG_YAML } from './demo-config.js';
import { WirelabError } from './errors.js';

export * from './config-schema.js';

/** Validates a config object, with errors that name the key, the value found and what is allowed. */
export function validateConfig(input: unknown, source = 'config'): LabConfig {
  const parsed = labSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => describeIssue(issue, input));
    throw new WirelabError('CONFIG_INVALID', `${source} is not valid:\n${lines.map((l) => `  - ${l}`).join('\n')}`);
  }
  checkReferences(parsed.data, source);
  return parsed.data;
}

export function parseConfigText(text: string, source: string): LabConfig {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` (line ${err.linePos[0].line})` : '';
    throw new WirelabError('CONFIG_INVALID', `${source} is not valid YAML${where}: ${(err as Error).message.split('\n')[0]}`);
  }
  return validateConfig(data ?? {}, source);
}

export async function loadConfigFile(path: string): Promise<LabConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new WirelabError('CONFIG_MISSING', `cannot read config ${path}: ${why}. Create one with \`wirelab init ${path}\`.`);
  }
  return parseConfigText(text, path);
}

export function demoConfig(): LabConfig {
  return parseConfigText(DEMO_CONFIG_YAML, 'the built-in demo config');
}

/** Builds a config from the demo with parts replaced — handy for tests and for `startLab` callers. */
export function configFrom(overrides: Partial<LabConfigInput>): LabConfig {
  const base = parseYaml(DEMO_CONFIG_YAML) as LabConfigInput;
  return validateConfig({ ...base, ...overrides }, 'config');
}

export function findHost(config: LabConfig, name: string): HostConfig | undefined {
  const wanted = name.toLowerCase();
  return config.hosts.find((h) => h.name.toLowerCase() === wanted || h.aliases.some((a) => a.toLowerCase() === wanted));
}

function checkReferences(config: LabConfig, source: string): void {
  const problems: string[] = [];
  const hostNames = new Set<string>();
  config.hosts.forEach((host, i) => {
    for (const name of [host.name, ...host.aliases]) {
      const key = name.toLowerCase();
      if (hostNames.has(key)) problems.push(`hosts[${i}]: the name ${name} is used twice`);
      hostNames.add(key);
    }
  });
  const hostList = config.hosts.map((h) => h.name).join(', ');
  config.domains.forEach((domain, i) => {
    if (!findHost(config, domain.mailHost)) {
      problems.push(`domains[${i}].mailHost: ${domain.mailHost} is not one of the hosts (${hostList})`);
    }
    domain.nameServers.forEach((ns, j) => {
      if (!findHost(config, ns)) problems.push(`domains[${i}].nameServers[${j}]: ${ns} is not one of the hosts (${hostList})`);
    });
  });
  for (const [name, service] of Object.entries(config.services)) {
    if (!findHost(config, service.host)) {
      problems.push(`services.${name}.host: ${service.host} is not one of the hosts (${hostList})`);
    }
  }
  const seen = new Set<string>();
  config.users.forEach((user, i) => {
    const key = user.address.toLowerCase();
    if (seen.has(key)) problems.push(`users[${i}].address: ${user.address} is listed twice`);
    seen.add(key);
    const domain = key.split('@')[1] ?? '';
    if (!config.domains.some((d) => d.name.toLowerCase() === domain)) {
      problems.push(`users[${i}].address: ${user.address} is not in one of the lab's domains (${config.domains.map((d) => d.name).join(', ')})`);
    }
  });
  if (problems.length > 0) {
    throw new WirelabError('CONFIG_INVALID', `${source} is not valid:\n${problems.map((l) => `  - ${l}`).join('\n')}`);
  }
}

function describeIssue(issue: ZodIssue, input: unknown): string {
  const key = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return `${key === '(top level)' ? '' : `${key}: `}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  }
  const value = valueAt(input, issue.path);
  const found = value === undefined ? 'missing' : `got ${JSON.stringify(value)}`;
  return `${key}: ${found} — expected ${explain(issue)}`;
}

function explain(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a mapping of keys' : `a ${issue.expected}`;
    case 'too_small':
      return issue.type === 'array' ? `a list of at least ${issue.minimum} item(s)` : `a value of at least ${issue.minimum}`;
    case 'too_big':
      return issue.type === 'array' ? `a list of at most ${issue.maximum} item(s)` : `a value of at most ${issue.maximum}`;
    default:
      return issue.message;
  }
}

function valueAt(input: unknown, path: (string | number)[]): unknown {
  let here: unknown = input;
  for (const step of path) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<string | number, unknown>)[step];
  }
  return here;
}
