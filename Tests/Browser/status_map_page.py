#!/usr/bin/env python3
"""Runs the verification page's own status-map checks in headless Chromium, on the shared vectors and on live
answers altered the ways a dishonest server or a proxy would alter them.

Run by Tests/LedgerServerTests/StatusMapPageBrowserTests.swift, which starts a development ledger, fills it (a live
license with a seal and a link, a revoked license with a revoked seal) and passes its address and the scenario here.

1. Vectors: `Tests/Vectors/status-map-v1.json` (the shared vectors) through the page's `CertCheck.treeKey` and
   `checkMapProof`, every proof accepted as present or absent as the vector says, each proof with one sibling bit
   flipped rejected.
2. Mutations: genuine `POST /v1/verify` answers (fetched here) are altered and handed to the page's
   `CertCheck.checkAnswer` in the browser; each must fail with the named check and code: a flipped sibling, a leaf
   moved off the key's path, a stale map root, an absence claim for a present key, a verdict that contradicts its
   map value, a changed value, a key left out, a summary or a named entry that disagrees, an unknown without its
   proofs. The genuine answers (license, unknown, revoked seal, bare document), and the same with the receipt
   removed, pass every check.
3. The page through proxies: a license look-up whose history gains another company's revocation and whose seal list
   loses the revoked seal shows only the license's own proven chain and says the seal list is not proven complete;
   a seal of another holder added to the list is not shown as this holder's; a verdict changed in transit (receipt
   removed) turns the page red; an unknown USCC is shown as proven by its absence proof; a bare document digest
   shows the license it names with that license's proven history.

Exit 0 when every expectation held; 1 with the failures listed.
"""
import argparse
import base64
import copy
import hashlib
import http.client
import http.server
import json
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verification_page import ProxyHandler, Run, chrome  # noqa: E402

from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHECK = '''
const done = arguments[arguments.length - 1];
const [answer, question] = arguments;
(async () => {
  const C = window.CertCheck;
  const vkey = document.querySelector('meta[name="certledger-verifier-key"]').content;
  const pinned = await C.parseVerifierKey(vkey);
  const checks = new C.Checks();
  await C.checkAnswer(answer, question, pinned, checks);
  return checks.items.filter((c) => !c.section).map((c) => ({ key: c.key, ok: c.ok, code: c.code || null,
    args: c.codeArgs || null, detail: c.detail || null }));
})().then(done, (e) => done([{ key: 'threw', ok: false, detail: String(e) }]));
'''

VECTORS = '''
const done = arguments[arguments.length - 1];
const cases = arguments[0];
(async () => {
  const C = window.CertCheck, out = [];
  for (const c of cases) {
    const root = C.b64decode(c.root);
    for (const p of c.proofs) {
      const key = C.hex(await C.treeKey(p.key));
      const item = { key: p.key, proof: p.proof };
      if (p.present) item.value = p.value;
      let shown, code = null;
      try { shown = (await C.checkMapProof(item, root)) !== null ? 'present' : 'absent'; } catch (e) {
        shown = 'rejected'; code = e.code || String(e);
      }
      out.push({ key: p.key, treeKey: key, want: p.treeKey, present: p.present, shown, code, flipped: !!p.flipped });
    }
  }
  return out;
})().then(done, (e) => done([{ key: 'threw', shown: String(e) }]));
'''


def tree_key(key):
    return hashlib.sha256(b'certledger/map/v1\n' + key.encode()).digest()


def shared_bits(a, b):
    n = 0
    while n < 256 and ((a[n >> 3] >> (7 - (n & 7))) & 1) == ((b[n >> 3] >> (7 - (n & 7))) & 1):
        n += 1
    return n


def flip(b64, byte=7):
    raw = bytearray(base64.b64decode(b64))
    raw[byte] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


class Ledger:
    def __init__(self, port):
        self.port = port

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=30)
        headers = {'Content-Type': 'application/json'} if body is not None else {}
        conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        conn.close()
        if response.status != 200:
            raise RuntimeError('%s %s: HTTP %d %s' % (method, path, response.status, payload[:300]))
        return json.loads(payload)

    def verify(self, question):
        return self.request('POST', '/v1/verify', question)


class MapRun(Run):
    def check(self, answer, question):
        self.driver.set_script_timeout(60)
        return self.driver.execute_async_script(CHECK, answer, question)

    def holds(self, name, answer, question):
        items = self.check(answer, question)
        bad = [c for c in items if not c['ok']]
        self.expect(items and not bad, '%s: the genuine answer fails %r' % (name, bad))
        self.expect(any(c['key'] == 'mapProof' and c['ok'] for c in items), '%s: no map proof checked' % name)
        return items

    def refuses(self, name, answer, question, key, code):
        """The page's checker fails the answer at check `key` with `code` (any code when None)."""
        items = self.check(answer, question)
        failed = [c for c in items if not c['ok']]
        hit = [c for c in failed if c['key'] == key and (code is None or c['code'] == code)]
        self.expect(hit, '%s: want check %s to fail with %s; failed: %r' % (name, key, code, failed))


def vectors(run, path):
    with open(path, encoding='utf-8') as f:
        cases = json.load(f)['cases']
    # Each proof as given, and each with a non-empty sibling's bit flipped (which must be rejected).
    mutated = []
    for c in cases:
        proofs = list(c['proofs'])
        for p in c['proofs']:
            for i, s in enumerate(p['proof']['siblings']):
                if s is not None:
                    q = copy.deepcopy(p)
                    q['proof']['siblings'][i] = flip(s)
                    q['flipped'] = True
                    proofs.append(q)
                    break
        mutated.append({'root': c['root'], 'proofs': proofs})
    run.driver.set_script_timeout(60)
    out = run.driver.execute_async_script(VECTORS, mutated)
    plain = [o for o in out if not o.get('flipped')]
    flipped = [o for o in out if o.get('flipped')]
    run.expect(len(plain) == sum(len(c['proofs']) for c in cases) and len(flipped) >= 3,
               'vectors: %d proofs run, %d flipped' % (len(plain), len(flipped)))
    for o in plain:
        run.expect(o['treeKey'] == o['want'], 'vector %s: tree key %s, want %s' % (o['key'], o['treeKey'], o['want']))
        run.expect(o['shown'] == ('present' if o['present'] else 'absent'),
                   'vector %s: shown %s (%s), want present=%s' % (o['key'], o['shown'], o['code'], o['present']))
    for o in flipped:
        run.expect(o['shown'] == 'rejected' and o['code'] == 'mapRootMismatch',
                   'vector %s, flipped sibling: %s (%s)' % (o['key'], o['shown'], o['code']))
    print('vectors: %d proofs and %d flipped siblings through the page' % (len(plain), len(flipped)), flush=True)


def proofs_of(answer):
    return answer['statusMap']['proofs']


def without_receipt(answer):
    a = copy.deepcopy(answer)
    a.pop('receipt', None)
    return a


def mutations(run, s, ledger):
    good, revoked, unknown = s['authentic'], s['revoked'], s['unknown']
    q_good = {'subject': 'license', 'uscc': good}
    q_revoked = {'subject': 'license', 'uscc': revoked}
    q_unknown = {'subject': 'license', 'uscc': unknown}
    q_seal = {'subject': 'seal', 'sealId': s['revokedSealId'], 'holder': revoked}
    q_document = {'subject': 'document', 'document': {'algorithm': 'sha256', 'digest': s['documentDigest']}}
    # Asked together, so that (the ledger being idle) they share one checkpoint and one map root.
    answers = {}
    for _ in range(5):
        answers = {n: ledger.verify(q) for n, q in
                   (('good', q_good), ('revoked', q_revoked), ('unknown', q_unknown), ('seal', q_seal),
                    ('document', q_document))}
        if len({a['treeSize'] for a in answers.values()}) == 1:
            break
    a_good, a_revoked, a_unknown, a_seal, a_document = (answers[n] for n in
                                                        ('good', 'revoked', 'unknown', 'seal', 'document'))
    run.expect(a_revoked['verdict'] == 'revoked' and a_unknown['verdict'] == 'unknown'
               and a_seal['verdict'] == 'revoked', 'mutations: verdicts %r' % {n: a['verdict'] for n, a in answers.items()})
    run.expect([p['key'] for p in proofs_of(a_seal)] == ['seal:' + s['revokedSealId'], 'license:' + revoked],
               'mutations: the seal answer proves %r' % [p['key'] for p in proofs_of(a_seal)])

    run.expect(a_document['verdict'] == 'authentic' and [p['key'] for p in proofs_of(a_document)] == [
        'document:sha256:' + s['documentDigest'], 'license:' + good], 'mutations: the document answer %r / %r' % (
        a_document['verdict'], [p['key'] for p in proofs_of(a_document)]))
    for name, a, q in (('good', a_good, q_good), ('revoked', a_revoked, q_revoked), ('unknown', a_unknown, q_unknown),
                       ('seal', a_seal, q_seal), ('document', a_document, q_document)):
        run.holds(name, a, q)
        items = run.holds(name + ' without receipt', without_receipt(a), q)
        run.expect(any(c['key'] == 'receiptAbsent' and c['ok'] for c in items),
                   '%s without receipt: the missing receipt is not noted %r' % (name, items))

    # A flipped sibling: the proof no longer folds to the map root.
    candidates = [(n, i, j) for n, a in answers.items() for i, p in enumerate(proofs_of(a))
                  for j, sib in enumerate(p['proof']['siblings']) if sib is not None]
    run.expect(candidates, 'mutations: no map proof with a non-empty sibling')
    if candidates:
        n, i, j = candidates[0]
        a = without_receipt(answers[n])
        sib = proofs_of(a)[i]['proof']['siblings'][j]
        proofs_of(a)[i]['proof']['siblings'][j] = flip(sib)
        run.refuses('flipped sibling', a, {'good': q_good, 'revoked': q_revoked, 'unknown': q_unknown,
                                           'seal': q_seal, 'document': q_document}[n], 'mapProof', 'mapRootMismatch')

    # A leaf moved off the key's path: the unknown USCC's absence "proven" by another key's genuine proof, whose
    # terminal does not share the asked key's first D bits.
    asked = tree_key('license:' + unknown)
    moved = None
    for a in (a_good, a_revoked, a_seal, a_document):
        for p in proofs_of(a):
            t = p['proof']['terminal']
            if t and shared_bits(bytes.fromhex(t['key']), asked) < p['proof']['depth']:
                moved = p
    run.expect(moved is not None, 'mutations: no proof to move off the path')
    if moved:
        a = without_receipt(a_unknown)
        proofs_of(a)[0] = {'key': 'license:' + unknown, 'proof': copy.deepcopy(moved['proof'])}
        run.refuses('leaf off the path', a, q_unknown, 'mapProof', 'mapOffPath')

    # A stale map root: a map.root entry of an older tree, genuinely in the log and proven in this checkpoint.
    size = a_revoked['treeSize']
    older = None
    for index in range(size - 2, 0, -1):
        entry = ledger.request('GET', '/v1/entries/%d' % index)
        if base64.b64decode(entry['entry']).find(b'"kind":"map.root"') >= 0:
            older = (index, entry['entry'])
            break
    run.expect(older is not None, 'mutations: no older map.root entry below %d' % size)
    if older:
        proof = ledger.request('GET', '/v1/proofs/inclusion?index=%d&size=%d' % (older[0], size))['proof']
        a = without_receipt(a_revoked)
        a['statusMap']['mapRoot'] = {'index': older[0], 'entry': older[1], 'inclusionProof': proof}
        run.refuses('stale map root', a, q_revoked, 'mapRoot', 'mapRootIndex')
        # The same entry claiming to be the last one: its proof is not that of the last index.
        a['statusMap']['mapRoot']['index'] = size - 1
        run.refuses('stale map root at the last index', a, q_revoked, 'mapRoot', None)

    # An absence claimed for a present key: the value left out (and the verdict and summary made to match).
    a = without_receipt(a_revoked)
    del proofs_of(a)[0]['value']
    a['verdict'] = 'unknown'
    a.pop('license', None)
    run.refuses('absence claimed for a present key', a, q_revoked, 'mapProof', 'mapKeyPresent')
    # ...and an absence proof made up for it (no terminal at the same depth): it does not fold to the root.
    proofs_of(a)[0]['proof']['terminal'] = None
    run.refuses('made-up absence proof', a, q_revoked, 'mapProof', 'mapRootMismatch')

    # A verdict that contradicts its map value (receipt removed, so only the proofs can tell).
    for name, base, q, verdict in (('revoked said authentic', a_revoked, q_revoked, 'authentic'),
                                   ('unknown said authentic', a_unknown, q_unknown, 'authentic'),
                                   ('authentic said revoked', a_good, q_good, 'revoked'),
                                   ('revoked seal said authentic', a_seal, q_seal, 'authentic')):
        a = without_receipt(base)
        a['verdict'] = verdict
        run.refuses(name, a, q, 'verdict', 'verdictDiffers')

    # The value changed to say what the server wants: it no longer hashes to the proven value hash.
    a = without_receipt(a_revoked)
    value = json.loads(proofs_of(a)[0]['value'])
    value['status'] = 'live'
    for k in ('end', 'endEffectiveOn'):
        value.pop(k, None)
    proofs_of(a)[0]['value'] = json.dumps(value, separators=(',', ':'), sort_keys=True, ensure_ascii=False)
    a['verdict'] = 'authentic'
    run.refuses('changed value', a, q_revoked, 'mapProof', 'mapValueHash')

    # An unknown without its absence proof (the status map removed) is not proven.
    a = without_receipt(a_unknown)
    del a['statusMap']
    run.refuses('unknown without proofs', a, q_unknown, 'mapRoot', 'noStatusMap')

    # The license a document names left out of a document answer.
    a = without_receipt(a_document)
    del proofs_of(a)[1]
    run.refuses('document without its license', a, q_document, 'mapKeys', 'mapKeys')

    # The holder's license key left out of a seal answer.
    a = without_receipt(a_seal)
    del proofs_of(a)[1]
    run.refuses('key left out', a, q_seal, 'mapKeys', 'mapKeys')

    # A summary that disagrees with the value, and an end entry the value names left out of the entries.
    a = without_receipt(a_revoked)
    a['license']['currentIndex'] = a['license']['currentIndex'] + 1
    run.refuses('summary differs', a, q_revoked, 'summaries', 'summaryDiffers')
    a = without_receipt(a_revoked)
    end = json.loads(proofs_of(a)[0]['value'])['end']
    a['entries'] = [e for e in a['entries'] if e['index'] != end]
    run.refuses('end entry left out', a, q_revoked, 'mapEntries', 'mapEntryMissing')
    print('mutations: every altered answer refused by the page\'s checker', flush=True)
    return answers


class EditingHandler(ProxyHandler):
    """Forwards to the daemon and lets the server's `edit(method, path, body, payload)` rewrite a 200 answer."""

    def rewrite(self, method, body, status, payload):
        return self.server.edit(method, self.path, body, payload) if status == 200 else payload


class EditingProxy(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream_port, edit):
        self.upstream_port = upstream_port
        self.edit = edit
        super().__init__(('127.0.0.1', 0), EditingHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def address(self):
        return 'http://127.0.0.1:%d/' % self.server_address[1]


def through_proxies(run, s, ledger, port):
    good, revoked = s['authentic'], s['revoked']
    lookup_revoked = ledger.request('GET', '/v1/licenses/' + revoked)
    lookup_good = ledger.request('GET', '/v1/licenses/' + good)
    foreign_index = lookup_good['history'][0]

    # 1. History gains another company's entry; the revoked seal is dropped from the holder's seal list.
    def edit_lookup(method, path, body, payload):
        if method == 'GET' and path == '/v1/licenses/' + revoked:
            lookup = json.loads(payload)
            lookup['history'] = sorted(lookup['history'] + [foreign_index])
            lookup['seals'] = [x for x in lookup['seals'] if x != s['revokedSealId']]
            return json.dumps(lookup).encode()
        return payload
    proxy = EditingProxy(port, edit_lookup)
    st = run.open(proxy.address + '#license=' + revoked, 'edited-lookup')
    run.expect(st['verdict'] == 'revoked' and st['check'] == 'ok', 'edited-lookup: %r / %r' % (st['verdict'], st['banner']))
    shown = [r[3] for r in st['history']]
    run.expect(shown == [str(i) for i in lookup_revoked['history']] and str(foreign_index) not in shown,
               'edited-lookup: history %r, the license\'s own chain is %r (foreign %d)' % (
                   shown, lookup_revoked['history'], foreign_index))
    note = run.driver.execute_script(
        "const n = document.getElementById('seals-note');"
        "return { text: n.textContent, shown: n.getBoundingClientRect().height > 0 };")
    run.expect('无法证明其完整' in note['text'] and note['shown'],
               'edited-lookup: the page does not say the seal list is unproven: %r' % note)
    run.expect(s['revokedSealId'] not in [r[0] for r in st['seals']], 'edited-lookup: seals %r' % st['seals'])
    run.shot('1-edited-lookup')
    proxy.shutdown()

    # 2. Another holder's seal added to a holder's list: proven held by someone else, so not shown as this one's.
    def add_seal(method, path, body, payload):
        if method == 'GET' and path == '/v1/licenses/' + good:
            lookup = json.loads(payload)
            lookup['seals'] = lookup['seals'] + [s['revokedSealId']]
            return json.dumps(lookup).encode()
        return payload
    proxy = EditingProxy(port, add_seal)
    st = run.open(proxy.address + '#license=' + good, 'added-seal')
    run.expect(st['verdict'] == 'authentic' and st['check'] == 'ok', 'added-seal: %r / %r' % (st['verdict'], st['banner']))
    run.expect([r[0] for r in st['seals']] == [s['sealId']], 'added-seal: seals %r' % st['seals'])
    proxy.shutdown()

    # 3. The verdict changed in transit, the receipt removed: red, with the reason in Chinese.
    def change_verdict(method, path, body, payload):
        if method == 'POST' and path == '/v1/verify':
            answer = json.loads(payload)
            if answer['verdict'] == 'revoked':
                answer['verdict'] = 'authentic'
                answer.pop('receipt', None)
                return json.dumps(answer, ensure_ascii=False).encode()
        return payload
    proxy = EditingProxy(port, change_verdict)
    st = run.open(proxy.address + '#license=' + revoked, 'changed-verdict')
    run.expect(st['verdict'] == 'failed' and st['check'] == 'failed' and st['failedBody'],
               'changed-verdict: %r / %r' % (st['verdict'], st['banner']))
    run.expect('映射值得出“已吊销”，结论却是“真实有效”' in st['banner'], 'changed-verdict: banner %r' % st['banner'])
    run.chinese_only('changed-verdict', st)
    run.shot('3-changed-verdict')
    proxy.shutdown()

    # 4. Unknown: green only with its absence proof, and the page says so.
    st = run.open(s['server'] + '#license=' + s['unknown'], 'unknown')
    run.expect(st['verdict'] == 'unknown' and st['check'] == 'ok' and '不存在证明' in st['banner'],
               'unknown: %r / %r' % (st['verdict'], st['banner']))
    run.expect(any(cls == 'ok' and '状态映射证明' in text for cls, text in st['checks']), 'unknown: %r' % st['checks'])

    # 5. A bare document digest: the license it names, and that license's own history, proven.
    st = run.open(s['server'] + '#document=sha256:' + s['documentDigest'], 'document')
    run.expect(st['verdict'] == 'authentic' and st['check'] == 'ok', 'document: %r / %r' % (st['verdict'], st['banner']))
    run.expect([r[1] for r in st['history']] == ['签发'] and good in st['facts'],
               'document: history %r, facts %r' % (st['history'], st['facts']))
    run.expect([r[0] for r in st['seals']] == [s['sealId']], 'document: seals %r' % st['seals'])
    run.chinese_only('document', st)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--server', required=True, help='http://127.0.0.1:PORT of the daemon')
    parser.add_argument('--scenario', required=True, help='JSON: the USCCs and seals of the filled ledger')
    parser.add_argument('--vectors', required=True, help='status-map-v1.json')
    parser.add_argument('--out', required=True, help='folder for the screenshots')
    parser.add_argument('--chromium', default='/usr/bin/chromium')
    parser.add_argument('--chromedriver', default='/usr/bin/chromedriver')
    args = parser.parse_args()
    with open(args.scenario, encoding='utf-8') as f:
        s = json.load(f)
    s['server'] = args.server.rstrip('/') + '/'
    os.makedirs(args.out, exist_ok=True)
    port = int(args.server.rsplit(':', 1)[1])

    driver = chrome(args)
    run = MapRun(driver, args.out)
    try:
        driver.get(s['server'])
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
        vectors(run, args.vectors)
        mutations(run, s, Ledger(port))
        through_proxies(run, s, Ledger(port), port)
    finally:
        driver.quit()
    return run.summary()


if __name__ == '__main__':
    sys.exit(main())
