#!/usr/bin/env python3
"""Drives the witnessed verification pages in headless Chromium against live CertLedger daemons.

Run by Tests/LedgerServerTests/WitnessedPageBrowserTests.swift, which starts a ledger with two real witnesses, an
impostor ledger (its own key, the same origin name, the same license) and writes pages with `certledger page`; the
scenario (a JSON file) names them. Checks:

1. the page written for the witnessed ledger, opened as a file and served by a static web server, proves an answer
   and names both witnesses with their cosignature times;
2. the same policy pointed at the impostor refuses its answer in red;
3. a policy whose quorum the ledger's checkpoints do not meet refuses in red;
4. a page with a one-second --max-age shows an older answer as stale (amber, not green);
5. the page the daemon serves, reached through one address (a proxy standing for "the same host and port") first in
   front of the real ledger, then in front of the impostor, shows the full-width red warning with the key it
   remembered and the key it got, and refuses the answer; back in front of the real ledger with a remembered tree
   larger than the ledger's, it warns that the tree shrank; confirming the change clears the warning;
6. a genuine witnessed answer saved before a revocation and replayed (by the same proxy) after the page has seen the
   revocation's witnessed checkpoint is refused in red as a replay, also after confirming the tree warning.

Exit 0 when every expectation held; 1 with the failures listed. Screenshots under --out.
"""
import argparse
import functools
import http.server
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verification_page import Proxy, Run, chrome  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402


def witness_state(run):
    return run.driver.execute_script('''
        const $ = (id) => document.getElementById(id);
        const cosigners = Array.from(document.querySelectorAll('#facts .cosigner[data-witness]'),
          (e) => ({ label: e.dataset.witness, text: e.textContent, time: (e.querySelector('time') || {}).dateTime }));
        const warning = $('trust-warning');
        return { cosigners, bannerClass: $('browser-check').className, stale: $('browser-check').dataset.stale,
                 policyShown: !$('policy-box').hidden, policyWitnesses: $('policy-witnesses').children.length,
                 warningShown: !warning.hidden && warning.getBoundingClientRect().height > 0,
                 warningWidth: Math.round(warning.getBoundingClientRect().width), pageWidth: window.innerWidth,
                 changes: warning.dataset.changes || '', warningText: warning.innerText,
                 receipt: $('receipt-facts').innerText };''')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--scenario', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--chromium', default='/usr/bin/chromium')
    parser.add_argument('--chromedriver', default='/usr/bin/chromedriver')
    args = parser.parse_args()
    with open(args.scenario, encoding='utf-8') as f:
        s = json.load(f)
    os.makedirs(args.out, exist_ok=True)

    static = http.server.ThreadingHTTPServer(
        ('127.0.0.1', 0), functools.partial(Quiet, directory=os.path.dirname(s['goodPage'])))
    threading.Thread(target=static.serve_forever, daemon=True).start()
    same_address = Proxy(int(s['ledger'].rsplit(':', 1)[1]), tamper=False)
    threading.Thread(target=same_address.serve_forever, daemon=True).start()

    driver = chrome(args)
    run = Run(driver, args.out)
    try:
        scenarios(run, s, 'http://127.0.0.1:%d/' % static.server_address[1], same_address)
    finally:
        driver.quit()
        static.shutdown()
        same_address.shutdown()
    return run.summary()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def witnessed(run, name, st, w, labels):
    """A proven answer naming exactly `labels` as its witnesses, each with its cosignature time."""
    run.expect(st['verdict'] == 'authentic' and st['check'] == 'ok' and not st['failedBody'],
               '%s: %r / %r / %r' % (name, st['verdict'], st['banner'], st['error']))
    run.expect([c['label'] for c in w['cosigners']] == labels, '%s: witnesses %r' % (name, w['cosigners']))
    run.expect(all(c['time'] and 'UTC' in c['text'] for c in w['cosigners']), '%s: times %r' % (name, w['cosigners']))
    run.expect('见证方：' + ', '.join(labels) in st['banner'] and 'good' in w['bannerClass'],
               '%s: banner %r (%s)' % (name, st['banner'], w['bannerClass']))
    run.expect(all(label in w['receipt'] for label in labels), '%s: receipt %r' % (name, w['receipt']))
    run.expect(any(cls == 'ok' and '见证联署' in text for cls, text in st['checks']), '%s: checks %r' % (name, st['checks']))


def refused(run, name, st, reason):
    """Red: the verdict withheld, the reason in the banner, never the green one."""
    run.expect(st['verdict'] == 'failed' and st['check'] == 'failed' and st['failedBody'],
               '%s: %r / %r / %r' % (name, st['verdict'], st['banner'], st['error']))
    run.expect(st['word'] == '核验失败' and '证明已在您的浏览器中核验' not in st['banner'],
               '%s: %r / %r' % (name, st['word'], st['banner']))
    run.expect(reason in st['banner'], '%s: %r not in the banner %r' % (name, reason, st['banner']))


def scenarios(run, s, static, same_address):
    fragment = '#license=' + s['uscc']
    labels = s['labels']

    # 1. The page written with the policy, opened as a file, then served statically: both witnesses named.
    st = run.open('file://' + s['goodPage'] + fragment, 'file')
    w = witness_state(run)
    witnessed(run, 'file', st, w, labels)
    run.expect(w['policyShown'] and w['policyWitnesses'] == len(labels), 'file: policy box %r' % w)
    run.shot('1-witnessed-file')
    st = run.open(static + 'index.html' + fragment, 'static')
    witnessed(run, 'static', st, witness_state(run), labels)
    run.driver.find_element(By.ID, 'lang').click()
    st = run.state()
    run.expect('Witnessed by ' + ', '.join(labels) in st['banner'], 'english: banner %r' % st['banner'])
    run.shot('1-witnessed-en')
    run.driver.find_element(By.ID, 'lang').click()

    # 2. The same policy in front of the impostor: its checkpoint lacks the pinned key's signature.
    st = run.open('file://' + s['impostorPage'] + fragment, 'impostor')
    refused(run, 'impostor', st, '检查点上没有固定公钥')
    run.shot('2-impostor')

    # 3. A policy asking for a third witness, quorum 3: the ledger's checkpoints carry two cosignatures.
    st = run.open('file://' + s['strictPage'] + fragment, 'no-quorum')
    refused(run, 'no-quorum', st, '只有 2 方见证的有效联署')
    run.expect(any(cls == 'bad' and '见证联署' in text for cls, text in st['checks']), 'no-quorum: %r' % st['checks'])
    run.shot('3-no-quorum')

    # 4. --max-age 1: the answer's cosignatures are older than a second by now; proven, but amber.
    time.sleep(2)
    st = run.open('file://' + s['stalePage'] + fragment, 'stale')
    w = witness_state(run)
    run.expect(st['verdict'] == 'authentic' and st['check'] == 'ok', 'stale: %r / %r' % (st['verdict'], st['banner']))
    run.expect(w['stale'] == 'true' and 'warn' in w['bannerClass'] and '超过允许的 1 秒' in st['banner'],
               'stale: %r / %r' % (w['bannerClass'], st['banner']))
    run.shot('4-stale')

    # 5. The daemon's own page at one address: the real ledger first (its policy from its configuration).
    address = 'http://127.0.0.1:%d/' % same_address.server_address[1]
    st = run.open(address + fragment, 'served')
    w = witness_state(run)
    witnessed(run, 'served', st, w, s['servedLabels'])
    run.expect(not w['warningShown'], 'served: a warning on the first visit %r' % w['warningText'])
    # The impostor behind the same address: its own key (and no witnesses), the same license.
    same_address.upstream_port = int(s['impostor'].rsplit(':', 1)[1])
    st = run.open(address + fragment, 'served-impostor')
    w = witness_state(run)
    run.expect(w['warningShown'] and 'key' in w['changes'].split() and 'policy' in w['changes'].split(),
               'served-impostor: warning %r (%r)' % (w['changes'], w['warningText']))
    run.expect(w['warningWidth'] >= w['pageWidth'] - 20, 'served-impostor: warning %r px of %r' % (
        w['warningWidth'], w['pageWidth']))
    run.expect(s['ledgerKey'] in w['warningText'] and s['impostorKey'] in w['warningText'],
               'served-impostor: the warning does not name both keys: %r' % w['warningText'])
    run.expect('此前' in w['warningText'] and '现在' in w['warningText'], 'served-impostor: %r' % w['warningText'])
    refused(run, 'served-impostor', st, '账本与本页此前记住的不同')
    run.shot('5-served-key-changed')
    run.driver.find_element(By.ID, 'lang').click()
    w = witness_state(run)
    run.expect('this ledger is not the one this page remembers' in w['warningText']
               and "The ledger's checkpoint key changed." in w['warningText'] and s['impostorKey'] in w['warningText'],
               'served-impostor, English: %r' % w['warningText'])
    run.driver.find_element(By.ID, 'lang').click()

    # Back to the real ledger: nothing changed since the remembered visit, so no warning...
    same_address.upstream_port = int(s['ledger'].rsplit(':', 1)[1])
    st = run.open(address + fragment, 'served-again')
    w = witness_state(run)
    run.expect(not w['warningShown'] and st['check'] == 'ok', 'served-again: %r / %r' % (w['changes'], st['banner']))
    # ...until the browser remembers a larger tree than the ledger now shows (a rollback).
    run.driver.execute_script('''
        const key = 'certledger-trust:' + location.origin;
        const memory = JSON.parse(localStorage.getItem(key));
        memory.treeSize = '1000000';
        localStorage.setItem(key, JSON.stringify(memory));''')
    st = run.open(address + fragment, 'served-shrunk')
    w = witness_state(run)
    run.expect(w['warningShown'] and w['changes'] == 'shrunk' and '1000000' in w['warningText'],
               'served-shrunk: %r / %r' % (w['changes'], w['warningText']))
    refused(run, 'served-shrunk', st, '账本与本页此前记住的不同')
    run.shot('6-served-tree-shrank')
    # The clerk confirms: the warning goes, and the next check is green again.
    run.driver.find_element(By.CSS_SELECTOR, '#trust-warning button').click()
    run.expect(not witness_state(run)['warningShown'], 'accept: the warning stayed')
    st = run.open(address + fragment, 'served-accepted')
    w = witness_state(run)
    run.expect(not w['warningShown'] and st['check'] == 'ok', 'served-accepted: %r / %r' % (w['changes'], st['banner']))

    # 7. A genuine witnessed answer saved before the license was revoked, replayed after the page has seen the
    # revocation's witnessed checkpoint: refused in red, and confirming the tree warning does not make it true.
    replay = '#license=' + s['replayUSCC']
    st = run.open(address + replay, 'replay-current')
    run.expect(st['verdict'] == 'revoked' and st['check'] == 'ok', 'replay-current: %r / %r' % (st['verdict'], st['banner']))
    with open(s['oldAnswer'], 'rb') as f:
        same_address.replay = f.read()
    for name in ('replayed', 'replayed-after-confirming'):
        st = run.open(address + replay, name)
        refused(run, name, st, '这是重放的旧答复')
        run.expect(any(cls == 'bad' and '最新见证检查点' in text for cls, text in st['checks']),
                   '%s: checks %r' % (name, st['checks']))
        if name == 'replayed':
            run.shot('7-replayed')
            button = run.driver.find_elements(By.CSS_SELECTOR, '#trust-warning button')
            if button:
                button[0].click()
    same_address.replay = None


if __name__ == '__main__':
    sys.exit(main())
