// display-panel.js: the panel beside the calls on the waiting-room display.
//
// With slides (the snapshot's `slides`, today's only, from the hub), the
// panel shows each in turn, by `order`, for its `seconds`, and the hall's
// priority rule once a round (on a portrait screen, which has no room for
// the notice along the bottom, the notice too). Without slides it shows the rule and the
// notice (or a welcome, when the hall has neither). A call takes the panel
// over the moment it comes, large, for takeoverMs; then the slides go on
// with the next one.
//
// <body> says what the panel shows: data-panel = call | slide | rule |
// info, and data-slide = the id of the slide shown (or "rule").

import { fit } from "/assets/display-fit.js";
import { counterName } from "/assets/display-view.js";

const RULE_SLIDE_S = 15; // the rule, as a slide between the hall's own
const MIN_SLIDE_S = 1;
const DEFAULT_SLIDE_S = 10;
const NOTICE_S = 10; // the notice, in turn with the rule
const CRAMPED = 0.7; // the rule and the notice shrunk below this: in turns

const $ = (id) => document.getElementById(id);

// usable keeps the slides the panel can show, in order.
function usable(slides) {
  if (!Array.isArray(slides)) return [];
  return slides
    .filter((s) => s && (s.kind === "image" ? typeof s.image_url === "string" && s.image_url !== "" : s.text && (s.text.zh || s.text.en)))
    .map((s, i) => ({ ...s, pos: i }))
    .sort((a, b) => (Number(a.order) || 0) - (Number(b.order) || 0) || a.pos - b.pos);
}

function seconds(s) {
  const n = Number(s.seconds);
  return Number.isFinite(n) && n >= MIN_SLIDE_S ? n : DEFAULT_SLIDE_S;
}

/**
 * @param {object} opts
 * @param {number} opts.takeoverMs how long a call holds the panel
 */
export function panel({ takeoverMs }) {
  let items = []; // the rotation: slides, and the rule
  let signature = "";
  let index = -1;
  let timer = 0; // the current slide's end
  let stillTimer = 0; // the rule's or the notice's turn ends
  let stillTurn = -1; // the page of still() now
  let last = null; // what set() was given
  const portrait = window.matchMedia("(orientation: portrait)");
  portrait.addEventListener("change", () => {
    if (last) panel.set(last);
  });
  let takeoverTimer = 0;
  let rule = null; // {zh, en}
  let notice = null; // {zh, en}

  function show(kind) {
    for (const [k, id] of [
      ["call", "panel-call"],
      ["slide", "panel-slide"],
      ["rule", "panel-rule"],
      ["info", "panel-info"],
    ]) {
      $(id).hidden = k !== kind;
    }
    document.body.dataset.panel = kind;
    refit();
  }

  // refit shrinks what the panel shows to fit it.
  function refit() {
    const id = { call: "panel-call", slide: "slide-text", rule: "panel-rule", info: "panel-info" }[document.body.dataset.panel];
    if (id) fit($(id));
  }

  // drawRule shows the rule (in both languages, or in one) with the
  // notice under it or not, and returns the scale it fits at.
  function drawRule(withNotice, langs = "both") {
    $("rule-zh").textContent = rule ? rule.zh : "";
    $("rule-en").textContent = rule ? rule.en : "";
    $("rule-zh").hidden = langs === "en";
    $("rule-en").hidden = langs === "zh";
    const has = withNotice && notice && (notice.zh || notice.en);
    $("panel-notice").hidden = !has;
    $("panel-notice-zh").textContent = has ? notice.zh || "" : "";
    $("panel-notice-en").textContent = has ? notice.en || "" : "";
    show("rule");
    document.body.dataset.slide = "rule";
    return Number($("panel-rule").dataset.fit) || 1;
  }

  // rulePages is how the rule shows on this panel: in both languages at
  // once, or, when that would be too small to read from the seats, one
  // language after the other.
  function rulePages() {
    return drawRule(false) >= CRAMPED ? ["both"] : ["zh", "en"];
  }

  // still shows what the panel shows without slides: the rule and the
  // notice (in turns, when together they would be too small to read), or
  // the notice alone, or a welcome.
  function still() {
    clearTimeout(stillTimer);
    stillTimer = 0;
    const hasNotice = !!(notice && (notice.zh || notice.en));
    if (!rule) {
      showInfo(hasNotice);
      return;
    }
    if (drawRule(hasNotice) >= CRAMPED) return; // all at once
    const pages = rulePages();
    if (hasNotice) pages.push("notice");
    stillTurn = (stillTurn + 1) % pages.length;
    const page = pages[stillTurn];
    if (page === "notice") showInfo(true);
    else drawRule(false, page);
    stillTimer = setTimeout(still, (page === "notice" ? NOTICE_S : RULE_SLIDE_S) * 1000);
  }

  // showRuleItem shows the rule as an item of the rotation: in one turn,
  // or in two (one language each) within the item's seconds.
  function showRuleItem(item) {
    clearTimeout(stillTimer);
    stillTimer = 0;
    const pages = rulePages();
    drawRule(false, pages[0]);
    if (pages.length > 1) {
      stillTimer = setTimeout(() => {
        stillTimer = 0;
        if (items[index] === item && takeoverTimer === 0) drawRule(false, pages[1]);
      }, (seconds(item) * 1000) / 2);
    }
  }

  function showInfo(hasNotice) {
    $("panel-info").dataset.notice = hasNotice ? "1" : "0";
    $("info-zh").textContent = hasNotice ? notice.zh || "" : "欢迎光临";
    $("info-en").textContent = hasNotice ? notice.en || "" : "Welcome";
    show("info");
    document.body.dataset.slide = "";
  }

  function drawItem(item) {
    document.body.dataset.slide = item.kind === "rule" || item.kind === "notice" ? item.kind : String(item.id);
    if (item.kind === "notice") {
      showInfo(true);
      document.body.dataset.slide = "notice";
      return;
    }
    if (item.kind === "rule") {
      showRuleItem(item);
      return;
    }
    const img = $("slide-image");
    const txt = $("slide-text");
    if (item.kind === "image") {
      img.hidden = false;
      txt.hidden = true;
      img.alt = (item.text && (item.text.zh || item.text.en)) || "";
      img.onerror = () => {
        // An image that will not load is not worth its seconds.
        if (items[index] === item) advance();
      };
      img.src = item.image_url;
    } else {
      img.hidden = true;
      img.removeAttribute("src");
      txt.hidden = false;
      $("slide-zh").textContent = (item.text && item.text.zh) || "";
      $("slide-en").textContent = (item.text && item.text.en) || "";
    }
    show("slide");
  }

  // advance shows the next item of the rotation and times its end.
  function advance() {
    clearTimeout(timer);
    timer = 0;
    clearTimeout(stillTimer);
    stillTimer = 0;
    if (takeoverTimer !== 0) return; // a call has the panel
    if (items.length === 0) {
      still();
      return;
    }
    index = (index + 1) % items.length;
    const item = items[index];
    drawItem(item);
    timer = setTimeout(advance, seconds(item) * 1000);
  }

  const panel = {
    // set takes the hall's slides, rule and notice; the rotation starts
    // over only when the slides changed.
    set(content) {
      last = content;
      const { slides, ruleText, noticeText } = content;
      rule = ruleText;
      notice = noticeText;
      const list = usable(slides);
      const next = [...list];
      if (list.length > 0 && rule) next.push({ id: "rule", kind: "rule", seconds: RULE_SLIDE_S });
      if (list.length > 0 && portrait.matches && notice && (notice.zh || notice.en)) {
        next.push({ id: "notice", kind: "notice", seconds: NOTICE_S });
      }
      const sig = JSON.stringify(next.map((s) => [s.id, s.kind, s.seconds, s.image_url, s.text]));
      const changed = sig !== signature;
      signature = sig;
      items = next;
      document.body.dataset.slides = String(list.length);
      if (takeoverTimer !== 0) return;
      if (changed || items.length === 0) {
        index = -1;
        advance();
      } else if (items[index] && items[index].kind === "rule") {
        showRuleItem(items[index]); // the rule's words may have changed
      }
    },
    // hasSlides tells whether the hall's slides are showing in turn.
    refit,
    get hasSlides() {
      return items.some((s) => s.kind === "text" || s.kind === "image");
    },
    // takeOver shows call large for takeoverMs, then goes on.
    takeOver(call) {
      clearTimeout(timer);
      timer = 0;
      clearTimeout(stillTimer);
      stillTimer = 0;
      clearTimeout(takeoverTimer);
      $("pc-number").textContent = call.number;
      $("pc-go-zh").textContent = `请到 ${counterName(call, "zh")}`;
      $("pc-go-en").textContent = `Please go to ${counterName(call, "en")}`;
      show("call");
      document.body.dataset.slide = "";
      takeoverTimer = setTimeout(() => {
        takeoverTimer = 0;
        advance();
      }, takeoverMs);
    },
  };
  return panel;
}
