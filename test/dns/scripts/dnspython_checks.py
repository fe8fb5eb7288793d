"""Drives the lab's DNS with dnspython, as a Python developer's integration test would.
Usage: dnspython_checks.py ADDRESS PORT; prints one JSON object with what it saw."""
import json
import sys

import dns.flags
import dns.message
import dns.query
import dns.rdatatype
import dns.zone

address, port = sys.argv[1], int(sys.argv[2])
out = {}


def ask(name, rdtype, tcp=False, **kw):
    q = dns.message.make_query(name, rdtype, **kw)
    if tcp:
        return dns.query.tcp(q, address, port=port, timeout=3)
    return dns.query.udp(q, address, port=port, timeout=3, ignore_trailing=False)


# 0x20: mixed case must come back exactly as sent, or dnspython rejects the reply.
r = ask("MaIl.St.Um", "A")
out["mixed_case_question"] = r.question[0].name.to_text()
out["mixed_case_answer"] = [rr.to_text() for rrset in r.answer for rr in rrset]
out["aa"] = bool(r.flags & dns.flags.AA)

r = ask("st.um", "MX", tcp=True)
out["mx_tcp"] = sorted(rr.to_text() for rrset in r.answer for rr in rrset)
out["mx_additional"] = sorted(rrset.name.to_text() for rrset in r.additional)

r = ask("_submission._tcp.st.um", "SRV")
out["srv"] = [rr.to_text() for rrset in r.answer for rr in rrset]

r = ask("missing.st.um", "A")
out["nxdomain_rcode"] = dns.rcode.to_text(r.rcode())
out["nxdomain_authority"] = [rrset.to_text() for rrset in r.authority]

r = ask("big.st.um", "A", use_edns=0, payload=512)
out["tc_at_512"] = bool(r.flags & dns.flags.TC)
r = ask("big.st.um", "A", use_edns=0, payload=1232)
out["answers_at_1232"] = sum(len(rrset) for rrset in r.answer)
out["edns_payload"] = r.payload

zone = dns.zone.from_xfr(dns.query.xfr(address, "st.um", port=port, timeout=5))
out["axfr_names"] = sorted(str(n) for n in zone.nodes.keys())
out["axfr_www"] = zone.find_rdataset("www", "CNAME")[0].to_text()
soa = zone.find_rdataset("@", "SOA")[0]
out["serial"] = soa.serial

# IXFR with the current serial: the server answers with its SOA alone (RFC 1995 §4).
q = dns.message.make_query("st.um.", "IXFR")
q.authority.append(dns.rrset.from_text("st.um.", 0, "IN", "SOA", f"ns1.st.um. root.ns1.st.um. {soa.serial} 1 1 1 1"))
r = dns.query.tcp(q, address, port=port, timeout=3)
out["ixfr_current"] = [rrset.rdtype == dns.rdatatype.SOA for rrset in r.answer]

print(json.dumps(out))
