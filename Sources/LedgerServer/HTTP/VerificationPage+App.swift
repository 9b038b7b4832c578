extension VerificationPage {
    /// The page's flow: read the question (USCC, seal id, a document hashed here with WebCrypto and never sent),
    /// ask `POST /v1/verify`, check the answer with `CertCheck`, fetch and prove the holder's history, links and
    /// seals (`GET /v1/licenses/{uscc}`, `/v1/entries`, `/v1/proofs/inclusion`, one verify per seal), and show it.
    /// The verdict is shown as the ledger's only when every check held; otherwise the page turns red. Server text
    /// only ever reaches the page through `textContent`, never as HTML.
    ///
    /// The page remembers, in the browser's `localStorage` per ledger address, the checkpoint key and witness policy
    /// it pinned and the largest tree size a checked answer showed. When the key or policy differs on a later visit,
    /// or an answer's tree is smaller, a full-width red warning says what it was and what it is, and every answer
    /// fails its `remembered` check until the clerk confirms the change: a server standing in for the ledger with
    /// its own key, or a ledger rolled back, cannot turn the page green unnoticed.
    static let appScript = #"""
        'use strict';
        (function () {
        const T = window.CertText, C = window.CertCheck;
        const $ = (id) => document.getElementById(id);
        let lang = 'zh';
        try { if (localStorage.getItem('certledger-lang') === 'en') lang = 'en'; } catch (e) { /* private mode */ }
        let pinned = null, pinnedError = null, digest = null, last = null;
        const meta = (name) => {
          const m = document.querySelector('meta[name="' + name + '"]');
          return m ? m.content : '';
        };
        /// The ledger's base URL: empty for the page the ledger serves, the ledger's address for `certledger page`.
        const base = meta('certledger-server').replace(/\/+$/, '');
        const vkey = meta('certledger-verifier-key'), policyText = meta('certledger-witness-policy') || null;
        const maxAge = Number(meta('certledger-max-age')) || 600;
        /// What this browser remembered of this ledger (`{key, policy, treeSize}`), and what differs now.
        const memoryKey = 'certledger-trust:' + (base || location.origin);
        let memory = null, changes = [];

        function t(key, ...args) {
          const s = T[lang][key] !== undefined ? T[lang][key] : (T.zh[key] !== undefined ? T.zh[key] : key);
          return s.replace(/\{(\d)\}/g, (_, i) => (args[i] === undefined ? '' : String(args[i])));
        }
        function el(tag, text, className) {
          const e = document.createElement(tag);
          if (text !== undefined && text !== null) e.textContent = text;
          if (className) e.className = className;
          return e;
        }
        function row(cells) {
          const tr = el('tr');
          for (const c of cells) {
            if (c instanceof Node && c.nodeName === 'TD') { tr.append(c); continue; }
            const td = el('td');
            td.append(c);
            tr.append(td);
          }
          return tr;
        }
        function fact(list, key, value) {
          if (value === undefined || value === null || value === '') return;
          const dd = el('dd');
          dd.append(value);
          list.append(el('dt', t(key)), dd);
        }
        /// The state word, one per state for verdicts, seals and checks alike.
        function term(state) { return t('v_' + state); }
        const pad = (n) => String(n).padStart(2, '0');
        /// An RFC 3339 time as local time beside UTC: the clerk's clock first, the ledger's UTC below it.
        function stamp(iso, seconds) {
          const d = new Date(iso), box = el('span', null, 'stamp');
          if (isNaN(d)) { box.textContent = iso; return box; }
          const cut = seconds ? 19 : 16;
          const off = -d.getTimezoneOffset(), utc = d.toISOString().slice(0, cut).replace('T', ' ') + ' UTC';
          if (off === 0) { box.append(el('time', utc)); box.firstChild.dateTime = iso; return box; }
          const zone = 'UTC' + (off > 0 ? '+' : '−') + Math.floor(Math.abs(off) / 60)
            + (Math.abs(off) % 60 ? ':' + pad(Math.abs(off) % 60) : '');
          const local = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' '
            + pad(d.getHours()) + ':' + pad(d.getMinutes()) + (seconds ? ':' + pad(d.getSeconds()) : '');
          const time = el('time', t('localTime', local, zone), 'local');
          time.dateTime = iso;
          box.append(time, el('span', utc, 'utc'));
          return box;
        }

        function applyLanguage() {
          document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
          document.title = t('title') + ' · CertLedger';
          for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
          const button = $('lang');
          button.textContent = t('langButton');
          button.lang = lang === 'zh' ? 'en' : 'zh-CN';
          button.setAttribute('aria-label', t('langLabel'));
          if (pinnedError) { $('env-error').textContent = pinnedError(); $('env-error').hidden = false; }
          showDigest();
          showPolicy();
          showChanges();
          if (last) render(last);
        }
        function showDigest() {
          $('digest').textContent = !digest ? '' : digest.file ? t('digestOf', digest.file, digest.hex)
            : t('digestLink', digest.hex);
        }

        async function fetchText(path, init) {
          let res;
          try { res = await fetch(base + path, Object.assign({ cache: 'no-store' }, init || {})); } catch (e) {
            // The browser's own words (e.g. "Failed to fetch") are English whatever the page's language.
            const error = new Error(t('networkError', t('networkDetail')));
            error.detail = e.message;
            throw error;
          }
          const text = await res.text();
          if (!res.ok) {
            // The ledger's error code in the page's language; its English message kept as the detail.
            let code = null, message = text.slice(0, 300);
            try { const body = JSON.parse(text).error; code = body.code; message = body.message; } catch (e) {
              /* not a JSON error */
            }
            const known = code && T[lang]['srv_' + code] !== undefined;
            const error = new Error(t('serverError', res.status, known ? t('srv_' + code) : message));
            error.status = res.status;
            error.serverCode = code;
            error.detail = known ? message : null;
            throw error;
          }
          return text;
        }
        async function getJSON(path) { return JSON.parse(await fetchText(path)); }
        async function ask(question) {
          return JSON.parse(await fetchText('/v1/verify', {
            method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(question) }));
        }

        /// The page's question from the form; null (with a message) when there is nothing to ask.
        function questionFromForm() {
          const uscc = $('uscc').value.trim().toUpperCase(), seal = $('seal').value.trim();
          const document = digest ? { algorithm: 'sha256', digest: digest.hex } : null;
          if (uscc && !/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(uscc)) {
            $('form-error').textContent = t('badUSCC');
            return null;
          }
          if (seal) return Object.assign({ subject: 'seal', sealId: seal }, uscc ? { holder: uscc } : {});
          if (uscc) return Object.assign({ subject: 'license', uscc }, document ? { document } : {});
          if (document) return { subject: 'document', document };
          $('form-error').textContent = t('needInput');
          return null;
        }
        function fragment(q) {
          const parts = [];
          if (q.subject === 'license') parts.push('license=' + q.uscc);
          if (q.subject === 'seal') parts.push('seal=' + encodeURIComponent(q.sealId));
          if (q.holder) parts.push('holder=' + q.holder);
          if (q.document) parts.push('document=sha256:' + q.document.digest);
          return parts.join('&');
        }
        /// Reopens the check a link names (`#license=…`, `#seal=…&holder=…`, `#document=sha256:…`).
        function fromFragment() {
          const p = new URLSearchParams(location.hash.slice(1));
          if (!p.has('license') && !p.has('seal') && !p.has('document')) return;
          $('uscc').value = p.get('license') || p.get('holder') || '';
          $('seal').value = p.get('seal') || '';
          const d = /^sha256:([0-9a-f]{64})$/.exec(p.get('document') || '');
          digest = d ? { file: null, hex: d[1] } : null;
          showDigest();
          const q = questionFromForm();
          if (q) verify(q);
        }

        async function verify(question) {
          $('form-error').textContent = '';
          $('go').disabled = true;
          $('go').textContent = t('busy');
          try {
            const checks = new C.Checks();
            const result = { question, checks, checkedAt: new Date(), proven: new Map(),
              history: [], links: [], seals: [], file: question.document && digest ? digest.file : null };
            result.answer = await ask(question);
            await checkAll(result);
            last = result;
            render(result);
            $('result').hidden = false;
            $('verdict').focus();
          } catch (error) {
            $('form-error').textContent = error.message;
            $('form-error').title = error.detail || '';
          } finally {
            $('go').disabled = false;
            $('go').textContent = t('verify');
          }
        }

        async function checkAll(result) {
          const a = result.answer, checks = result.checks;
          if (!pinned) {
            checks.items.push({ key: 'checkpoint', args: ['—'], ok: false, detail: pinnedError() });
            return;
          }
          checks.items.push({ key: 'sectionAnswer', args: [fragment(result.question)], ok: true, section: true });
          const checked = await C.checkAnswer(a, result.question, pinned, checks);
          result.proven = checked.proven;
          result.checkpoint = checked.checkpoint;
          result.genesis = checked.genesis;
          result.map = checked.map;
          if (checked.checkpoint && checked.checkpoint.witnessed) {
            await checks.run('newestWitnessed', [], () => compareWitnessed(checked.checkpoint));
          }
          if (checked.checkpoint) compareTree(checked.checkpoint.size);
          await checks.run('remembered', [], () => { if (changes.length) C.fail('trustChanged'); });
          // The holder whose history is shown: the one the proven map values name, never the summaries alone.
          const map = checked.map, q = a.question || {};
          let holder = null, value = null;
          if (map && map.first) {
            if (q.subject === 'license') { holder = q.uscc; value = map.first; }
            if (q.subject === 'document' && map.license) { holder = map.first.uscc; value = map.license; }
            if (q.subject === 'seal' && map.license) { holder = map.first.holder; value = map.license; }
          }
          if (a.seal) {
            result.seals.push({ id: a.seal.sealId, answer: a, main: true,
              issue: map && map.first ? result.proven.get(map.first.issue) : null });
          }
          if (holder && checked.checkpoint) await lookUp(holder, value, result);
          const witnessed = checked.checkpoint && checked.checkpoint.witnessed;
          if (witnessed) result.age = Math.max(0, Math.floor(result.checkedAt.getTime() / 1000) - witnessed.quorumTime);
          if (checks.allHeld && checked.checkpoint) rememberTree(checked.checkpoint.size);
          if (checked.checkpoint && checked.checkpoint.witnessed) rememberWitnessed(checked.checkpoint);
        }

        /// Reads what this browser remembered of this ledger and notes every difference from the pinned key and
        /// policy; remembers them on a first visit.
        function loadMemory() {
          try { memory = JSON.parse(localStorage.getItem(memoryKey) || 'null'); } catch (e) { memory = null; }
          if (!memory || typeof memory !== 'object') {
            memory = { key: vkey, policy: policyText, treeSize: '0' };
            saveMemory();
            return;
          }
          if (memory.key !== vkey) changes.push({ kind: 'key', was: memory.key, now: vkey });
          if ((memory.policy || null) !== policyText) {
            changes.push({ kind: 'policy', was: memory.policy || null, now: policyText });
          }
        }
        function saveMemory() {
          try { localStorage.setItem(memoryKey, JSON.stringify(memory)); } catch (e) { /* private mode */ }
        }
        /// A checked answer's tree smaller than the largest this browser saw from this ledger: a rollback or a fork.
        function compareTree(size) {
          const seen = BigInt(memory.treeSize || '0');
          if (size < seen && !changes.some((c) => c.kind === 'shrunk' && c.now === String(size))) {
            changes.push({ kind: 'shrunk', was: String(seen), now: String(size) });
            showChanges();
          }
        }
        /// With a witness policy, the newest witnessed checkpoint this browser has seen from this ledger (its key,
        /// size and root): witnesses never cosign a smaller tree after a larger one, so an answer against an older
        /// witnessed checkpoint is a genuine answer replayed, perhaps from before a revocation, and is refused; one
        /// of the same size with another root is a second history. Neither is the clerk's to accept.
        function compareWitnessed(checkpoint) {
          const seen = memory.witnessed;
          if (!seen || seen.key !== vkey) return;
          const size = BigInt(seen.size);
          if (checkpoint.size < size) C.fail('replayed', checkpoint.size, seen.size);
          if (checkpoint.size === size && C.b64encode(checkpoint.root) !== seen.root) C.fail('twoHistories', seen.size);
        }
        function rememberWitnessed(checkpoint) {
          const seen = memory.witnessed;
          if (seen && seen.key === vkey && checkpoint.size <= BigInt(seen.size)) return;
          memory.witnessed = { key: vkey, size: String(checkpoint.size), root: C.b64encode(checkpoint.root) };
          saveMemory();
        }
        function rememberTree(size) {
          if (changes.length || size <= BigInt(memory.treeSize || '0')) return;
          memory.treeSize = String(size);
          saveMemory();
        }
        /// The clerk confirmed the change: the pinned key and policy, and the tree just seen, are remembered anew.
        function acceptChanges() {
          const keyChanged = changes.some((c) => c.kind === 'key');
          const shrunk = changes.filter((c) => c.kind === 'shrunk').map((c) => c.now);
          memory = { key: vkey, policy: policyText,
            treeSize: keyChanged ? '0' : (shrunk.length ? shrunk[shrunk.length - 1] : memory.treeSize),
            witnessed: memory.witnessed };
          saveMemory();
          changes = [];
          showChanges();
        }
        function showChanges() {
          const box = $('trust-warning');
          box.hidden = changes.length === 0;
          box.dataset.changes = changes.map((c) => c.kind).join(' ');
          if (!changes.length) { box.replaceChildren(); return; }
          const parts = [el('p', t('trustWarning'))];
          for (const c of changes) {
            const list = el('dl');
            const value = (v) => (c.kind === 'policy' ? el('pre', v === null ? t('none') : v) : el('code', v));
            const was = el('dd'), now = el('dd');
            was.append(value(c.was));
            now.append(value(c.now));
            list.append(el('dt', t('trustWas')), was, el('dt', t('trustNow')), now);
            parts.push(el('p', t('tw_' + c.kind)), list);
          }
          const accept = el('button', t('trustAccept'));
          accept.type = 'button';
          accept.addEventListener('click', acceptChanges);
          parts.push(accept);
          box.replaceChildren(...parts);
        }
        /// The pinned witness policy in the trust section: the quorum and each witness's label and key.
        function showPolicy() {
          const p = pinned && pinned.policy;
          $('policy-box').hidden = !p;
          if (!p) return;
          $('policy-text').textContent = t('policyText', p.quorum, p.witnesses.length);
          $('policy-witnesses').replaceChildren(...p.witnesses.map((w) => {
            const li = el('li', w.label + ' ');
            li.append(el('code', w.text));
            return li;
          }));
        }
        /// An age in seconds in words.
        function age(seconds) {
          return seconds < 120 ? t('ageSeconds', seconds) : t('ageMinutes', Math.round(seconds / 60));
        }
        /// Who cosigned the checkpoint, each with the time of its cosignature.
        function witnessList(w) {
          const box = el('span');
          for (const c of w.cosigners) {
            const line = el('span', c.label, 'cosigner');
            line.dataset.witness = c.label;
            line.append(stamp(new Date(c.time * 1000).toISOString(), true));
            box.append(line);
          }
          box.append(el('span', t('witnessQuorum', w.cosigners.length, w.quorum), 'cosigner'));
          return box;
        }

        /// The holder's history, seals and links, each shown only as far as it is proven here. The history is the
        /// license's own chain: from the entry the proven map value names (its end, else its current version) back
        /// through `subjectPrev`, every entry proven in the answer's checkpoint and about this USCC, so nothing the
        /// server lists can add to it or leave out of it. Seals and links come from the server's list
        /// (`GET /v1/licenses`), which no proof shows complete: a seal is shown as the holder's only with its own
        /// answer's proven map value naming this holder, a link only proven in the log and about this holder.
        async function lookUp(uscc, value, result) {
          const checks = result.checks;
          checks.items.push({ key: 'sectionLookup', args: [uscc], ok: true, section: true });
          result.history = (await walkHistory(uscc, value, result)) || [];
          let lookup;
          try { lookup = await getJSON('/v1/licenses/' + uscc); } catch (error) {
            if (error.status !== 404) checks.items.push({ key: 'lookup', args: [], ok: false, detail: error.message });
            return;
          }
          result.lookedUp = true;
          let newer = null;
          for (const index of lookup.links) {
            let entry = result.proven.get(index);
            if (!entry) {
              let checkpoint = result.checkpoint;
              if (BigInt(index) >= checkpoint.size) {
                newer = newer || await checks.run('checkpoint', [pinned.idHex],
                  async () => C.openWitnessed(await fetchText('/checkpoint'), pinned));
                if (!newer) continue;
                checkpoint = newer;
              }
              entry = await C.proveFetched(index, checkpoint, getJSON, checks);
              if (!entry) continue;
              result.proven.set(index, entry);
            }
            const about = await checks.run('linkAbout', [index], () => {
              const s = entry.submission;
              if (!s || s.kind !== 'link.share' || !s.record || s.record.holder !== uscc) {
                C.fail('notAbout', index, uscc);
              }
              return 'ok';
            });
            if (about) result.links.push(entry);
          }
          for (const id of lookup.seals) {
            if (result.answer.seal && result.answer.seal.sealId === id) continue;
            const question = { subject: 'seal', sealId: id, holder: uscc };
            const own = new C.Checks();
            own.items.push({ key: 'sectionSeal', args: [id], ok: true, section: true });
            let answer = null, checked = null;
            try {
              answer = await ask(question);
              checked = await C.checkAnswer(answer, question, pinned, own);
            } catch (error) {
              own.items.push({ key: 'lookup', args: [], ok: false, detail: error.message });
            }
            const proven = own.allHeld && checked && checked.map && checked.map.first;
            // A seal proven to be held by someone else now (its id reissued) is not this holder's: not shown.
            if (proven && checked.map.first.holder !== uscc) {
              own.items.push({ key: 'sealElsewhere', args: [id, checked.map.first.holder], ok: true });
              checks.items.push(...own.items);
              continue;
            }
            checks.items.push(...own.items);
            result.seals.push({ id, answer, ok: !!proven, issue: proven ? checked.proven.get(proven.issue) : null });
          }
        }

        /// The license's chain from `value.end` (else `value.current`) back through `subjectPrev`, oldest first;
        /// null when an entry fails its proof or is not about `uscc` (the failure is among the checks).
        async function walkHistory(uscc, value, result) {
          const checks = result.checks, chain = [];
          let index = value.end !== undefined && value.end > value.current ? value.end : value.current;
          while (index !== null && index !== undefined) {
            let entry = result.proven.get(index);
            if (!entry) {
              entry = await C.proveFetched(index, result.checkpoint, getJSON, checks);
              if (!entry) return null;
              result.proven.set(index, entry);
            }
            const at = index;
            const next = await checks.run('historyEntry', [at], () => {
              const s = entry.submission, r = s && s.record;
              if (!r || !String(s.kind).startsWith('license.') || r.uscc !== uscc) C.fail('notAbout', at, uscc);
              const prev = r.subjectPrev === undefined ? null : r.subjectPrev;
              if (prev !== null && !(Number.isSafeInteger(prev) && prev >= 0 && prev < at)) {
                C.fail('subjectPrev', at, prev);
              }
              return { prev };
            });
            if (!next) return null;
            chain.unshift(entry);
            index = next.prev;
          }
          return chain;
        }

        function holderName(result) {
          const a = result.answer;
          const named = (e) => e && e.submission.record && e.submission.record.name;
          const indices = [a.license && a.license.currentIndex, a.holder && a.holder.index,
            a.seal && a.seal.issueIndex];
          for (const i of indices) { const e = result.proven.get(i); if (named(e)) return e.submission.record.name; }
          const issued = result.history.filter(named);
          return issued.length ? issued[issued.length - 1].submission.record.name : null;
        }

        function render(result) {
          const a = result.answer, ok = result.checks.allHeld;
          const shown = ok ? a.verdict : 'failed';
          const how = !a.question.document ? '' : result.file ? 'File' : 'Link';
          document.body.classList.toggle('failed', !ok);
          $('result').dataset.check = ok ? 'ok' : 'failed';
          $('verdict').dataset.verdict = shown;
          $('verdict-icon').textContent = { authentic: '✔', expired: '!', unknown: '?' }[shown] || '✘';
          $('verdict-word').textContent = lang === 'en' ? term(shown).toUpperCase() : term(shown);
          const subKey = 'vs_' + a.verdict + (a.verdict === 'authentic' || a.verdict === 'mismatch' ? how : '');
          let sub = ok ? t(subKey) : t('vs_failed', term(a.verdict));
          if (ok && a.holder && a.holder.status !== 'live') {
            sub += ' (' + t('holderStatus') + ': ' + t('h_' + a.holder.status) + ')';
          }
          $('verdict-sub').textContent = sub;
          const failure = result.checks.items.find((c) => !c.ok && !c.skipped);
          const proofs = result.checks.items.filter((c) => c.key === 'inclusion' && c.ok).length;
          const banner = $('browser-check');
          const witnessed = result.checkpoint && result.checkpoint.witnessed;
          const stale = ok && witnessed && result.age > maxAge;
          banner.className = 'banner ' + (ok ? (stale ? 'warn' : 'good') : 'bad');
          banner.dataset.stale = stale ? 'true' : 'false';
          const why = failure ? t('c_' + failure.key, ...checkArgs(failure)) + checkDetail(failure) : '';
          banner.textContent = !ok ? t('checkedBad', why)
            : t('checkedGood', pinned.idHex, proofs) + t(a.verdict === 'unknown' ? 'checkedAbsent' : 'checkedMap')
              + (witnessed ? t('checkedWitnessed', witnessed.cosigners.map((c) => c.label).join(', ')) : '')
              + (stale ? ' ' + t('staleWarning', age(result.age), age(maxAge)) : '');

          const facts = $('facts');
          facts.replaceChildren();
          fact(facts, 'holderName', holderName(result));
          fact(facts, 'uscc', (a.license && a.license.uscc) || (a.holder && a.holder.uscc) || a.question.uscc);
          if (a.seal) fact(facts, 'sealId', a.seal.sealId);
          if (a.holder) fact(facts, 'holderStatus', t('h_' + a.holder.status));
          if (a.question.document) {
            const d = a.question.document.digest;
            fact(facts, 'document', result.file ? t('docFile', d, result.file) : t('docLink', d));
          }
          fact(facts, ok ? 'reason' : 'reasonUnproven', reason(result));
          fact(facts, 'asOf', a.asOf);
          fact(facts, 'answeredAt', stamp(a.answeredAt, true));
          $('reason-en').textContent = a.reason;
          if (result.checkpoint) fact(facts, 'checkpoint', t('checkpointAt', a.treeSize, pinned.idHex));
          if (witnessed) fact(facts, 'witnessedBy', witnessList(witnessed));
          if (witnessed) fact(facts, 'witnessAge', t('ago', age(result.age)));

          table('history', result.history, (e) => {
            const s = e.submission, r = s.record;
            const detail = r.effectiveOn ? t('effective', r.effectiveOn) : t('version', r.version);
            return row([stamp(e.time), t('k_' + s.kind), detail, String(e.index)]);
          });
          // A seal's type from its proven issue entry, its window from its proven value (the summary agrees).
          table('seals', result.seals, (s) => {
            const proven = (s.main ? ok : s.ok) && s.answer;
            const seal = proven && s.answer.seal, issued = proven && s.issue && s.issue.submission.record;
            const state = proven ? s.answer.verdict : 'failed';
            const valid = seal ? seal.validFrom + ' – ' + seal.validTo : '';
            return row([s.id, issued ? t('st_' + issued.sealType) : '', valid, el('td', term(state), 'state-' + state)]);
          });
          // With no seal listed, the section still says that the list is the server's, not proven complete.
          if (result.lookedUp && !result.seals.length) {
            $('seals-box').hidden = false;
            const none = el('td', t('noRows'));
            none.colSpan = 4;
            $('seals').tBodies[0].replaceChildren(row([none]));
          }
          const linkKinds = (result.genesis && result.genesis.submission.record.linkKinds) || [];
          const kinds = new Map(linkKinds.map((k) => [k.id, k]));
          table('links', result.links, (e) => {
            const r = e.submission.record, kind = kinds.get(r.linkKind);
            return row([stamp(r.sharedAt), kind ? (lang === 'zh' ? kind.nameZh : kind.nameEn) : r.linkKind]);
          });

          const list = $('checks');
          list.replaceChildren(...result.checks.items.map((c) => {
            if (c.section) return el('li', t('c_' + c.key, ...c.args), 'section');
            const text = (c.ok ? '✔ ' : c.skipped ? '– ' : '✘ ')
              + t(c.skipped ? 'c_receiptSkipped' : 'c_' + c.key, ...checkArgs(c)) + checkDetail(c);
            return el('li', text, c.ok || c.skipped ? 'ok' : 'bad');
          }));
          if (!ok) $('checks-box').open = true;

          const link = location.href.split('#')[0] + '#' + fragment(result.question);
          $('permalink').href = link;
          const receipt = $('receipt-facts');
          receipt.replaceChildren();
          fact(receipt, 'question', fragment(result.question));
          fact(receipt, 'verdict', ok ? term(a.verdict) : term('failed') + ' (' + term(a.verdict) + ')');
          fact(receipt, 'answeredAt', stamp(a.answeredAt, true));
          fact(receipt, 'checkedAt', stamp(result.checkedAt.toISOString(), true));
          fact(receipt, 'browserCheck', ok ? t('passed') : t('failedWord'));
          if (a.receipt) fact(receipt, 'receiptKey', a.receipt.keyId);
          if (witnessed) fact(receipt, 'witnessedBy', witnessList(witnessed));
          fact(receipt, 'permalink', link);
          $('receipt-checkpoint').textContent = a.checkpoint || '';
          $('receipt-proofs').textContent = (a.entries || [])
            .map((e) => C.tlogProof(e.index, e.inclusionProof, a.checkpoint)).join('\n');
        }
        /// A check's arguments for its text: a verdict named by a check is shown by its term.
        function checkArgs(c) { return c.key === 'verdict' ? (c.args || []).map(term) : (c.args || []); }
        /// Why a check failed, in the page's language (a state it names by its term); an unexpected error as is.
        function checkDetail(c) {
          if (c.code) {
            const args = c.code === 'verdictDiffers' ? c.codeArgs.map(term) : c.codeArgs;
            return ' — ' + t('e_' + c.code, ...args);
          }
          return c.detail ? ' — ' + c.detail : '';
        }
        /// Each cell carries its column's name, which a phone shows beside the value when rows stack.
        function table(id, items, make) {
          $(id + '-box').hidden = items.length === 0;
          const names = Array.from($(id).tHead.rows[0].cells, (th) => th.textContent);
          const rows = items.map(make);
          for (const tr of rows) Array.from(tr.cells).forEach((td, i) => { td.dataset.label = names[i] || ''; });
          $(id).tBodies[0].replaceChildren(...rows);
        }

        /// Why, in the page's language, from the answer's members (verdict, license and seal summaries, the
        /// question, the proven entries) rather than from the ledger's English `reason`.
        function reason(result) {
          const a = result.answer, q = a.question, L = a.license, S = a.seal;
          const entry = (i) => (i === undefined || i === null ? null : result.proven.get(i));
          if (S) {
            if (a.verdict === 'revoked') {
              const end = entry(S.revokeIndex);
              return t('r_sealRevoked', S.sealId, end ? end.submission.record.effectiveOn : '—', S.revokeIndex);
            }
            if (a.verdict === 'mismatch') return t('r_sealOtherHolder', S.sealId, S.holder, q.holder);
            if (a.verdict === 'expired') return t('r_sealExpired', S.sealId, S.validFrom, S.validTo, a.asOf);
            return t('r_sealAuthentic', S.sealId, S.holder, S.issueIndex, a.asOf);
          }
          if (!L) {
            if (q.subject === 'seal') return t('r_sealUnknown', q.sealId);
            if (q.subject === 'document') return t('r_documentUnknown', q.document.digest);
            return t('r_licenseUnknown', q.uscc);
          }
          if (a.verdict === 'revoked' || a.verdict === 'cancelled') {
            return t('r_licenseEnded', L.uscc, L.endEffectiveOn, term(a.verdict), L.endIndex);
          }
          if (a.verdict === 'mismatch') {
            const presented = q.document && q.document.digest;
            const ref = (a.entries || []).map((e) => entry(e.index)).find((e) => e
              && ['license.issue', 'license.amend'].includes(e.submission.kind) && e.submission.record.document
              && e.submission.record.document.digest === presented);
            if (!ref) return t('r_documentNone', L.uscc, L.version, L.currentIndex);
            const r = ref.submission.record;
            if (r.uscc !== L.uscc) return t('r_documentOther', r.uscc, ref.index, L.uscc);
            return t('r_documentOld', r.version, ref.index, L.version, L.currentIndex);
          }
          if (a.verdict === 'expired') return t('r_licenseExpired', L.uscc, a.asOf);
          return t('r_licenseAuthentic', L.uscc, L.version, L.currentIndex, a.asOf)
            + (L.endEffectiveOn ? t('r_ending', L.endEffectiveOn) : '');
        }

        async function chooseFile(file) {
          if (!file) return;
          if (!window.crypto || !crypto.subtle) { $('form-error').textContent = t('noCrypto'); return; }
          $('digest').textContent = t('hashing');
          const bytes = new Uint8Array(await file.arrayBuffer());
          digest = { file: file.name, hex: C.hex(await C.sha256(bytes)) };
          showDigest();
        }

        async function start() {
          $('key-text').textContent = vkey;
          $('key-name').textContent = vkey.split('+')[0];
          $('key-id').textContent = vkey.split('+')[1] || '';
          if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
            pinnedError = () => t('noCrypto');
          } else {
            try { pinned = await C.parseVerifierKey(vkey); $('key-id').textContent = pinned.idHex; } catch (error) {
              pinnedError = () => t('badKey', error.code ? t('e_' + error.code, ...error.args) : error.message);
            }
            if (pinned) {
              try {
                pinned.policy = policyText ? await C.parsePolicy(policyText) : null;
                if (pinned.policy && pinned.policy.log.text !== vkey) C.fail('policyLog');
              } catch (error) {
                pinned = null;
                pinnedError = () => t('badPolicy', error.code ? t('e_' + error.code, ...error.args) : error.message);
              }
            }
          }
          loadMemory();
          $('lang').addEventListener('click', () => {
            lang = lang === 'zh' ? 'en' : 'zh';
            try { localStorage.setItem('certledger-lang', lang); } catch (e) { /* private mode */ }
            applyLanguage();
          });
          $('ask').addEventListener('submit', (event) => {
            event.preventDefault();
            $('form-error').textContent = '';
            const q = questionFromForm();
            if (!q) return;
            history.replaceState(null, '', '#' + fragment(q));
            verify(q);
          });
          $('clear').addEventListener('click', () => {
            $('ask').reset(); digest = null; last = null; showDigest();
            $('result').hidden = true; $('form-error').textContent = ''; document.body.classList.remove('failed');
            history.replaceState(null, '', location.pathname);
            $('uscc').focus();
          });
          $('file').addEventListener('change', () => chooseFile($('file').files[0]));
          const drop = $('drop');
          drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
          drop.addEventListener('dragleave', () => drop.classList.remove('over'));
          drop.addEventListener('drop', (e) => {
            e.preventDefault();
            drop.classList.remove('over');
            if (!e.dataTransfer.files.length) return;
            $('file').files = e.dataTransfer.files;
            chooseFile(e.dataTransfer.files[0]);
          });
          $('print').addEventListener('click', () => { $('checks-box').open = true; window.print(); });
          window.addEventListener('hashchange', fromFragment);
          applyLanguage();
          document.body.dataset.ready = 'true';
          fromFragment();
        }
        start();
        })();

        """#
}
