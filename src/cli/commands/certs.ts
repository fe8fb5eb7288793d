import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { WirelabError } from '../../lab/errors.js';
import { createLogger } from '../../lab/logger.js';
import { describeNames } from '../../pki/credentials.js';
import { findCertificate, issueNamed, listCertificates } from '../../pki/inventory.js';
import { prepareLabCertificates, type LabCertificates } from '../../pki/lab-tls.js';
import { namesOf, notAfter } from '../../pki/renewal.js';
import type { CliCommand, CliContext, OptionValues } from '../command.js';
import { table } from '../table.js';

const ACTIONS = ['list', 'show', 'export-ca', 'issue', 'sign'] as const;
type Action = (typeof ACTIONS)[number];

function prepare(ctx: CliContext): Promise<LabCertificates> {
  return prepareLabCertificates(ctx.config, ctx.dataDir, createLogger('info', 'pki', (line) => ctx.err(line.trimEnd())));
}

function daysFrom(values: OptionValues): number | undefined {
  const text = values.days;
  if (typeof text !== 'string') return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 3650) {
    throw new WirelabError('BAD_ARGUMENT', `--days ${text}: expected a whole number of days from 1 to 3650`);
  }
  return Number(text);
}

/** How to make each kind of client trust the lab CA (the seed's step of importing cacert.pem into the browser). */
function trustHelp(ctx: CliContext, file: string, fingerprint: string): string[] {
  const port = (standard: number): number => standard + ctx.portOffset;
  return [
    `SHA-256 fingerprint: ${fingerprint} (compare it before trusting the file)`,
    'Trust it:',
    `  curl            curl --cacert ${file} imaps://127.0.0.1:${port(993)}/INBOX -u user1@st.um:password`,
    `  openssl         openssl s_client -CAfile ${file} -verify_return_error -starttls smtp -connect 127.0.0.1:${port(25)}`,
    `  swaks           swaks --tls --tls-ca-path ${file} --tls-verify --server 127.0.0.1:${port(587)} --auth-user user1@st.um ...`,
    `  Python          ssl.create_default_context(cafile="${file}")`,
    '  Thunderbird     Settings → Privacy & Security → Certificates → Manage Certificates → Authorities → Import…,',
    '                  then tick "This certificate can identify websites" (Thunderbird uses it for mail servers too)',
    `  Debian/Ubuntu   sudo cp ${file} /usr/local/share/ca-certificates/wirelab.crt && sudo update-ca-certificates`,
    '                  (undo: remove the file and run sudo update-ca-certificates --fresh)',
  ];
}

export const certsCommand: CliCommand = {
  name: 'certs',
  summary: 'the lab certificate authority: list, show, export the CA, issue certificates, sign CSRs',
  usage: [
    'wirelab certs list',
    'wirelab certs show NAME              (ca, a host name or alias, an issued name, or a PEM file)',
    'wirelab certs export-ca [FILE]       (without FILE: the PEM on standard output)',
    'wirelab certs issue NAME [--san NAME|IP]... [--days N]',
    'wirelab certs sign CSR [--out FILE] [--days N]   (CSR made by `openssl req -new`; - reads standard input)',
  ],
  options: {
    san: { type: 'string', multiple: true, help: 'issue: another DNS name or IP address for the certificate (repeat it)' },
    days: { type: 'string', help: 'issue, sign: days the certificate is valid (default: the config\'s pki.certificateDays)' },
    out: { type: 'string', short: 'o', help: 'sign: write the certificate to FILE instead of standard output' },
  },
  async run({ positionals, values }, ctx) {
    const [action, argument, extra] = positionals;
    const needsArgument = action === 'show' || action === 'issue' || action === 'sign';
    if (!ACTIONS.includes(action as Action) || (needsArgument && !argument) || extra !== undefined || (action === 'list' && argument)) {
      ctx.err(`usage:\n  ${certsCommand.usage.join('\n  ')}`);
      return 2;
    }
    const certs = await prepare(ctx);
    switch (action as Action) {
      case 'list': {
        const rows = (await listCertificates(certs)).map((e) => [
          e.name,
          e.kind,
          notAfter(e.certificate).toISOString().slice(0, 10),
          e.kind === 'ca' ? certs.authority.subject : describeNames(namesOf(e.certificate)),
        ]);
        for (const line of table(['NAME', 'KIND', 'EXPIRES', 'NAMES'], rows)) ctx.out(line);
        ctx.out(`(files in ${certs.paths.root})`);
        return 0;
      }
      case 'show': {
        const entry = await findCertificate(certs, ctx.config, argument!);
        const pem = entry ? entry.certificate.toString() : await readPemFile(argument!);
        // Loaded here only: the X.509 library behind it takes a moment to load.
        const { describeCertificate } = await import('../../pki/describe.js');
        try {
          ctx.out(describeCertificate(pem));
        } catch {
          throw new WirelabError('BAD_ARGUMENT', `${argument!} is neither a certificate name (see \`wirelab certs list\`) nor a PEM certificate file`);
        }
        if (entry) ctx.out(`File: ${entry.file}`);
        return 0;
      }
      case 'export-ca': {
        const fingerprint = certs.authority.certificate.fingerprint256;
        if (!argument) {
          ctx.out(certs.authority.certificatePem);
          for (const line of trustHelp(ctx, 'ca.pem', fingerprint)) ctx.err(line);
          return 0;
        }
        await writeFile(argument, `${certs.authority.certificatePem}\n`, { mode: 0o644 });
        ctx.out(`wrote the lab CA "${certs.authority.subject}" to ${argument}`);
        for (const line of trustHelp(ctx, argument, fingerprint)) ctx.out(line);
        return 0;
      }
      case 'issue': {
        const sans = Array.isArray(values.san) ? values.san.map(String) : [];
        let credentials;
        try {
          credentials = await issueNamed(certs, ctx.config, argument!, sans, daysFrom(values));
        } catch (err) {
          if (err instanceof WirelabError) throw err;
          throw new WirelabError('BAD_ARGUMENT', `certs issue: ${(err as Error).message}`);
        }
        ctx.out(`issued ${argument} (${describeNames(credentials.names)}), valid until ${notAfter(credentials.certificate).toISOString().slice(0, 10)}`);
        ctx.out(`  certificate: ${certs.paths.issuedCert(argument!)}`);
        ctx.out(`  key:         ${certs.paths.issuedKey(argument!)}   (readable only by you)`);
        return 0;
      }
      case 'sign': {
        const csr = argument === '-' ? await readStdin() : await readPemFile(argument!);
        const { CsrError, signRequest } = await import('../../pki/csr.js');
        let signed;
        try {
          signed = await signRequest(await certs.authority.signer(), certs.paths, csr, ctx.config.pki, daysFrom(values));
        } catch (err) {
          if (err instanceof CsrError) throw new WirelabError('BAD_ARGUMENT', `certs sign ${argument}: ${err.message}`);
          throw err;
        }
        const { pem } = signed;
        const certificate = new X509Certificate(pem);
        const summary = `signed "${certificate.subject.split('\n').join(', ')}" (${describeNames(namesOf(certificate))}), valid until ${notAfter(certificate).toISOString().slice(0, 10)}; a copy is in ${signed.copy}`;
        if (typeof values.out === 'string') {
          await writeFile(values.out, pem, { mode: 0o644 });
          ctx.out(`${summary}\nwrote ${values.out}`);
        } else {
          ctx.out(pem.trimEnd());
          ctx.err(summary);
        }
        return 0;
      }
    }
  },
};

async function readPemFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such certificate name or file' : (err as Error).message;
    throw new WirelabError('BAD_ARGUMENT', `${path}: ${why}. See \`wirelab certs list\`.`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
