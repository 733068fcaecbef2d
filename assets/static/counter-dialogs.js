// counter-dialogs.js: the counter terminal's dialogs, one task each:
// transfer the current customer (to a service, or to one counter), call a
// number out of turn with its reason, issue a priority ticket and show it
// with its QR code (and print it on the kiosk's printer), record a
// complaint, take over a counter someone else has open, log out with the
// counter still open, and the keyboard map. Each is a modal <dialog>: while
// one is open, the page's shortcuts are off (keyboard.js). A dialog's
// errors are the hub's sentences, shown in the dialog.

import { text } from "/assets/i18n.js";
import { minutesText } from "/assets/clock.js";
import { newKey, request } from "/assets/request.js";
import { logout, needsLogin, toLogin } from "/assets/staff.js";
import { CATEGORIES } from "/assets/complaint-words.js";
import { L, counterName, mine, recallToleranceS, say, serviceName, state, ticketNow } from "/assets/counter-state.js";

const $ = (id) => document.getElementById(id);

function el(tag, className, content) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (content !== undefined) e.textContent = content;
  return e;
}

// choiceButton makes a button of a set of choices.
function choiceButton(label, small, data) {
  const b = el("button", "choice");
  b.type = "button";
  b.setAttribute("aria-pressed", "false");
  b.append(el("span", "", label));
  if (small) b.append(el("small", "", small));
  Object.assign(b.dataset, data);
  return b;
}

// pick marks b as the chosen one of its set.
function pick(box, b) {
  for (const x of box.querySelectorAll(".choice")) x.setAttribute("aria-pressed", String(x === b));
}

// renew puts fresh, a set of choices, in box. When box already holds the
// same choices in the same order (by dataset[key]), their buttons stay and
// only take the fresh words and state: a redraw that lands as the clerk
// taps must not take the button from under the finger.
function renew(box, fresh, key) {
  const old = [...box.querySelectorAll(".choice")];
  if (old.length !== fresh.length || old.some((b, i) => b.dataset[key] !== fresh[i].dataset[key])) {
    box.replaceChildren(...fresh);
    return;
  }
  old.forEach((b, i) => {
    b.replaceChildren(...fresh[i].childNodes);
    b.disabled = fresh[i].disabled;
    if (fresh[i].dataset.state) b.dataset.state = fresh[i].dataset.state;
  });
}

function chosen(box) {
  return box.querySelector('.choice[aria-pressed="true"]');
}

// The sentences the dialogs show, each as (lang) => its words, so that a
// switch of language redraws them too.
const sentences = {};

// own is a sentence of the page's words.
function own(key, ...args) {
  return (lang) => L.in(lang, key, ...args);
}

// hubs is the hub's sentence of a refused request, as it came.
function hubs(r) {
  if (r.unreachable) return own("hubDown");
  const m = r.error && r.error.message;
  return m ? () => m : own("failed");
}

// showError puts a sentence (or none) in the element id.
function showError(id, say) {
  sentences[id] = say || null;
  drawSentence(id);
}

function drawSentence(id) {
  const e = $(id);
  const s = sentences[id] ? sentences[id](L.lang) : "";
  e.textContent = s;
  e.hidden = !s;
}

/**
 * dialogs sets up the dialogs.
 *
 * @param {object} hooks
 * @param {(op: string, fields?: object) => Promise<object>} hooks.press
 * @param {() => void} hooks.render
 */
export function dialogs({ press, render }) {
  let issued = null; // the priority ticket on show
  let issueKey = ""; // the Idempotency-Key of the priority ticket being asked for
  const redraws = {}; // each dialog's words, redrawn after a language switch

  function open(name, opener) {
    const d = $(`dialog-${name}`);
    if (d.open) return;
    d.dataset.pointer = opener ? "1" : "";
    document.body.dataset.dialog = name;
    d.showModal();
  }

  function close(name) {
    const d = $(`dialog-${name}`);
    if (d.open) d.close();
  }

  for (const d of document.querySelectorAll("dialog")) {
    d.addEventListener("close", () => {
      const still = document.querySelector("dialog[open]"); // another opened meanwhile
      document.body.dataset.dialog = still ? still.id.replace(/^dialog-/, "") : "";
      // After a click the focus would go back to the button that opened
      // the dialog, and Space would press it again; or it stays on a field
      // of the closed dialog, and the keys would be that field's. Give it
      // to the page, unless another dialog has it.
      const focus = document.activeElement;
      const byPointer = d.dataset.pointer === "1";
      if (focus instanceof HTMLElement && !focus.closest("dialog[open]") && (byPointer || d.contains(focus))) focus.blur();
      if (d.id === "dialog-priority") clearIssued();
    });
    for (const b of d.querySelectorAll("[data-close]")) {
      b.addEventListener("click", () => {
        if (d.id === "dialog-priority") clearIssued(); // at once, not a task later
        d.close();
      });
    }
    for (const f of d.querySelectorAll("form")) f.addEventListener("submit", (e) => e.preventDefault());
  }

  // --- Transfer.

  async function openTransfer(opener) {
    const t = ticketNow();
    if (!t) return;
    showError("transfer-error", "");
    const services = $("transfer-services");
    const counters = $("transfer-counters");
    const draw = () => {
      $("transfer-title").textContent = L.t("transferTitle", t.number);
      const svc = (state.services.length ? state.services : state.hall.services).map((s) => {
        const b = choiceButton(serviceName(s.id), `${s.id} · ${L.t("queueWaiting", s.waiting || 0)}`, { service: s.id });
        b.addEventListener("click", () => choose(services, b));
        return b;
      });
      const was = chosen(services) || chosen(counters);
      const sel = was ? { ...was.dataset } : {};
      renew(services, svc, "service");
      const others = state.counters.filter((c) => c.id !== state.counterId).map((c) => {
        const word = L.t({ closed: "stateClosed", open: "stateOpen", paused: "statePaused" }[c.state] || "stateClosed");
        const b = choiceButton(counterName(c), L.t("counterLine", word, c.state !== "closed" ? c.staff : ""), { counter: c.id });
        b.dataset.state = c.state;
        b.addEventListener("click", () => choose(counters, b));
        return b;
      });
      renew(counters, others, "counter");
      const again = sel.service
        ? services.querySelector(`[data-service="${CSS.escape(sel.service)}"]`)
        : sel.counter
          ? counters.querySelector(`[data-counter="${CSS.escape(sel.counter)}"]`)
          : null;
      if (again) choose(again.parentElement, again);
      else $("transfer-go").disabled = true;
    };
    const choose = (box, b) => {
      pick(services, box === services ? b : null);
      pick(counters, box === counters ? b : null);
      $("transfer-go").disabled = false;
      showError("transfer-error", "");
    };
    draw();
    redraws.transfer = draw;
    open("transfer", opener);
    // The counters as they are now: their states change all day.
    const r = await request("GET", "/api/v1/counters");
    if (r.ok && Array.isArray(r.data)) {
      state.counters = r.data;
      if ($("dialog-transfer").open) draw();
    }
  }

  async function submitTransfer() {
    const b = chosen($("transfer-services")) || chosen($("transfer-counters"));
    if (!b) {
      showError("transfer-error", own("transferPick"));
      return;
    }
    const fields = b.dataset.service ? { service: b.dataset.service } : { counter: b.dataset.counter };
    $("transfer-go").disabled = true;
    const out = await press("transfer", fields, { inDialog: true });
    $("transfer-go").disabled = false;
    if (out.ok || out.pending || out.unreachable) close("transfer");
    else if (out.error) showError("transfer-error", hubs({ error: out.error }));
  }

  // --- Call a number.

  function openCall(opener) {
    showError("call-error", "");
    $("call-number").value = "";
    $("call-other").value = "";
    pick($("call-reasons"), null);
    $("call-other-field").hidden = true;
    const numbers = state.queue.flatMap((q) => (q.tickets || []).map((t) => t.number));
    $("call-numbers").replaceChildren(...numbers.map((n) => Object.assign(document.createElement("option"), { value: n })));
    const draw = () => {
      $("returned-hint").textContent = L.t("returnedHint", minutesText(recallToleranceS(), L.lang));
    };
    draw();
    redraws.call = draw;
    open("call", opener);
    $("call-number").focus();
  }

  async function submitCall() {
    const number = $("call-number").value.trim().toUpperCase().replace(/\s+/g, "");
    const b = chosen($("call-reasons"));
    const reason = b ? b.dataset.reason || $("call-other").value.trim() : "";
    if (!/^[A-Z]{1,8}\d{1,6}$/.test(number)) {
      showError("call-error", own("needNumber"));
      $("call-number").focus();
      return;
    }
    if (!reason) {
      showError("call-error", own("needReason"));
      if (b) $("call-other").focus();
      return;
    }
    $("call-go").disabled = true;
    const out = await press("call", { number, reason }, { inDialog: true });
    $("call-go").disabled = false;
    if (out.ok || out.pending || out.unreachable) close("call");
    else if (out.error) showError("call-error", hubs({ error: out.error }));
  }

  // --- A priority ticket.

  function priorityTiers() {
    const tiers = (state.hall && state.hall.tiers) || [];
    const staff = tiers.filter((t) => t.staff_only);
    return staff.length ? staff : tiers.filter((t) => t.rank > 0);
  }

  function openPriority(opener) {
    showError("priority-error", "");
    clearIssued();
    const services = $("priority-services");
    const tiers = $("priority-tiers");
    const langs = $("priority-langs");
    const draw = () => {
      const was = chosen(services);
      const wasTier = chosen(tiers);
      renew(
        services,
        (state.services.length ? state.services : state.hall.services).map((s) => {
          const b = choiceButton(serviceName(s.id), `${s.id} · ${L.t("queueWaiting", s.waiting || 0)}`, { service: s.id });
          b.disabled = s.accepting === false;
          b.addEventListener("click", () => {
            pick(services, b);
            issueKey = "";
            showError("priority-error", null);
          });
          return b;
        }),
        "service",
      );
      renew(
        tiers,
        priorityTiers().map((t) => {
          const b = choiceButton(text(t.name, L.lang) || t.id, "", { tier: t.id });
          b.addEventListener("click", () => {
            pick(tiers, b);
            issueKey = "";
          });
          return b;
        }),
        "tier",
      );
      const s = (was && services.querySelector(`[data-service="${CSS.escape(was.dataset.service)}"]`)) || null;
      if (s) pick(services, s);
      const t = (wasTier && tiers.querySelector(`[data-tier="${CSS.escape(wasTier.dataset.tier)}"]`)) || tiers.querySelector(".choice");
      if (t) pick(tiers, t);
      drawIssued();
    };
    pick(services, null);
    pick(tiers, null);
    pick(langs, langs.querySelector(`[data-lang="${L.lang}"]`));
    issueKey = "";
    draw();
    redraws.priority = draw;
    $("priority-form").hidden = false;
    $("priority-result").hidden = true;
    open("priority", opener);
  }

  async function submitPriority() {
    const s = chosen($("priority-services"));
    const t = chosen($("priority-tiers"));
    const lang = chosen($("priority-langs"));
    if (!s) {
      showError("priority-error", own("pickService"));
      return;
    }
    if (!issueKey) issueKey = newKey(); // the same press, tried again, is the same ticket
    const go = $("priority-go");
    go.disabled = true;
    go.textContent = L.t("issuing");
    const body = { service: s.dataset.service, lang: lang ? lang.dataset.lang : L.lang };
    if (t) body.tier = t.dataset.tier;
    const r = await request("POST", "/api/v1/tickets", { body, key: issueKey });
    go.disabled = false;
    go.textContent = L.t("issue");
    if (needsLogin(r)) {
      toLogin();
      return;
    }
    if (!r.ok || !r.data) {
      showError("priority-error", hubs(r));
      return;
    }
    issueKey = "";
    issued = r.data;
    showError("priority-error", "");
    $("priority-form").hidden = true;
    $("priority-result").hidden = false;
    showError("print-result", null);
    $("print-go").disabled = false;
    drawIssued();
    $("issued-qr").src = `/api/v1/tickets/${encodeURIComponent(issued.token)}/qr.png`;
    document.body.dataset.issued = issued.number;
    $("print-go").focus();
  }

  function drawIssued() {
    if (!issued) return;
    const tier = ((state.hall && state.hall.tiers) || []).find((x) => x.id === issued.tier);
    const tierName = tier ? text(tier.name, L.lang) : issued.tier;
    $("issued-label").textContent = L.t("issuedLabel", tierName);
    $("issued-number").textContent = issued.number;
    $("issued-service").textContent = serviceName(issued.service);
    $("issued-tier").textContent = tierName;
    $("issued-ahead").textContent = Number.isInteger(issued.ahead) ? L.t("issuedAhead", issued.ahead) : "";
    $("issued-qr").alt = L.t("qrAlt", issued.number);
  }

  // clearIssued forgets the ticket shown: its QR code is its token, with
  // which anyone can cancel it.
  function clearIssued() {
    issued = null;
    $("issued-qr").removeAttribute("src");
    $("issued-number").textContent = "";
    delete document.body.dataset.issued;
  }

  async function printIssued() {
    if (!issued) return;
    const b = $("print-go");
    const out = $("print-result");
    b.disabled = true;
    out.dataset.kind = "info";
    showError("print-result", own("printing"));
    const r = await request("POST", `/api/v1/tickets/${encodeURIComponent(issued.token)}/print`, { body: {}, timeoutMs: 30000 });
    b.disabled = false;
    if (r.ok && r.data && r.data.printed) {
      out.dataset.kind = "ok";
      showError("print-result", own("printed"));
      return;
    }
    out.dataset.kind = "error";
    showError("print-result", hubs(r));
  }

  // --- A complaint.

  function openComplaint(opener) {
    showError("complaint-error", "");
    const t = ticketNow();
    $("complaint-ticket").value = t ? t.number : "";
    $("complaint-text").value = "";
    const box = $("complaint-categories");
    const draw = () => {
      const was = chosen(box);
      renew(
        box,
        CATEGORIES.map((id) => {
          const b = choiceButton(L.t(`cat_${id}`), "", { category: id });
          b.addEventListener("click", () => {
            pick(box, b);
            showError("complaint-error", null);
          });
          return b;
        }),
        "category",
      );
      if (was) pick(box, box.querySelector(`[data-category="${was.dataset.category}"]`));
    };
    pick(box, null);
    draw();
    redraws.complaint = draw;
    open("complaint", opener);
    $("complaint-text").focus();
  }

  async function submitComplaint() {
    const category = chosen($("complaint-categories"));
    const words = $("complaint-text").value.trim();
    const number = $("complaint-ticket").value.trim().toUpperCase();
    if (!category) {
      showError("complaint-error", own("needCategory"));
      return;
    }
    if (!words) {
      showError("complaint-error", own("needText"));
      $("complaint-text").focus();
      return;
    }
    const go = $("complaint-go");
    go.disabled = true;
    go.textContent = L.t("recording");
    const body = { category: category.dataset.category, text: words };
    if (number) body.ticket = number;
    const r = await request("POST", "/api/v1/complaints", { body });
    go.disabled = false;
    go.textContent = L.t("record");
    if (needsLogin(r)) {
      toLogin();
      return;
    }
    if (!r.ok || !r.data) {
      showError("complaint-error", hubs(r));
      return;
    }
    close("complaint");
    say("ok", "complaintRecorded", r.data.id, r.data.ticket || "");
    render();
  }

  // --- Taking over, logging out, the keys.

  function openTakeOver(sentence) {
    $("takeover-text").textContent = sentence;
    open("takeover");
  }

  async function takeOver() {
    close("takeover");
    await press("open", { take_over: true }, { inDialog: true });
  }

  function openLogout(opener) {
    if (!mine()) {
      logout();
      return;
    }
    $("logout-text").textContent = L.t("logoutText", counterName(state.counter));
    open("logout", opener);
  }

  async function closeAndLogout() {
    close("logout");
    const out = await press("close", {}, { inDialog: true });
    if (out.ok) logout();
  }

  $("transfer-form").addEventListener("submit", submitTransfer);
  $("call-form").addEventListener("submit", submitCall);
  $("priority-form").addEventListener("submit", submitPriority);
  $("complaint-form").addEventListener("submit", submitComplaint);
  $("print-go").addEventListener("click", printIssued);
  $("takeover-go").addEventListener("click", takeOver);
  $("logout-close").addEventListener("click", closeAndLogout);
  $("logout-leave").addEventListener("click", () => logout());
  $("call-number").addEventListener("input", (e) => {
    const i = e.target;
    const at = i.selectionStart;
    i.value = i.value.toUpperCase();
    i.setSelectionRange(at, at);
  });
  for (const b of $("call-reasons").querySelectorAll(".choice")) {
    b.addEventListener("click", () => {
      pick($("call-reasons"), b);
      $("call-other-field").hidden = b.dataset.reason !== "";
      if (b.dataset.reason === "") $("call-other").focus();
      showError("call-error", "");
    });
  }
  for (const b of $("priority-langs").querySelectorAll(".choice")) b.addEventListener("click", () => pick($("priority-langs"), b));

  return {
    // show opens the dialog of name; opener is the click that asked, if any.
    show(name, opener) {
      switch (name) {
        case "transfer":
          return openTransfer(opener);
        case "call":
          return openCall(opener);
        case "priority":
          return openPriority(opener);
        case "complaint":
          return openComplaint(opener);
        case "logout":
          return openLogout(opener);
        case "help":
          return open("help", opener);
      }
    },
    takeOver: openTakeOver,
    // relabel redraws the open dialog's words in the page's language.
    relabel() {
      for (const d of document.querySelectorAll("dialog[open]")) redraws[d.id.replace(/^dialog-/, "")]?.();
      for (const id of Object.keys(sentences)) drawSentence(id);
    },
    // closeAll closes every dialog, for a counter that is no longer this PC's.
    closeAll() {
      for (const d of document.querySelectorAll("dialog[open]")) d.close();
    },
  };
}
