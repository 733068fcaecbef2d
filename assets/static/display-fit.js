// display-fit.js: text that fits its box on any screen. A display's
// words come from the hall (a long counter name, a rule with many
// exceptions, a five-digit number): fit() shrinks an element's type, by
// the CSS variable --fit that its font sizes are multiplied by, until its
// box no longer overflows, and never below a readable floor.
//
//	.latest-number { font-size: calc(21vh * var(--fit, 1)); }
//	fit(document.getElementById("latest"));
//	refitOnResize(() => fit(...));

const FLOOR = 0.45; // the smallest scale: beyond it, text is cut, not shrunk

function overflows(box, widthOnly) {
  return box.scrollWidth > box.clientWidth + 2 || (!widthOnly && box.scrollHeight > box.clientHeight + 2);
}

/**
 * fit sets --fit on box (1 at most) so that box's content fits it.
 *
 * @param {HTMLElement} box an element whose size the layout fixes (it must
 *   not grow with its content), with overflow hidden
 * @param {boolean} [widthOnly] only its width is fixed: it may grow down
 * @returns {number} the scale set
 */
export function fit(box, widthOnly = false) {
  if (!box || box.offsetParent === null) return 1;
  box.style.setProperty("--fit", "1");
  let scale = 1;
  // A first guess from the widths, then small steps down.
  if (box.scrollWidth > box.clientWidth + 2 && box.scrollWidth > 0) {
    scale = Math.max(FLOOR, Math.floor((box.clientWidth / box.scrollWidth) * 100) / 100);
    box.style.setProperty("--fit", String(scale));
  }
  while (overflows(box, widthOnly) && scale > FLOOR) {
    scale = Math.max(FLOOR, Math.round((scale - 0.04) * 100) / 100);
    box.style.setProperty("--fit", String(scale));
  }
  box.dataset.fit = String(scale);
  return scale;
}

// refitOnResize runs fn again after the window changes size (a TV's
// resolution, a browser window), once the resizing stops.
export function refitOnResize(fn) {
  let timer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(fn, 100);
  });
}
