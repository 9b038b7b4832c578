extension VerificationPage {
    /// `window.CertCheck`: what the browser checks itself, so that the page never shows an answer as proven because
    /// the server said so. WebCrypto does the SHA-256 and Ed25519 (and ECDSA P-256) work; the rest is here:
    ///
    /// - the pinned verifier key (C2SP signed-note): `name+hexid+base64(0x01 ‖ key)`, its key ID recomputed as
    ///   SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4];
    /// - the checkpoint (C2SP tlog-checkpoint in a signed note): a signature line of the pinned key over the note
    ///   text, origin = key name, size and root;
    /// - with a witness policy (the text `--witness-policy` reads): the checkpoint's `cosignature/v1` lines (C2SP
    ///   tlog-cosignature, type 0x04: key ID ‖ 8-byte big-endian time ‖ Ed25519 signature over
    ///   `"cosignature/v1\ntime <t>\n"` ‖ note text) by the policy's witnesses, each verified, at least a quorum of
    ///   them; a policy witness's line that fails rejects the checkpoint, as the CLI's check does;
    /// - every inclusion proof (RFC 9162 §2.1.3.2, leaf = SHA-256(0x00 ‖ entry), node = SHA-256(0x01 ‖ l ‖ r));
    /// - the genesis entry naming the pinned key, and the receipt (optional: the verdict follows from the proofs)
    ///   by the genesis's receipt key over `"certledger/receipt/v1\n"` ‖ RFC 8785 JSON of the answer without
    ///   `receipt`;
    /// - that the answer is about what was asked, and the status map (`statusMapScript`): the verdict recomputed
    ///   from proven map values.
    ///
    /// Every check is recorded (`{key, ok, code, codeArgs}`, or `detail` for an unexpected error) for the page to
    /// list in its language; none throws past `checkAnswer`.
    static let checkScript = withoutDocComments(checkCoreScript + statusMapScript)

    /// The part of `checkScript` that opens checkpoints, proves entries and checks receipts.
    static let checkCoreScript = #"""
        'use strict';
        (function () {
        const enc = new TextEncoder();
        const dec = new TextDecoder('utf-8', { fatal: true });

        /// A failed check: a code (its words are `e_<code>` in both languages) and the values to fill in.
        class CheckError extends Error {
          constructor(code, args) {
            super(code + (args.length ? ' ' + args.join(' ') : ''));
            this.code = code;
            this.args = args;
          }
        }
        function fail(code, ...args) { throw new CheckError(code, args.map(String)); }

        function b64decode(text) {
          if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
            fail('notBase64', String(text).slice(0, 24));
          }
          const bin = atob(text);
          const out = new Uint8Array(bin.length);
          for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
          if (b64encode(out) !== text) fail('b64NotCanonical');
          return out;
        }
        function b64encode(bytes) {
          let bin = '';
          for (const b of bytes) bin += String.fromCharCode(b);
          return btoa(bin);
        }
        function hex(bytes) { return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''); }
        function concat(...parts) {
          const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          let at = 0;
          for (const p of parts) { out.set(p, at); at += p.length; }
          return out;
        }
        function equal(a, b) { return a.length === b.length && a.every((v, i) => v === b[i]); }
        async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)); }

        /// RFC 8785: object members sorted by UTF-16 code units, ECMAScript number and string serialization.
        function canonical(value) {
          if (value === null || typeof value !== 'object') return JSON.stringify(value);
          if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
          const members = Object.keys(value).sort().map((k) => JSON.stringify(k) + ':' + canonical(value[k]));
          return '{' + members.join(',') + '}';
        }

        /// A C2SP signed-note verifier key of signature type `type` (0x01 Ed25519 note key, 0x04 cosignature/v1);
        /// the key ID is recomputed, never taken from the text.
        async function parseNoteKey(text, type) {
          const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(String(text));
          if (!m) fail('keyFormat');
          const parts = m.slice(1);
          const raw = b64decode(parts[2]);
          if (raw.length !== 33 || raw[0] !== type) fail(type === 1 ? 'keyType' : 'cosigKeyType');
          const publicKey = raw.slice(1);
          const id = (await sha256(concat(enc.encode(parts[0]), [0x0a, type], publicKey))).slice(0, 4);
          if (hex(id) !== parts[1]) fail('keyId', parts[1], hex(id));
          const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
          return { text: String(text), name: parts[0], id, idHex: hex(id), key };
        }
        async function parseVerifierKey(text) { return parseNoteKey(text, 1); }

        /// The verifying side's witness policy, in the text format of `--witness-policy` (`log VKEY`,
        /// `witness LABEL VKEY`, `quorum K`, `#` comment lines): one log key, 1 ≤ quorum ≤ witnesses, labels and keys
        /// unique.
        async function parsePolicy(text) {
          let log = null, quorum = null;
          const witnesses = [];
          const lines = String(text).split('\n');
          for (let n = 1; n <= lines.length; n++) {
            const words = lines[n - 1].split(/[ \t\r]+/).filter((w) => w !== '');
            if (!words.length || words[0].startsWith('#')) continue;
            if (words[0] === 'log' && words.length === 2 && !log) {
              log = await parseVerifierKey(words[1]);
            } else if (words[0] === 'witness' && words.length === 3) {
              const key = await parseNoteKey(words[2], 4);
              if (witnesses.some((w) => w.label === words[1])) fail('policyDuplicate', words[1]);
              if (witnesses.some((w) => w.name === key.name && w.idHex === key.idHex)) {
                fail('policyDuplicate', words[1]);
              }
              witnesses.push(Object.assign(key, { label: words[1] }));
            } else if (words[0] === 'quorum' && words.length === 2 && quorum === null
              && /^[1-9][0-9]*$/.test(words[1])) {
              quorum = Number(words[1]);
            } else {
              fail('policyLine', n);
            }
          }
          if (!log) fail('policyNoLog');
          if (quorum === null) fail('policyNoQuorum');
          if (quorum > witnesses.length) fail('policyQuorum', quorum, witnesses.length);
          return { text: String(text), log, witnesses, quorum };
        }

        /// The policy's cosignatures on a checkpoint note (already opened with the log's key): every line by a policy
        /// witness (name and key ID) must verify, and at least `quorum` distinct witnesses must have cosigned.
        /// Returns the cosigners in policy order, each with its time (POSIX seconds), and the quorum's time: the
        /// quorum-th newest cosignature, by which a quorum had seen the checkpoint.
        async function checkCosignatures(note, policy) {
          const split = note.lastIndexOf('\n\n');
          const message = enc.encode(note.slice(0, split + 1));
          const times = new Map();
          for (const line of note.slice(split + 2, -1).split('\n')) {
            const m = /^\u2014 (\S+) (\S+)$/.exec(line);
            if (!m) fail('sigLine');
            const sig = b64decode(m[2]);
            const w = policy.witnesses.find((k) => k.name === m[1] && sig.length >= 4 && equal(sig.slice(0, 4), k.id));
            if (!w) continue;
            if (sig.length !== 76) fail('cosigInvalid', w.label);
            const time = sig.slice(4, 12).reduce((v, b) => (v << 8n) | BigInt(b), 0n);
            if (time > 0x7fffffffffffffffn) fail('cosigInvalid', w.label);
            const signed = concat(enc.encode('cosignature/v1\ntime ' + time + '\n'), message);
            if (!(await crypto.subtle.verify({ name: 'Ed25519' }, w.key, sig.slice(12), signed))) {
              fail('cosigInvalid', w.label);
            }
            times.set(w.label, Number(time));
          }
          const cosigners = policy.witnesses.filter((w) => times.has(w.label))
            .map((w) => ({ label: w.label, name: w.name, time: times.get(w.label) }));
          if (cosigners.length < policy.quorum) {
            fail('noQuorum', cosigners.length, policy.quorum, cosigners.map((c) => c.label).join(', ') || '—');
          }
          const quorumTime = cosigners.map((c) => c.time).sort((a, b) => b - a)[policy.quorum - 1];
          return { cosigners, quorumTime, quorum: policy.quorum };
        }

        /// A checkpoint the page may rely on: signed by the pinned key and, with a policy, cosigned by a quorum.
        async function openWitnessed(note, pinned) {
          const checkpoint = await openCheckpoint(note, pinned);
          if (pinned.policy) checkpoint.witnessed = await checkCosignatures(note, pinned.policy);
          return checkpoint;
        }

        /// The checkpoint note: one valid signature of the pinned key over the text; origin, size, root.
        async function openCheckpoint(note, pinned) {
          if (typeof note !== 'string') fail('noCheckpoint');
          const split = note.lastIndexOf('\n\n');
          if (split < 0 || !note.endsWith('\n')) fail('notNote');
          const text = note.slice(0, split + 1);
          const lines = text.slice(0, -1).split('\n');
          if (lines.length < 3 || lines[0] !== pinned.name) {
            fail('origin', lines[0], pinned.name);
          }
          if (!/^(0|[1-9][0-9]{0,19})$/.test(lines[1])) fail('sizeFormat');
          const root = b64decode(lines[2]);
          if (root.length !== 32) fail('rootLength');
          let verified = false;
          for (const line of note.slice(split + 2, -1).split('\n')) {
            const m = /^\u2014 (\S+) (\S+)$/.exec(line);
            if (!m) fail('sigLine');
            if (m[1] !== pinned.name) continue;
            const sig = b64decode(m[2]);
            if (sig.length !== 68 || !equal(sig.slice(0, 4), pinned.id)) continue;
            const ok = await crypto.subtle.verify({ name: 'Ed25519' }, pinned.key, sig.slice(4), enc.encode(text));
            if (!ok) fail('sigInvalid', pinned.idHex);
            verified = true;
          }
          if (!verified) fail('sigMissing', pinned.idHex);
          return { note, size: BigInt(lines[1]), root };
        }

        /// RFC 9162 §2.1.3.2: the root an inclusion proof leads to (BigInt: indices go up to 2^53 and beyond).
        async function rootFromProof(index, size, leaf, proof) {
          if (index >= size) fail('indexRange', index, size);
          let fn = index, sn = size - 1n, r = leaf;
          for (const p of proof) {
            if (sn === 0n) fail('proofLong');
            if ((fn & 1n) === 1n || fn === sn) {
              r = await sha256(concat([1], p, r));
              while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
            } else {
              r = await sha256(concat([1], r, p));
            }
            fn >>= 1n; sn >>= 1n;
          }
          if (sn !== 0n) fail('proofShort');
          return r;
        }

        /// Proves one entry (base64 bytes + base64 proof hashes) in the checkpoint; returns the decoded entry.
        async function proveEntry(index, entryB64, proofB64, checkpoint) {
          const bytes = b64decode(entryB64);
          const proof = proofB64.map(b64decode);
          if (proof.some((p) => p.length !== 32)) fail('hashLength');
          const leaf = await sha256(concat([0], bytes));
          const root = await rootFromProof(BigInt(index), checkpoint.size, leaf, proof);
          if (!equal(root, checkpoint.root)) fail('rootMismatch', index);
          const entry = JSON.parse(dec.decode(bytes));
          if (entry.index !== Number(index)) fail('entryIndex', index, entry.index);
          return entry;
        }

        function pemToDer(pem) {
          const body = String(pem).replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
          return b64decode(body);
        }
        /// ECDSA signatures are DER; WebCrypto wants r ‖ s, 32 bytes each.
        function derToRaw(der) {
          if (der[0] !== 0x30) fail('derFormat');
          let at = 2;
          const part = () => {
            if (der[at] !== 0x02) fail('derFormat');
            const n = der[at + 1];
            let v = der.slice(at + 2, at + 2 + n);
            at += 2 + n;
            while (v.length > 32 && v[0] === 0) v = v.slice(1);
            if (v.length > 32) fail('derLong');
            return concat(new Uint8Array(32 - v.length), v);
          };
          return concat(part(), part());
        }

        /// The receipt: by the genesis's receipt key, over the answer as received without `receipt`.
        async function checkReceipt(answer, genesis) {
          const key = genesis.submission.record.receiptKey;
          const receipt = answer.receipt;
          if (!receipt) fail('noReceipt');
          if (receipt.keyId !== key.keyId || receipt.algorithm !== key.algorithm) {
            fail('receiptKey');
          }
          const spki = pemToDer(key.publicKey);
          if (hex(await sha256(spki)).slice(0, 32) !== key.keyId) fail('receiptKeyId');
          const body = Object.assign({}, answer);
          delete body.receipt;
          const message = concat(enc.encode('certledger/receipt/v1\n'), enc.encode(canonical(body)));
          const sig = b64decode(receipt.signature);
          let ok;
          if (key.algorithm === 'ed25519') {
            const k = await crypto.subtle.importKey('spki', spki, { name: 'Ed25519' }, false, ['verify']);
            ok = await crypto.subtle.verify({ name: 'Ed25519' }, k, sig, message);
          } else if (key.algorithm === 'ecdsa-p256-sha256') {
            const curve = { name: 'ECDSA', namedCurve: 'P-256' };
            const k = await crypto.subtle.importKey('spki', spki, curve, false, ['verify']);
            ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, k, derToRaw(sig), message);
          } else {
            return 'skipped';
          }
          if (!ok) fail('receiptSig');
          return 'ok';
        }

        /// A list of checks: each runs, records ok or its reason, and never stops the others.
        class Checks {
          constructor() { this.items = []; }
          async run(key, args, body) {
            try {
              const value = await body();
              this.items.push({ key, args, ok: value !== 'skipped', skipped: value === 'skipped' });
              return value;
            } catch (error) {
              if (error instanceof CheckError) {
                this.items.push({ key, args, ok: false, code: error.code, codeArgs: error.args });
              } else {
                this.items.push({ key, args, ok: false, detail: String(error) });
              }
              return undefined;
            }
          }
          get allHeld() { return this.items.length > 0 && this.items.every((c) => c.ok || c.skipped); }
        }

        /// The answer is about the question: same subject and names.
        function sameQuestion(asked, answered) {
          return ['subject', 'uscc', 'sealId', 'holder'].every((k) => (asked[k] || null) === (answered[k] || null))
            && canonical(asked.document || null) === canonical(answered.document || null);
        }

        /// Checks a whole `POST /v1/verify` answer; `proven` maps index → decoded entry for the page to use.
        async function checkAnswer(answer, asked, pinned, checks) {
          const proven = new Map();
          const checkpoint = await checks.run('checkpoint', [pinned.idHex],
            () => openCheckpoint(answer.checkpoint, pinned));
          if (!checkpoint) return { proven, checkpoint: null };
          if (pinned.policy) {
            const witnessed = await checks.run('witnessed', [pinned.policy.quorum, pinned.policy.witnesses.length],
              () => checkCosignatures(answer.checkpoint, pinned.policy));
            if (witnessed) checkpoint.witnessed = witnessed;
          }
          await checks.run('treeSize', [answer.treeSize], () => {
            if (BigInt(answer.treeSize) !== checkpoint.size) {
              fail('treeSize', answer.treeSize, checkpoint.size);
            }
          });
          for (const e of [answer.genesis].concat(answer.entries || [])) {
            const entry = await checks.run('inclusion', [e && e.index],
              () => proveEntry(e.index, e.entry, e.inclusionProof, checkpoint));
            if (entry) proven.set(entry.index, entry);
          }
          const genesis = proven.get(0);
          await checks.run('genesis', [], () => {
            if (!genesis || genesis.submission.kind !== 'ledger.genesis') fail('genesisMissing');
            if (genesis.submission.record.checkpointVerifierKey !== pinned.text) {
              fail('genesisKey');
            }
          });
          if (genesis && genesis.submission.kind === 'ledger.genesis' && answer.receipt !== undefined) {
            await checks.run('receipt', [answer.receipt && answer.receipt.keyId], () => checkReceipt(answer, genesis));
          } else if (answer.receipt === undefined) {
            checks.items.push({ key: 'receiptAbsent', args: [], ok: true });
          }
          await checks.run('question', [], () => {
            if (!sameQuestion(asked, answer.question || {})) fail('otherQuestion');
          });
          const decided = new Map();
          for (const e of answer.entries || []) if (proven.has(e && e.index)) decided.set(e.index, proven.get(e.index));
          const map = await window.CertCheck.checkStatusMap(answer, checkpoint, decided, checks);
          return { proven, checkpoint, genesis, map };
        }

        /// More entries (history, links) proven against an already opened checkpoint: entry bytes from
        /// /v1/entries, the audit path from /v1/proofs/inclusion at the checkpoint's size.
        async function proveFetched(index, checkpoint, getJSON, checks) {
          return checks.run('inclusion', [index], async () => {
            const entry = await getJSON('/v1/entries/' + index);
            const proof = await getJSON('/v1/proofs/inclusion?index=' + index + '&size=' + checkpoint.size);
            return proveEntry(index, entry.entry, proof.proof, checkpoint);
          });
        }

        /// C2SP tlog-proof text of a proven entry, for the receipt.
        function tlogProof(index, proofB64, checkpointNote) {
          const hashes = proofB64.map((p) => p + '\n').join('');
          return 'c2sp.org/tlog-proof@v1\nindex ' + index + '\n' + hashes + '\n' + checkpointNote;
        }

        window.CertCheck = { CheckError, Checks, parseVerifierKey, parsePolicy, checkCosignatures, openWitnessed,
          openCheckpoint, rootFromProof, proveEntry, proveFetched, checkAnswer, checkReceipt, canonical, fail, sha256,
          hex, b64decode, b64encode, concat, equal, tlogProof };
        })();

        """#
}
