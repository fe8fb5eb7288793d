/** The numbers of the DNS wire format (RFC 1035 §3.2, §4.1.1 and later RFCs), with their mnemonics. */

export const RrType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  DNAME: 39,
  OPT: 41,
  CAA: 257,
  /** Query-only types (RFC 1995, RFC 1035 §3.2.3). */
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

const typeNames = new Map<number, string>(Object.entries(RrType).map(([name, code]) => [code, name]));

/** `A`, `MX`, … or the RFC 3597 form `TYPE65280` for a type without a mnemonic. */
export function typeName(code: number): string {
  return typeNames.get(code) ?? `TYPE${code}`;
}

/** The type code of a mnemonic or RFC 3597 `TYPEnnn`, or undefined. */
export function typeCode(name: string): number | undefined {
  const upper = name.toUpperCase();
  const known = (RrType as Record<string, number>)[upper];
  if (known !== undefined) return known;
  const generic = /^TYPE(\d{1,5})$/.exec(upper);
  return generic && Number(generic[1]) <= 0xffff ? Number(generic[1]) : undefined;
}

export const RrClass = { IN: 1, CH: 3, NONE: 254, ANY: 255 } as const;

const classNames = new Map<number, string>(Object.entries(RrClass).map(([name, code]) => [code, name]));

export function className(code: number): string {
  return classNames.get(code) ?? `CLASS${code}`;
}

/** Header OPCODE values (RFC 1035 §4.1.1, RFC 1996, RFC 2136). */
export const Opcode = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

const opcodeNames = new Map<number, string>(Object.entries(Opcode).map(([name, code]) => [code, name]));

export function opcodeName(code: number): string {
  return opcodeNames.get(code) ?? `OPCODE${code}`;
}

/** Header flag bits in the 16-bit flags word (RFC 1035 §4.1.1, RFC 4035 §3.2). */
export const Flag = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  AD: 0x0020,
  CD: 0x0010,
} as const;

/** The DO bit in the OPT record's flags (RFC 3225). */
export const EDNS_DO = 0x8000;

/** Largest UDP answer the lab sends with EDNS: the 2020 DNS flag day's 1232 bytes, as BIND. */
export const MAX_UDP_PAYLOAD = 1232;
/** UDP answers to queries without EDNS (RFC 1035 §4.2.1). */
export const CLASSIC_UDP_PAYLOAD = 512;
