/**
 * Messages that exercise MIME parsing: nesting, encodings, defaults, odd boundaries, encoded words,
 * groups. Written with LF here and stored with CRLF, as wirelab stores mail.
 */
function crlf(text: string): Buffer {
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
}

export const CORPUS: Record<string, Buffer> = {
  plain: crlf(`From: Alice Example <alice@um.es>
To: user1@st.um
Subject: Plain
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-ID: <plain@um.es>

Hello,
two lines.
`),

  noContentTypeEncodedWords: crlf(`From: =?UTF-8?Q?Andr=C3=A9?= <andre@um.es> (the sender)
Sender: secretary@um.es
Reply-To: "Replies, please" <replies@um.es>
To: undisclosed-recipients:;, "Bob \\"the builder\\"" <bob@st.um>, carol@st.um (Carol C.)
Cc: Team: dave@st.um, Eve <eve@st.um>;
Subject: =?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=
 =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=
In-Reply-To: <parent@um.es>
Date: Tue, 2 Jan 2024 08:30:00 +0100

No Content-Type at all: text/plain; charset=us-ascii by default.
`),

  alternative: crlf(`From: alice@um.es
To: user1@st.um
Subject: Alternative
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt-1"

This is the preamble.
--alt-1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Caf=C3=A9 cr=C3=A8me, tr=C3=A8s bon.
--alt-1
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: 8bit

<p>Café crème</p>

--alt-1--
This is the epilogue.
`),

  mixedNested: crlf(`From: Alice <alice@um.es>
To: user1@st.um
Subject: Report with attachment
MIME-Version: 1.0
Content-Type: multipart/mixed;
 boundary="outer"
Content-Language: en

--outer
Content-Type: multipart/alternative; boundary="outer-inner"

--outer-inner
Content-Type: text/plain; charset=us-ascii; format=flowed

See the attached report.

--outer-inner
Content-Type: text/html; charset=us-ascii

<p>See the attached report.</p>
--outer-inner--

--outer  
Content-Type: application/pdf; name="report.pdf"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="report.pdf"; size=12
Content-ID: <report@um.es>
Content-Description: The report
Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==
Content-Language: en, fr
Content-Location: http://um.es/report.pdf

JVBERi0xLjQKJcfs
j6IKMSAwIG9iago=
--outer
Content-Type: text/plain; charset*0*=utf-8''caf%C3; charset*1*=%A9
Content-Disposition: inline; filename*0*=utf-8''r%C3%A9sum; filename*1*=%C3%A9.txt

Parameters in RFC 2231 pieces.
--outer--
`),

  forwarded: crlf(`From: alice@um.es
To: user1@st.um
Subject: Fwd: inner
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b1

--b1
Content-Type: text/plain

Forwarded message below.
--b1
Content-Type: message/rfc822

From: Bob <bob@st.um>
To: alice@um.es
Subject: inner
Message-ID: <inner@st.um>
Content-Type: multipart/alternative; boundary=b2

--b2
Content-Type: text/plain

inner text
--b2
Content-Type: text/enriched

<bold>inner</bold>
--b2--
--b1--
`),

  digest: crlf(`From: list@um.es
To: user1@st.um
Subject: Digest
MIME-Version: 1.0
Content-Type: multipart/digest; boundary="d"

--d

From: one@um.es
Subject: one

first
--d

From: two@um.es
Subject: two

second
--d--
`),

  brokenMultipart: crlf(`From: alice@um.es
To: user1@st.um
Subject: Broken
Content-Type: multipart/mixed; boundary="never-used"

There is no delimiter in this body.
`),

  headerOnly: Buffer.from('From: alice@um.es\r\nSubject: Only a header\r\n'),

  bareLfBody: crlf(`From: alice@um.es
To: user1@st.um
Subject: Empty lines
Content-Type: text/plain; charset=utf-8

`),
};
