#!/usr/bin/env python3
"""Drives the verification page in headless Chromium against a live CertLedger daemon.

Run by Tests/LedgerServerTests/VerificationPageBrowserTests.swift, which starts a development ledger, fills it and
passes its address and the scenario (a JSON file) here. Two small proxies stand between the browser and the daemon:
a recording one (to show that a dropped document never leaves the browser, only its digest) and a tampering one
that flips one bit of the first inclusion proof in every `POST /v1/verify` answer, which the page must show as
failed. The browser runs in Asia/Shanghai (UTC+8), so local times differ from UTC. Every state is saved as a PNG
under --out (the phone one with a 390-px viewport). Exit 0 when every expectation held; 1 with the failures listed.
"""
import argparse
import base64
import datetime
import hashlib
import http.client
import http.server
import json
import os
import re
import sys
import threading
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait


class Proxy(http.server.ThreadingHTTPServer):
    """Forwards every request to the daemon; records request bodies; optionally tampers with verify answers, or
    answers every verify request with `replay` (a saved answer) instead of the daemon's."""

    daemon_threads = True

    def __init__(self, upstream_port, tamper):
        self.upstream_port = upstream_port
        self.tamper = tamper
        self.replay = None
        self.bodies = []
        self.tampered = 0
        super().__init__(('127.0.0.1', 0), ProxyHandler)


def flip_first_proof_bit(body):
    """One bit of the first proof hash of the answer (a deciding entry's, else the genesis's)."""
    answer = json.loads(body)
    proven = answer['entries'][0] if answer.get('entries') else answer['genesis']
    if not proven['inclusionProof']:
        raise ValueError('no proof hash to flip in entry %d' % proven['index'])
    raw = bytearray(base64.b64decode(proven['inclusionProof'][0]))
    raw[7] ^= 0x01
    proven['inclusionProof'][0] = base64.b64encode(bytes(raw)).decode()
    return json.dumps(answer, ensure_ascii=False, separators=(',', ':')).encode()


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def rewrite(self, method, body, status, payload):
        """What the browser gets instead of the daemon's `payload`: the recorded answer, or a tampered one."""
        self.server.bodies.append((method, self.path, body))
        if self.server.replay is not None and method == 'POST' and self.path == '/v1/verify':
            return self.server.replay
        if self.server.tamper and method == 'POST' and self.path == '/v1/verify' and status == 200:
            self.server.tampered += 1
            return flip_first_proof_bit(payload)
        return payload

    def forward(self, method):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        upstream = http.client.HTTPConnection('127.0.0.1', self.server.upstream_port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ('host', 'connection')}
        upstream.request(method, self.path, body=body or None, headers=headers)
        response = upstream.getresponse()
        payload = self.rewrite(method, body, response.status, response.read())
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in ('content-length', 'connection', 'transfer-encoding', 'date', 'server'):
                self.send_header(key, value)
        self.send_header('Content-Length', str(len(payload)))
        self.send_header('Connection', 'close')
        self.end_headers()
        self.wfile.write(payload)
        upstream.close()

    def do_GET(self):
        self.forward('GET')

    def do_POST(self):
        self.forward('POST')


# English words of the ledger's reasons and the check names: none may show on the Chinese page.
ENGLISH = re.compile(r'\b(the|of|is|in force|entry|version|license|seal|revoked|cancelled|authentic|unknown|mismatch|'
                     r'verdict|document|agrees|proven|presented)\b')
# Question fragments (`license=…`) and status-map keys (`license:…`) name the question, not a word of the page.
FRAGMENT = re.compile(r'\b(license|seal|holder|document)[=:]\S+')


class Run:
    def __init__(self, driver, out):
        self.driver = driver
        self.out = out
        self.failures = []
        self.shots = []

    def expect(self, condition, message):
        if not condition:
            self.failures.append(message)
            print('FAIL:', message, flush=True)

    def summary(self):
        """Prints the screenshots and the outcome; the exit status: 1 if any expectation failed."""
        print('screenshots:', ' '.join(self.shots))
        if self.failures:
            print('%d expectation(s) failed' % len(self.failures))
            return 1
        print('all browser expectations held')
        return 0

    def state(self):
        return self.driver.execute_script('''
            const $ = (id) => document.getElementById(id);
            const rows = (id) => Array.from($(id).tBodies[0].rows, (r) => Array.from(r.cells, (c) => c.textContent));
            return { verdict: $('verdict').dataset.verdict, check: $('result').dataset.check,
                     hidden: $('result').hidden, word: $('verdict-word').textContent,
                     banner: $('browser-check').textContent, failedBody: document.body.classList.contains('failed'),
                     facts: $('facts').textContent, error: $('form-error').textContent,
                     digest: $('digest').textContent, history: rows('history'), seals: rows('seals'),
                     links: rows('links'), checks: Array.from($('checks').children, (li) => [li.className, li.textContent]),
                     proofs: $('receipt-proofs').textContent, lang: document.documentElement.lang,
                     sub: $('verdict-sub').textContent, factsText: $('facts').innerText,
                     reasonEn: $('reason-en').textContent, receipt: $('receipt-facts').innerText,
                     dev: $('dev-banner').hidden ? null : $('dev-banner').innerText,
                     devShown: $('dev-banner').getBoundingClientRect().height > 0 };''')

    def chinese_only(self, name, st, file_name=None):
        """No English word of a reason, verdict or check name in what the Chinese page shows (the name of the file
        presented is the clerk's, not the page's)."""
        shown = [st['word'], st['sub'], st['factsText'], st['banner'], st['receipt']]
        shown += [' '.join(r) for r in st['history'] + st['seals'] + st['links']]
        shown += [text for _, text in st['checks']]
        for text in shown:
            found = ENGLISH.search(FRAGMENT.sub('', text.replace(file_name, '') if file_name else text))
            self.expect(not found, '%s: English %r on the Chinese page in %r' % (name, found and found.group(0), text))

    def local_beside_utc(self, name, st):
        """The ledger's answer time as Beijing time (the browser's zone) beside UTC, 8 hours apart."""
        local = re.search(r'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)（本地时间，UTC\+8）', st['factsText'])
        utc = re.search(r'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC', st['factsText'])
        self.expect(local and utc, '%s: no local time beside UTC in %r' % (name, st['factsText']))
        if local and utc:
            def parse(text):
                return datetime.datetime.strptime(text, '%Y-%m-%d %H:%M:%S')
            self.expect(parse(local.group(1)) - parse(utc.group(1)) == datetime.timedelta(hours=8),
                        '%s: local %s is not UTC %s + 8 h' % (name, local.group(1), utc.group(1)))

    def phone(self, name):
        """A 390-px viewport: nothing wider than the screen, and every table cell a readable line (rows stacked,
        each cell with its column's name), never a column one character wide."""
        self.driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride',
                                    {'width': 390, 'height': 844, 'deviceScaleFactor': 1, 'mobile': True})
        layout = self.driver.execute_script('''
            const cells = Array.from(document.querySelectorAll('#result table td'))
              .filter((td) => td.getBoundingClientRect().height > 0);
            return { width: window.innerWidth, scroll: document.documentElement.scrollWidth,
                     cells: cells.map((td) => ({ text: td.textContent, width: Math.round(td.getBoundingClientRect().width),
                                                 label: getComputedStyle(td, '::before').content })) };''')
        self.expect(layout['width'] == 390, '%s: viewport %r, not 390 px' % (name, layout['width']))
        self.expect(layout['scroll'] <= layout['width'], '%s: the page is %r px wide' % (name, layout['scroll']))
        self.expect(layout['cells'], '%s: no table cells' % name)
        for cell in layout['cells']:
            self.expect(cell['width'] >= 300 and len(cell['label']) > 2,
                        '%s: cell %r is %r px wide, label %r' % (name, cell['text'], cell['width'], cell['label']))
        height = self.driver.execute_script('return document.documentElement.scrollHeight')
        self.driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride',
                                    {'width': 390, 'height': min(height, 6000), 'deviceScaleFactor': 1, 'mobile': True})
        path = os.path.join(self.out, name + '.png')
        self.driver.save_screenshot(path)
        self.shots.append(path)
        self.driver.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})

    def wait_result(self, name):
        """Waits until a check has finished rendering (or the form shows an error)."""
        try:
            WebDriverWait(self.driver, 30).until(lambda d: d.execute_script(
                "const r = document.getElementById('result');"
                "return document.body.dataset.ready === 'true' && !document.getElementById('go').disabled"
                " && (!r.hidden || document.getElementById('form-error').textContent !== '');"))
        except TimeoutException:
            self.failures.append('%s: no result within 30 s' % name)
        return self.state()

    def open(self, url, name):
        self.driver.get('about:blank')
        self.driver.get(url)
        return self.wait_result(name)

    def shot(self, name, width=1000):
        self.driver.set_window_size(width, 900)
        height = self.driver.execute_script('return document.documentElement.scrollHeight')
        self.driver.set_window_size(width, min(height + 120, 6000))
        path = os.path.join(self.out, name + '.png')
        self.driver.save_screenshot(path)
        self.shots.append(path)


def chrome(args):
    """Headless Chromium as every browser test runs it: Chinese UI, Shanghai time, a fixed window."""
    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                 '--window-size=1000,900', '--lang=zh-CN', '--hide-scrollbars'):
        options.add_argument(flag)
    service = Service(args.chromedriver, env=dict(os.environ, TZ='Asia/Shanghai'))
    return webdriver.Chrome(options=options, service=service)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--server', required=True, help='http://127.0.0.1:PORT of the daemon')
    parser.add_argument('--scenario', required=True, help='JSON: the USCCs, seal, holder name and document paths')
    parser.add_argument('--out', required=True, help='folder for the screenshots')
    parser.add_argument('--chromium', default='/usr/bin/chromium')
    parser.add_argument('--chromedriver', default='/usr/bin/chromedriver')
    args = parser.parse_args()
    with open(args.scenario, encoding='utf-8') as f:
        s = json.load(f)
    os.makedirs(args.out, exist_ok=True)
    port = int(args.server.rsplit(':', 1)[1])
    recorder, tamperer = Proxy(port, tamper=False), Proxy(port, tamper=True)
    for proxy in (recorder, tamperer):
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
    recorded = 'http://127.0.0.1:%d/' % recorder.server_address[1]
    tampering = 'http://127.0.0.1:%d/' % tamperer.server_address[1]
    server = args.server.rstrip('/') + '/'

    driver = chrome(args)
    run = Run(driver, args.out)
    try:
        scenarios(run, s, server, recorded, tampering, recorder, tamperer)
    finally:
        driver.quit()
    return run.summary()


def scenarios(run, s, server, recorded, tampering, recorder, tamperer):
    good = s['authentic']
    # 1. Authentic license, opened by link: verdict, holder, history, seal, link, every check green.
    st = run.open(server + '#license=' + good, 'authentic')
    run.expect(st['verdict'] == 'authentic' and st['check'] == 'ok', 'authentic: %r / %r' % (st['verdict'], st['banner']))
    run.expect(st['word'] == '真实有效', 'authentic: verdict word %r' % st['word'])
    run.expect('证明已在您的浏览器中核验' in st['banner'], 'authentic: banner %r' % st['banner'])
    run.expect(s['holderName'] in st['facts'], 'authentic: holder name missing from %r' % st['facts'])
    run.expect([r[1] for r in st['history']] == ['签发'], 'authentic: history %r' % st['history'])
    run.expect(len(st['seals']) == 1 and st['seals'][0][0] == s['sealId'] and st['seals'][0][3] == '真实有效',
               'authentic: seals %r' % st['seals'])
    run.expect(st['dev'] and '开发账本' in st['dev'] and st['devShown'], 'authentic: development banner %r' % st['dev'])
    run.expect(st['sub'] == '账本中有此记录，当前有效。', 'authentic: no file was presented, yet %r' % st['sub'])
    run.expect('营业执照第 1 版' in st['factsText'] and '有效' in st['factsText'], 'authentic: reason %r' % st['factsText'])
    run.expect('in force' in st['reasonEn'], "authentic: the ledger's own words %r" % st['reasonEn'])
    run.expect(any('结论“真实有效”' in text for _, text in st['checks']), 'authentic: checks %r' % st['checks'])
    run.chinese_only('authentic', st)
    run.local_beside_utc('authentic', st)
    run.expect(all('UTC' in r[0] for r in st['history'] + st['links']), 'authentic: table times %r' % st['history'])
    run.expect([r[1] for r in st['links']] == ['不动产登记'], 'authentic: links %r' % st['links'])
    marks = [text[0] for cls, text in st['checks'] if cls != 'section']
    run.expect(len(marks) >= 8 and set(marks) == {'✔'}, 'authentic: checks %r' % st['checks'])
    run.expect(st['proofs'].startswith('c2sp.org/tlog-proof@v1\nindex '), 'authentic: receipt proofs %r' % st['proofs'][:80])
    run.shot('1-authentic')
    run.phone('1-authentic-phone')
    run.driver.find_element(By.ID, 'lang').click()
    st = run.state()
    run.expect(st['lang'] == 'en' and st['word'] == 'AUTHENTIC' and 'Proof checked in your browser' in st['banner'],
               'english: %r / %r' % (st['word'], st['banner']))
    run.expect('is in force on' in st['factsText'] and 'local time (UTC+8)' in st['factsText'],
               'english: facts %r' % st['factsText'])
    run.expect(st['seals'][0][3] == 'authentic' and st['dev'] and 'Development ledger' in st['dev'],
               'english: seals %r, banner %r' % (st['seals'], st['dev']))
    run.shot('1-authentic-en')
    run.driver.find_element(By.ID, 'lang').click()

    # 2. Revoked license: red, the revocation in the history, still proven.
    st = run.open(server + '#license=' + s['revoked'], 'revoked')
    run.expect(st['verdict'] == 'revoked' and st['check'] == 'ok', 'revoked: %r / %r' % (st['verdict'], st['banner']))
    run.expect([r[1] for r in st['history']] == ['签发', '吊销'], 'revoked: history %r' % st['history'])
    run.expect(st['word'] == '已吊销' and '已吊销' in st['factsText'], 'revoked: %r / %r' % (st['word'], st['factsText']))
    run.expect([(r[0], r[3]) for r in st['seals']] == [(s['revokedSealId'], '已吊销')],
               'revoked: one term for a revoked license and seal, seals %r' % st['seals'])
    run.chinese_only('revoked', st)
    run.shot('2-revoked')

    # 3. Unknown USCC, typed and submitted with the keyboard.
    run.driver.get('about:blank')
    run.driver.get(server)
    WebDriverWait(run.driver, 10).until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
    field = run.driver.find_element(By.ID, 'uscc')
    field.send_keys(s['unknown'], Keys.ENTER)
    st = run.wait_result('unknown')
    run.expect(st['verdict'] == 'unknown' and st['check'] == 'ok', 'unknown: %r / %r / %r' % (st['verdict'], st['banner'], st['error']))
    run.expect(run.driver.current_url.endswith('#license=' + s['unknown']), 'unknown: link %r' % run.driver.current_url)
    run.expect(st['word'] == '查无记录' and '账本中没有签发给 %s 的营业执照' % s['unknown'] in st['factsText'],
               'unknown: %r / %r' % (st['word'], st['factsText']))
    run.chinese_only('unknown', st)
    run.shot('3-unknown')

    # 4–5. The license document dropped on the page (through the recording proxy): hashed here, only the digest sent.
    for name, path, verdict, sub, reason in (
            ('4-document-match', s['document'], 'authentic', '与所出示的文件一致', '营业执照第 1 版'),
            ('5-document-mismatch', s['otherDocument'], 'mismatch', '与所出示的文件不一致',
             '所出示的文件不是账本中任何一版营业执照')):
        recorder.bodies.clear()
        run.driver.get('about:blank')
        run.driver.get(recorded)
        WebDriverWait(run.driver, 10).until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
        run.driver.find_element(By.ID, 'uscc').send_keys(good)
        run.driver.find_element(By.ID, 'file').send_keys(path)
        with open(path, 'rb') as f:
            content = f.read()
        digest = hashlib.sha256(content).hexdigest()
        WebDriverWait(run.driver, 10).until(lambda d: digest in d.find_element(By.ID, 'digest').text)
        run.driver.find_element(By.ID, 'go').click()
        st = run.wait_result(name)
        run.expect(st['verdict'] == verdict and st['check'] == 'ok', '%s: %r / %r' % (name, st['verdict'], st['banner']))
        sent = b''.join(body for _, _, body in recorder.bodies)
        run.expect(content not in sent, '%s: the document itself was sent to the server' % name)
        asked = [json.loads(body) for method, p, body in recorder.bodies if method == 'POST' and p == '/v1/verify']
        run.expect(asked and asked[0].get('document') == {'algorithm': 'sha256', 'digest': digest},
                   '%s: the question was %r' % (name, asked[:1]))
        run.expect(sub in st['sub'] and reason in st['factsText'] and '本机计算自文件' in st['factsText'],
                   '%s: %r / %r' % (name, st['sub'], st['factsText']))
        run.chinese_only(name, st, file_name=os.path.basename(path))
        run.shot(name)

    # 4b. The document's digest taken from a link: no file was presented, and the page says so.
    with open(s['document'], 'rb') as f:
        linked = hashlib.sha256(f.read()).hexdigest()
    st = run.open(server + '#license=%s&document=sha256:%s' % (good, linked), 'document-link')
    run.expect(st['verdict'] == 'authentic' and st['check'] == 'ok', 'document-link: %r / %r' % (st['verdict'], st['banner']))
    run.expect('所出示' not in st['sub'] and '链接中的文件摘要' in st['sub'], 'document-link: %r' % st['sub'])
    run.expect('来自链接，未出示文件' in st['factsText'] and '未出示文件' in st['digest'],
               'document-link: %r / %r' % (st['factsText'], st['digest']))
    run.shot('4-document-link')

    # 6. A seal by link, with its holder.
    st = run.open(server + '#seal=%s&holder=%s' % (s['sealId'], good), 'seal')
    run.expect(st['verdict'] == 'authentic' and st['check'] == 'ok', 'seal: %r / %r' % (st['verdict'], st['banner']))
    run.expect('的印章 %s' % s['sealId'] in st['factsText'] and '所出示' not in st['sub'],
               'seal: %r / %r' % (st['factsText'], st['sub']))
    run.chinese_only('seal', st)
    run.shot('6-seal')

    # 7. The authentic license through the tampering proxy: one flipped bit in a proof turns the page red.
    st = run.open(tampering + '#license=' + good, 'tampered')
    run.expect(tamperer.tampered >= 1, 'tampered: the proxy changed nothing')
    run.expect(st['verdict'] == 'failed' and st['check'] == 'failed' and st['failedBody'],
               'tampered: %r / %r' % (st['verdict'], st['banner']))
    run.expect(st['word'] == '核验失败' and '浏览器核验失败' in st['banner'], 'tampered: %r / %r' % (st['word'], st['banner']))
    run.expect(any(cls == 'bad' and '包含证明' in text for cls, text in st['checks']), 'tampered: checks %r' % st['checks'])
    run.expect('的证明算不出检查点的根哈希' in st['banner'], 'tampered: the reason is not in Chinese: %r' % st['banner'])
    run.chinese_only('tampered', st)
    run.shot('7-tampered')


if __name__ == '__main__':
    sys.exit(main())
