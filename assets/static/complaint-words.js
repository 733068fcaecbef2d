// complaint-words.js: the complaint categories of the API, in the order a
// form offers them, and their names in Chinese and English (lang.js keys
// cat_<id>), for the counter terminal and the manager's page.

export const CATEGORIES = ["wait_too_long", "attitude", "not_resolved", "environment", "other"];

export const CATEGORY_WORDS = {
  cat_wait_too_long: { zh: "等候时间过长", en: "Waited too long" },
  cat_attitude: { zh: "服务态度", en: "Staff attitude" },
  cat_not_resolved: { zh: "问题未解决", en: "Matter not resolved" },
  cat_environment: { zh: "大厅环境设施", en: "Hall and facilities" },
  cat_other: { zh: "其他", en: "Other" },
};

// categoryName returns category's name in L's language, or the category
// as it came for one this page does not know.
export function categoryName(L, category) {
  return CATEGORIES.includes(category) ? L.t(`cat_${category}`) : category || "";
}
