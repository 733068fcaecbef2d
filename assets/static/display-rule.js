// display-rule.js: the hall's priority rule in plain words, in Chinese and
// English, true for the hall as configured: built from the display
// snapshot's `rule` object (DESIGN.md, "The guarantee, published on the
// display"):
//
//	rule: {head_start_max_s, top_tiers: [{id, name, head_start_s}],
//	       general_counters: [{id, name}], vip_windows: [{id, name}],
//	       spare_time: [{counter: {id, name}, services: [id]}],
//	       vip_streak_cap}
//
//	ruleText(rule, services) // → {zh: "在 1–3 号窗口，…", en: "At counters 1–3, …"}
//
// The guarantee holds at the general counters; the VIP windows, a
// counter's spare-time services and calls by number are its exceptions,
// and the text names each one the hall has.

import { text } from "/assets/i18n.js";

// numericIds returns the counters' ids as numbers when every one is a
// whole number, else null.
function numericIds(counters) {
  const ids = counters.map((c) => String(c.id));
  if (!ids.every((id) => /^[0-9]{1,4}$/.test(id))) return null;
  return ids.map(Number).sort((a, b) => a - b);
}

// ranges turns sorted numbers into pieces: a run of three or more as
// "1–3", the others one by one.
function ranges(ns) {
  const out = [];
  for (let i = 0; i < ns.length; ) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j] + 1) j++;
    if (j - i >= 2) out.push(`${ns[i]}–${ns[j]}`);
    else for (let k = i; k <= j; k++) out.push(`${ns[k]}`);
    i = j + 1;
  }
  return out;
}

// andList joins words: "a", "a and b", "a, b and c"; in Chinese with 、.
function andList(words, lang) {
  if (lang === "zh") return words.join("、");
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

// countersText names counters: "counters 1–3" / "1–3 号窗口" when their ids
// are numbers, else by their names.
export function countersText(counters, lang) {
  const ns = numericIds(counters);
  if (ns !== null) {
    const list = andList(ranges(ns), lang);
    if (lang === "zh") return `${list} 号窗口`;
    const plural = ns.length > 1 ? "counters" : "counter";
    return `${plural} ${list}`;
  }
  return andList(
    counters.map((c) => text(c.name, lang) || String(c.id)),
    lang,
  );
}

// capital starts a sentence.
function capital(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// duration says seconds as whole minutes, rounded up (a bound stays true),
// or seconds under a minute.
function duration(s, lang, adjective = false) {
  if (s < 60) return lang === "zh" ? `${s} 秒` : adjective ? `${s}-second` : `${s} seconds`;
  const m = Math.ceil(s / 60);
  if (lang === "zh") return `${m} 分钟`;
  if (adjective) return `${m}-minute`;
  return m === 1 ? "1 minute" : `${m} minutes`;
}

function serviceName(id, services, lang) {
  const s = (services || []).find((x) => x.id === id);
  const name = s ? text(s.name, lang) : "";
  return name ? (lang === "zh" ? `${name}（${id}）` : `${name} (${id})`) : id;
}

/**
 * ruleText says the rule in both languages, or null without a rule.
 *
 * @param {object} rule the snapshot's rule
 * @param {object[]} services the snapshot's services, for their names
 * @returns {{zh: string, en: string} | null}
 */
export function ruleText(rule, services) {
  if (!rule || typeof rule !== "object") return null;
  const general = Array.isArray(rule.general_counters) ? rule.general_counters : [];
  const vip = Array.isArray(rule.vip_windows) ? rule.vip_windows : [];
  const spare = Array.isArray(rule.spare_time) ? rule.spare_time : [];
  const tiers = Array.isArray(rule.top_tiers) ? rule.top_tiers : [];
  const dmax = Number(rule.head_start_max_s) || 0;
  const zh = [];
  const en = [];

  if (general.length > 0) {
    const atZh = countersText(general, "zh");
    const atEn = countersText(general, "en");
    if (dmax > 0 && tiers.length > 0) {
      const tierZh = andList(tiers.map((t) => text(t.name, "zh") || t.id), "zh");
      const tierEn = andList(tiers.map((t) => text(t.name, "en") || t.id), "en");
      zh.push(
        `在 ${atZh}，${tierZh}客户最多可提前 ${duration(dmax, "zh")}办理：` +
          `比您晚 ${duration(dmax, "zh")}以上取号的客户，不会排在您前面。`,
      );
      en.push(
        `At ${atEn}, ${tierEn} customers are served with up to a ${duration(dmax, "en", true)} head start: ` +
          `no one waits behind a ticket issued more than ${duration(dmax, "en")} after theirs.`,
      );
      const cap = Number(rule.vip_streak_cap) || 0;
      if (cap >= 1) {
        zh.push(`连续 ${cap} 位 VIP 客户提前办理后，下一位叫等候中的普通客户。`);
        en.push(
          `After ${cap === 1 ? "one VIP ticket has" : `${cap} VIP tickets in a row have`} been called ahead of a waiting regular ticket, the next call goes to the regular ticket.`,
        );
      }
    } else {
      zh.push(`在 ${atZh}，按取号先后顺序叫号。`);
      en.push(`At ${atEn}, tickets are called in the order they were issued.`);
    }
  }
  if (vip.length > 0) {
    const many = vip.length > 1;
    zh.push(`${countersText(vip, "zh")}为 VIP 窗口，优先办理 VIP 客户。`);
    en.push(
      `${capital(countersText(vip, "en"))} ${many ? "are VIP windows: they serve" : "is the VIP window: it serves"} VIP customers first.`,
    );
  }
  for (const s of spare) {
    if (!s || !s.counter || !Array.isArray(s.services) || s.services.length === 0) continue;
    const c = [s.counter];
    const zhs = andList(s.services.map((id) => serviceName(id, services, "zh")), "zh");
    const ens = andList(s.services.map((id) => serviceName(id, services, "en")), "en");
    zh.push(`${countersText(c, "zh")}空闲时也办理${zhs}，不受此规则约束。`);
    en.push(`In spare time, ${countersText(c, "en")} also serves ${ens}, outside this rule.`);
  }
  if (zh.length === 0) return null;
  zh.push("工作人员也可按号码单独叫号（例如过号的客户），每次均有记录。");
  en.push("Staff may also call a ticket by its number, for example after a missed call; every such call is recorded.");
  return { zh: zh.join(""), en: en.join(" ") };
}
