extension VerificationPage {
    /// The status-map half of `window.CertCheck` (DESIGN.md §3, docs/verifier.md "Status map values"): what lets the
    /// browser decide the verdict itself instead of believing it.
    ///
    /// - the answer's `statusMap.mapRoot` is entry `treeSize − 1`, proven in the checkpoint, and is exactly a
    ///   `map.root` entry, whose root R every map proof must reach;
    /// - each map proof folds to R (tree key k = SHA-256(`"certledger/map/v1\n"` ‖ key), leaf = SHA-256(0x02 ‖ k' ‖
    ///   valueHash), node = SHA-256(0x03 ‖ left ‖ right), an empty subtree 32 zero bytes, bit 1 the most significant
    ///   bit of k's first byte; the terminal key shares k's first D bits); terminal key = k proves the value, whose
    ///   UTF-8 bytes must hash to the terminal's valueHash; a key given without a value must be proven absent;
    /// - the keys are exactly those the question reads, in order;
    /// - the verdict recomputed from the proven values, the question and `asOf` (the rules of `StatusMapDecision`)
    ///   is the answer's;
    /// - every entry a value names that decides the verdict is among the answer's proven entries, about that
    ///   subject and agreeing with the value, and the answer's `license` / `seal` / `holder` summaries say what the
    ///   values say.
    ///
    /// It extends `window.CertCheck` (defined just before it) and is called by its `checkAnswer`.
    static let statusMapScript = #"""
        'use strict';
        (function () {
        const C = window.CertCheck;
        const { fail } = C;
        const enc = new TextEncoder();
        const zero = new Uint8Array(32);
        const isIndex = (v) => Number.isSafeInteger(v) && v >= 0;
        const isDay = (v) => typeof v === 'string' && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(v);
        const isHex64 = (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
        function fromHex(text) {
          const out = new Uint8Array(text.length / 2);
          for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
          return out;
        }

        /// The tree key of a map key string: SHA-256("certledger/map/v1\n" ‖ UTF-8 key).
        async function treeKey(key) { return C.sha256(C.concat(enc.encode('certledger/map/v1\n' + key))); }
        /// Bit `i` (0 = the most significant bit of the first byte) of a 32-byte key.
        function bit(k, i) { return (k[i >> 3] >> (7 - (i & 7))) & 1; }
        function sharedBits(a, b) {
          let n = 0;
          while (n < 256 && bit(a, n) === bit(b, n)) n++;
          return n;
        }

        /// What a map proof (`{depth, siblings, terminal}`) shows about tree key `k` against root `root`:
        /// `{present: true, valueHash}` or `{present: false}`; a proof that does not fold to the root fails.
        async function foldMapProof(k, proof, root) {
          if (!proof || typeof proof !== 'object' || !Number.isSafeInteger(proof.depth) || proof.depth < 0
            || proof.depth > 256 || !Array.isArray(proof.siblings) || proof.siblings.length !== proof.depth
            || !('terminal' in proof)) {
            fail('mapProofShape');
          }
          const siblings = proof.siblings.map((s) => {
            if (s === null) return zero;
            const h = C.b64decode(s);
            if (h.length !== 32) fail('hashLength');
            return h;
          });
          const t = proof.terminal;
          let node = zero, terminalKey = null;
          if (t !== null) {
            if (typeof t !== 'object' || !isHex64(t.key) || !isHex64(t.valueHash)) fail('mapProofShape');
            terminalKey = fromHex(t.key);
            const shared = sharedBits(terminalKey, k);
            if (shared < proof.depth) fail('mapOffPath', t.key.slice(0, 16), shared, proof.depth);
            node = await C.sha256(C.concat([0x02], terminalKey, fromHex(t.valueHash)));
          }
          for (let level = proof.depth; level > 0; level--) {
            const sibling = siblings[level - 1];
            node = await C.sha256(bit(k, level - 1) ? C.concat([0x03], sibling, node)
              : C.concat([0x03], node, sibling));
          }
          if (!C.equal(node, root)) fail('mapRootMismatch');
          if (terminalKey && C.equal(terminalKey, k)) return { present: true, valueHash: t.valueHash };
          return { present: false };
        }

        /// One `{key, proof, value?}` of an answer against map root `root`: the parsed value, or null when the
        /// proof shows the key absent. A value must be present exactly when the proof says so, hash to the
        /// terminal's valueHash, and be RFC 8785 JSON.
        async function checkMapProof(item, root) {
          if (!item || typeof item.key !== 'string') fail('mapProofShape');
          const shown = await foldMapProof(await treeKey(item.key), item.proof, root);
          const given = item.value !== undefined;
          if (!shown.present) {
            if (given) fail('mapKeyAbsent', item.key);
            return null;
          }
          if (!given) fail('mapKeyPresent', item.key);
          if (typeof item.value !== 'string') fail('mapValueShape', item.key);
          if (C.hex(await C.sha256(enc.encode(item.value))) !== shown.valueHash) fail('mapValueHash', item.key);
          let value;
          try { value = JSON.parse(item.value); } catch (e) { fail('mapValueShape', item.key); }
          if (!value || typeof value !== 'object' || Array.isArray(value) || C.canonical(value) !== item.value) {
            fail('mapValueShape', item.key);
          }
          return value;
        }

        const members = {
          license: ['current', 'document', 'end', 'endEffectiveOn', 'status', 'termEnd', 'version'],
          seal: ['holder', 'issue', 'revoke', 'revokedOn', 'status', 'validFrom', 'validTo'],
          document: ['index', 'uscc', 'version'],
        };
        /// The value shapes of docs/verifier.md (no other member), as `LicenseStatusValue`, `SealStatusValue` and
        /// `DocumentStatusValue` decode them.
        function checkValueShape(key, v) {
          const kind = key.slice(0, key.indexOf(':'));
          if (!members[kind] || Object.keys(v).some((m) => !members[kind].includes(m))) fail('mapValueShape', key);
          const optional = (name, test) => v[name] === undefined || test(v[name]);
          const digestOK = (d) => d && typeof d === 'object' && (d.algorithm === 'sha256' || d.algorithm === 'sm3')
            && isHex64(d.digest);
          let ok;
          if (kind === 'license') {
            ok = isIndex(v.current) && digestOK(v.document) && optional('end', isIndex)
              && optional('endEffectiveOn', isDay) && ['live', 'revoked', 'cancelled'].includes(v.status)
              && optional('termEnd', isDay) && Number.isSafeInteger(v.version);
          } else if (kind === 'seal') {
            ok = typeof v.holder === 'string' && isIndex(v.issue) && optional('revoke', isIndex)
              && optional('revokedOn', isDay) && ['live', 'revoked'].includes(v.status) && isDay(v.validFrom)
              && isDay(v.validTo);
          } else {
            ok = isIndex(v.index) && typeof v.uscc === 'string' && Number.isSafeInteger(v.version);
          }
          if (!ok) fail('mapValueShape', key);
          if (kind === 'license' && Object.keys(v.document).length !== 2) fail('mapValueShape', key);
        }

        /// The map root the answer's proofs are against: entry `treeSize − 1`, proven in the checkpoint, exactly
        /// `{"kind":"map.root","record":{"root":"<b64 32 bytes>"}}`.
        async function checkMapRoot(answer, checkpoint) {
          const m = answer.statusMap && answer.statusMap.mapRoot;
          if (!m) fail('noStatusMap');
          if (!isIndex(m.index) || BigInt(m.index) !== checkpoint.size - 1n) {
            fail('mapRootIndex', m.index, checkpoint.size - 1n);
          }
          const entry = await C.proveEntry(m.index, m.entry, m.inclusionProof || [], checkpoint);
          const s = entry.submission;
          if (!s || C.canonical(s) !== C.canonical({ kind: 'map.root', record: { root: s.record && s.record.root } })
            || typeof s.record.root !== 'string') {
            fail('notMapRoot', m.index);
          }
          const root = C.b64decode(s.record.root);
          if (root.length !== 32) fail('notMapRoot', m.index);
          return root;
        }

        /// The keys a question reads, in order (the second one only when the first is present).
        function expectedKeys(question, first) {
          if (question.subject === 'license') return ['license:' + question.uscc];
          if (question.subject === 'document') {
            const d = question.document;
            const key = 'document:' + d.algorithm + ':' + d.digest;
            return first ? [key, 'license:' + first.uscc] : [key];
          }
          const key = 'seal:' + question.sealId;
          return first ? [key, 'license:' + first.holder] : [key];
        }

        const sameDigest = (a, b) => !!a && !!b && a.algorithm === b.algorithm && a.digest === b.digest;

        /// `StatusMapDecision`: the verdict from proven values alone (null = proven absent).
        function decideLicense(L, presented, asOf) {
          if (!L) return 'unknown';
          if (L.end !== undefined && L.endEffectiveOn !== undefined && L.endEffectiveOn <= asOf) {
            return L.status === 'cancelled' ? 'cancelled' : 'revoked';
          }
          if (presented && !sameDigest(presented, L.document)) return 'mismatch';
          if (L.termEnd !== undefined && L.termEnd < asOf) return 'expired';
          return 'authentic';
        }
        function decide(question, first, license, asOf) {
          if (question.subject === 'license') return decideLicense(first, question.document || null, asOf);
          if (question.subject === 'document') {
            return first ? decideLicense(license, question.document, asOf) : 'unknown';
          }
          const S = first;
          if (!S) return 'unknown';
          if (S.revoke !== undefined && S.revokedOn !== undefined && S.revokedOn <= asOf) return 'revoked';
          if (question.holder && question.holder !== S.holder) return 'mismatch';
          if (!(S.validFrom <= asOf && asOf <= S.validTo)) return 'expired';
          return 'authentic';
        }

        /// Every entry a value names that decides the verdict is a proven entry of the answer, about that subject
        /// and saying what the value says (the rules of `VerifierAnswerCheck`): the license's current version and
        /// its end; for a seal its issue, its revocation and its holder's deciding entry (the end, else the current
        /// version); for a document the version carrying it.
        function checkNamedEntries(answer, question, first, license, proven) {
          const named = (index, what, test) => {
            const e = proven.get(index);
            if (!e) fail('mapEntryMissing', index, what);
            if (!e.submission || !e.submission.record || !test(e.submission.kind, e.submission.record)) {
              fail('mapEntryOther', index, what);
            }
          };
          const termEnd = (r) => (r.businessTerm ? r.businessTerm.to : undefined) ?? undefined;
          const licenseEntries = (uscc, L, onlyDeciding) => {
            if (!L) return;
            const what = 'license:' + uscc;
            if (!onlyDeciding || L.end === undefined) {
              named(L.current, what, (kind, r) => ['license.issue', 'license.amend'].includes(kind)
                && r.uscc === uscc && sameDigest(r.document, L.document) && r.version === L.version
                && termEnd(r) === L.termEnd);
            }
            if (L.end !== undefined) {
              named(L.end, what, (kind, r) => ((kind === 'license.revoke' && L.status === 'revoked')
                || (kind === 'license.cancel' && L.status === 'cancelled'))
                && r.uscc === uscc && r.effectiveOn === L.endEffectiveOn);
            }
          };
          if (question.subject === 'license') return licenseEntries(question.uscc, first, false);
          if (!first) return;
          if (question.subject === 'document') {
            named(first.index, 'document', (kind, r) => ['license.issue', 'license.amend'].includes(kind)
              && r.uscc === first.uscc && sameDigest(r.document, question.document) && r.version === first.version);
            return licenseEntries(first.uscc, license, false);
          }
          const id = question.sealId, what = 'seal:' + id;
          named(first.issue, what, (kind, r) => kind === 'seal.issue' && r.sealId === id && r.holder === first.holder
            && r.validFrom === first.validFrom && r.validTo === first.validTo
            && !!answer.seal && answer.seal.sealType === r.sealType);
          if (first.revoke !== undefined) {
            named(first.revoke, what, (kind, r) => kind === 'seal.revoke' && r.sealId === id
              && r.effectiveOn === first.revokedOn);
          }
          licenseEntries(first.holder, license, true);
        }

        /// The answer's `license`, `seal` and `holder` summaries say what the proven values say.
        function checkSummaries(answer, question, first, license) {
          const agree = (member, fields) => {
            const got = answer[member];
            if (fields === null) {
              if (got !== undefined) fail('summaryDiffers', member, '—');
              return;
            }
            if (!got || typeof got !== 'object') fail('summaryDiffers', member, Object.keys(fields)[0]);
            for (const [name, want] of Object.entries(fields)) {
              if (got[name] !== want) fail('summaryDiffers', member, name);
            }
          };
          const licenseFields = (uscc, L) => ({ uscc, status: L.status, version: L.version, currentIndex: L.current,
            endIndex: L.end, endEffectiveOn: L.endEffectiveOn });
          if (question.subject === 'seal') {
            agree('license', null);
            if (!first) { agree('seal', null); agree('holder', null); return; }
            agree('seal', { sealId: question.sealId, holder: first.holder, validFrom: first.validFrom,
              validTo: first.validTo, issueIndex: first.issue, revokeIndex: first.revoke,
              revoked: first.revoke !== undefined });
            agree('holder', { uscc: first.holder, status: license ? license.status : 'unknown',
              index: license ? (license.end !== undefined ? license.end : license.current) : undefined });
            return;
          }
          agree('seal', null);
          agree('holder', null);
          const L = question.subject === 'license' ? first : license;
          const uscc = question.subject === 'license' ? question.uscc : first && first.uscc;
          agree('license', L ? licenseFields(uscc, L) : null);
        }

        /// Checks `answer.statusMap` (the checkpoint already opened, `proven` the answer's proven entries) into
        /// `checks`; returns the proven values `{first, license}` (null = proven absent), or null when the map
        /// could not be read.
        async function checkStatusMap(answer, checkpoint, proven, checks) {
          const root = await checks.run('mapRoot', [answer.statusMap && answer.statusMap.mapRoot
            && answer.statusMap.mapRoot.index], () => checkMapRoot(answer, checkpoint));
          if (!root) return null;
          const question = answer.question || {};
          const proofs = Array.isArray(answer.statusMap.proofs) ? answer.statusMap.proofs : [];
          const values = [];
          let allProven = true;
          for (const item of proofs) {
            const key = item && item.key;
            const value = await checks.run('mapProof', [key], async () => {
              const v = await checkMapProof(item, root);
              if (v) checkValueShape(key, v);
              return { v };
            });
            if (!value) allProven = false;
            values.push(value ? value.v : undefined);
          }
          const first = values[0], license = values[1] === undefined ? null : values[1];
          const keysOK = await checks.run('mapKeys', [], () => {
            const want = expectedKeys(question, first);
            const got = proofs.map((p) => p && p.key);
            if (got.length !== want.length || got.some((k, i) => k !== want[i])) {
              fail('mapKeys', got.join(', ') || '—', want.join(', '));
            }
            return 'ok';
          });
          if (!allProven || !keysOK) return null;
          await checks.run('verdict', [answer.verdict], () => {
            const decided = decide(question, first, license, answer.asOf);
            if (decided !== answer.verdict) fail('verdictDiffers', decided, answer.verdict);
          });
          await checks.run('mapEntries', [], () => checkNamedEntries(answer, question, first, license, proven));
          await checks.run('summaries', [], () => checkSummaries(answer, question, first, license));
          return { first, license };
        }

        Object.assign(window.CertCheck, { treeKey, foldMapProof, checkMapProof, checkMapRoot, expectedKeys, decide,
          checkStatusMap });
        })();

        """#
}
