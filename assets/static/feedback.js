// feedback.js: what the phone page of a ticket (/t/{token}, ticket.js)
// asks and says about a visit once it is done.
//
// While the hub still takes a rating (the ticket's rate_until, ten minutes
// after the visit), five faces (rating.js); POST …/rating. After a 1 or a
// 2, "tell us what went wrong": a category and, if the customer wants,
// a few words; POST …/complaint. A link offers the same form on any done
// ticket. Once the customer has complained, the complaint's state as the
// hub has it (received, in hand, resolved with the hall's answer). All in
// the page's language.
//
//	const feedback = createFeedback({ path, lang, now, setTicket, changed });
//	feedback.render(ticket);   // a done ticket, or null for any other view
//	feedback.follows(ticket);  // whether the hub may still change what shows
//
// The section's elements are ticket.html's, ids fb-*; <body> gets
// data-feedback (rate, rated, form, or none) and data-complaint (the
// complaint's state), for the stylesheet and the tests.

import { clock, text } from "/assets/i18n.js";
import { LOW, categoryButtons, faceButtons, faceImage, labelCategory, labelFace, scoreLabel } from "/assets/rating.js";

// The words, in both languages.
const W = {
  rateTitle: { en: "How was your visit?", zh: "您对本次服务满意吗？" },
  rateUntil: (at) => ({ en: `You can rate it until ${at}.`, zh: `${at} 前可以评价。` }),
  sending: { en: "Sending…", zh: "正在提交…" },
  rated: (label) => ({ en: `You rated this visit: ${label}. Thank you!`, zh: `您的评价：${label}。谢谢！` }),
  ratedAlready: { en: "This visit has already been rated. Thank you!", zh: "本次服务已经评价过了，谢谢！" },
  staff: {
    en: "Staff cannot rate a visit: the customer rates it on their own phone.",
    zh: "工作人员不能评价服务，请由客户在自己的手机上评价。",
  },
  tooLate: { en: "The time to rate this visit has passed.", zh: "本次服务的评价时间已过。" },
  offline: {
    en: "The hall could not be reached. Check your connection and try again.",
    zh: "无法连接服务大厅，请检查网络后重试。",
  },
  busy: { en: "Please wait a moment, then try again.", zh: "请稍等片刻再试。" },
  formTitle: { en: "Tell us what went wrong", zh: "请告诉我们哪里做得不好" },
  formTitleLow: { en: "We are sorry. What went wrong?", zh: "很抱歉！请问哪里让您不满意？" },
  formHelp: { en: "The hall manager reads every message.", zh: "大堂经理会查看每一条意见。" },
  textLabel: { en: "Anything to add? (optional)", zh: "补充说明（选填）" },
  textNeeded: { en: "Please say in a few words what went wrong.", zh: "请简单写几句，告诉我们哪里出了问题。" },
  choose: { en: "Choose what went wrong, or write a few words.", zh: "请选择问题类型，或写几句说明。" },
  send: { en: "Send to the manager", zh: "提交给大堂经理" },
  notNow: { en: "Not now", zh: "暂不提交" },
  complainLink: { en: "Something wrong? Tell the hall manager", zh: "有问题？告诉大堂经理" },
  complaintTitle: { en: "Your complaint", zh: "您的投诉" },
  steps: {
    received: { en: "Received", zh: "已受理" },
    in_hand: { en: "In hand", zh: "处理中" },
    resolved: { en: "Resolved", zh: "已解决" },
  },
  explain: {
    received: {
      en: "The hall manager has your message and will look into it.",
      zh: "大堂经理已收到您的意见，会尽快处理。",
    },
    in_hand: { en: "A manager is dealing with it now.", zh: "经理正在处理您的意见。" },
    resolved: { en: "The hall has dealt with your complaint.", zh: "您的投诉已处理完毕。" },
  },
  answer: { en: "The hall's answer", zh: "处理结果" },
};
const STEPS = ["received", "in_hand", "resolved"];

const $ = (id) => document.getElementById(id);

// rateUntil returns the time (ms) until which the hub takes a rating of t
// from the phone, or NaN.
function rateUntil(t) {
  return t && t.state === "done" && !t.rating && typeof t.rate_until === "string" ? Date.parse(t.rate_until) : NaN;
}

/**
 * createFeedback wires the feedback section of the phone page.
 *
 * @param {object} o
 * @param {string} o.path the ticket's API path, /api/v1/tickets/{token}
 * @param {() => string} o.lang the page's language
 * @param {() => number} o.now the hub's time (ms), as the page reckons it
 * @param {(t: object) => void} o.setTicket a newer ticket from a reply
 * @param {() => void} o.changed what shows may have changed (a window closed)
 */
export function createFeedback({ path, lang, now, setTicket, changed }) {
  const st = {
    ticket: null,
    form: false, // the complaint form is open
    low: false, // … after a low rating
    category: "",
    busy: false,
    sending: 0, // the score on its way
    rated: 0, // the score this page sent, until the ticket says
    already: false, // the hub said it was rated already
    complaint: null, // {state, resolution}: sent from this page, until the ticket says
    rateError: null, // the words of the last failure to rate
    formError: null,
    timer: 0,
  };

  const faces = faceButtons([lang()], { short: true });
  $("fb-faces").append(...faces);
  const cats = categoryButtons([lang()]);
  $("fb-cats").append(...cats);
  for (const b of cats) b.setAttribute("aria-pressed", "false");

  $("fb-faces").addEventListener("click", (e) => {
    const b = e.target.closest("button[data-score]");
    if (b) rate(Number(b.dataset.score));
  });
  $("fb-cats").addEventListener("click", (e) => {
    const b = e.target.closest("button[data-category]");
    if (!b || st.busy) return;
    st.category = st.category === b.dataset.category ? "" : b.dataset.category;
    st.formError = null;
    draw();
  });
  $("fb-complain").addEventListener("click", () => openForm(false));
  $("fb-cancel").addEventListener("click", () => {
    st.form = false;
    st.formError = null;
    draw();
  });
  $("fb-form").addEventListener("submit", (e) => {
    e.preventDefault();
    complain();
  });

  function complaintOf(t) {
    return (t && t.complaint && typeof t.complaint.state === "string" && t.complaint) || st.complaint;
  }

  function ratingOf(t) {
    return (t && t.rating) || st.rated;
  }

  // rateOpen says whether the faces show for t.
  function rateOpen(t) {
    return !ratingOf(t) && !st.already && rateUntil(t) > now();
  }

  // watch sets the timer that hides the faces when rate_until passes.
  function watch(t) {
    clearTimeout(st.timer);
    st.timer = 0;
    const until = rateUntil(t);
    if (!(until > now()) || ratingOf(t)) return;
    st.timer = setTimeout(changed, Math.min(until - now() + 50, 2 ** 31 - 1));
  }

  function openForm(low) {
    st.form = true;
    st.low = low;
    st.formError = null;
    draw();
    $("fb-form-title").focus({ preventScroll: true });
  }

  function drawNothing() {
    $("feedback").hidden = true;
    delete document.body.dataset.feedback;
    delete document.body.dataset.complaint;
  }

  function draw() {
    const t = st.ticket;
    if (!t || t.state !== "done") {
      drawNothing();
      return;
    }
    const L = lang();
    const tr = (x) => text(x, L);
    const complaint = complaintOf(t);
    const open = rateOpen(t);
    const score = ratingOf(t);
    const mode = st.form && !complaint ? "form" : open ? "rate" : score || st.already ? "rated" : "none";
    document.body.dataset.feedback = mode;
    if (complaint) document.body.dataset.complaint = complaint.state;
    else delete document.body.dataset.complaint;
    $("feedback").hidden = false;

    // The faces.
    $("fb-rate").hidden = mode !== "rate";
    $("fb-rate-title").textContent = tr(W.rateTitle);
    for (const f of faces) {
      labelFace(f, [L]);
      f.disabled = st.busy;
      f.classList.toggle("chosen", st.busy && Number(f.dataset.score) === st.sending);
    }
    const until = rateUntil(t);
    $("fb-until").textContent = st.busy ? tr(W.sending) : Number.isNaN(until) ? "" : tr(W.rateUntil(clock(t.rate_until)));
    const rateError = $("fb-rate-error");
    rateError.hidden = !st.rateError;
    rateError.textContent = st.rateError ? tr(st.rateError) : "";

    // The rating given.
    const rated = $("fb-rated");
    rated.hidden = mode === "form" || mode === "rate" || !(score || st.already);
    if (score) {
      rated.replaceChildren(faceImage(score), document.createTextNode(tr(W.rated(scoreLabel(score, L)))));
    } else {
      rated.textContent = tr(W.ratedAlready);
    }

    // The form.
    $("fb-form").hidden = mode !== "form";
    $("fb-form-title").textContent = tr(st.low ? W.formTitleLow : W.formTitle);
    $("fb-form-help").textContent = tr(W.formHelp);
    for (const b of cats) {
      labelCategory(b, [L]);
      b.setAttribute("aria-pressed", String(b.dataset.category === st.category));
      b.disabled = st.busy;
    }
    $("fb-text-label").textContent = tr(W.textLabel);
    $("fb-text").disabled = st.busy;
    const formError = $("fb-form-error");
    formError.hidden = !st.formError;
    formError.textContent = st.formError ? tr(st.formError) : "";
    $("fb-send").textContent = tr(st.busy ? W.sending : W.send);
    $("fb-send").disabled = st.busy;
    $("fb-cancel").textContent = tr(W.notNow);
    $("fb-cancel").disabled = st.busy;

    // The complaint.
    const box = $("fb-complaint");
    box.hidden = !complaint || mode === "form";
    if (complaint) drawComplaint(complaint, tr);
    const link = $("fb-complain");
    link.hidden = mode === "form" || !!complaint;
    link.textContent = tr(W.complainLink);
  }

  function drawComplaint(c, tr) {
    $("fb-complaint-title").textContent = tr(W.complaintTitle);
    const at = Math.max(0, STEPS.indexOf(c.state));
    const steps = STEPS.map((s, i) => {
      const li = document.createElement("li");
      li.className = i < at ? "done" : i === at ? "current" : "";
      if (i === at) li.setAttribute("aria-current", "step");
      li.textContent = tr(W.steps[s]);
      return li;
    });
    $("fb-steps").replaceChildren(...steps);
    const answer = $("fb-answer");
    const note = typeof c.resolution === "string" ? c.resolution.trim() : "";
    answer.hidden = note === "";
    // The hall's answer says more than "dealt with".
    $("fb-explain").hidden = note !== "";
    $("fb-explain").textContent = note ? "" : tr(W.explain[STEPS[at]]);
    $("fb-answer-label").textContent = tr(W.answer);
    $("fb-answer-text").textContent = note;
  }

  async function post(sub, payload) {
    try {
      const res = await fetch(`${path}/${sub}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(payload),
        cache: "no-store",
      });
      const body = await res.json().catch(() => null);
      return { status: res.status, body };
    } catch {
      return { status: 0, body: null };
    }
  }

  async function refresh() {
    try {
      const res = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (res.ok) setTicket(await res.json());
    } catch {
      // The page shows what it knows.
    }
  }

  async function rate(score) {
    if (st.busy || !rateOpen(st.ticket)) return;
    st.busy = true;
    st.sending = score;
    st.rateError = null;
    draw();
    const r = await post("rating", { score });
    st.busy = false;
    st.sending = 0;
    if (r.status === 200 || r.status === 201) {
      st.rated = score;
      if (r.body && typeof r.body.state === "string" && typeof r.body.number === "string") setTicket({ ...st.ticket, ...r.body });
      if (score <= LOW) openForm(true);
      else draw();
      return;
    }
    if (r.status === 409) {
      // Rated already (on the pad, or by an earlier try), or too late.
      const late = !(rateUntil(st.ticket) > now());
      if (late) st.rateError = W.tooLate;
      else st.already = true;
      draw();
      refresh();
      return;
    }
    st.rateError = r.status === 403 ? W.staff : r.status === 429 ? W.busy : r.status === 0 ? W.offline : errorWords(r);
    draw();
  }

  async function complain() {
    if (st.busy) return;
    const words = $("fb-text").value.trim();
    if (!st.category && !words) {
      st.formError = W.choose;
      draw();
      return;
    }
    if (st.category === "other" && !words) {
      st.formError = W.textNeeded;
      draw();
      $("fb-text").focus();
      return;
    }
    st.busy = true;
    st.formError = null;
    draw();
    const r = await post("complaint", { category: st.category || "other", text: words });
    st.busy = false;
    if (r.status === 200 || r.status === 201) {
      st.complaint = { state: (r.body && r.body.state) || "received", resolution: r.body && r.body.resolution };
      st.form = false;
      $("fb-text").value = "";
      st.category = "";
      draw();
      changed(); // the hub may now change the complaint: follow the ticket
      refresh();
      return;
    }
    if (r.status === 409) {
      st.form = false;
      draw();
      refresh();
      return;
    }
    const err = (r.body && r.body.error) || {};
    if (r.status === 400 && err.field === "text") st.formError = W.textNeeded;
    else st.formError = r.status === 429 ? W.busy : r.status === 0 ? W.offline : errorWords(r);
    draw();
  }

  // errorWords returns the hub's sentence, in English only, for both
  // languages.
  function errorWords(r) {
    const m = (r.body && r.body.error && r.body.error.message) || `HTTP ${r.status}`;
    return { en: m, zh: m };
  }

  return {
    render(t) {
      if (st.ticket && t && st.ticket.id !== t.id) {
        st.rated = 0;
        st.already = false;
        st.complaint = null;
      }
      st.ticket = t;
      if (t && t.rating) st.rated = 0; // the ticket says
      if (t && t.complaint) st.complaint = null;
      watch(t);
      draw();
    },
    follows(t) {
      if (!t || t.state !== "done") return false;
      const c = complaintOf(t);
      return rateOpen(t) || (!!c && c.state !== "resolved");
    },
  };
}
