// keyboard.js: a page's keyboard shortcuts, for staff who work all day with
// one hand on a keyboard or a USB numeric keypad.
//
// A shortcut names keys by their KeyboardEvent.code ("Space", "Enter",
// "NumpadEnter", "NumpadDecimal", …), so a keypad's keys work whether Num
// Lock is on or not, and whatever the keyboard's layout. A shortcut acts
// only while the person is not typing: never while a text field, a list or
// an editable element has the focus, and never while a modal dialog is
// open. One press is one action: a key held down repeats nothing. A button
// that has the focus keeps its own Enter and Space (a person who tabbed to
// "Transfer" and pressed Enter meant Transfer); blurAfterClick() gives the
// focus back to the page after a mouse click, so that Space goes on
// meaning the page's shortcut.
//
//	import { shortcuts } from "/assets/keyboard.js";
//
//	const keys = shortcuts([
//	  { codes: ["Space", "Enter", "NumpadEnter"], run: () => press("next") },
//	  { codes: ["NumpadDecimal"], run: () => press("recall") },
//	]);
//	keys.stop(); // for good

// typing reports whether el takes typed text: the keys are its, not the
// page's.
export function typing(el) {
  if (!(el instanceof Element)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) {
    return !["button", "submit", "reset", "checkbox", "radio", "range", "color", "file", "image"].includes(el.type);
  }
  return false;
}

// control reports whether el is a button or a link, which Enter (and, for
// a button, Space) activates by itself.
function control(el) {
  return el instanceof HTMLButtonElement || el instanceof HTMLAnchorElement || (el instanceof HTMLInputElement && !typing(el));
}

/**
 * shortcuts listens for the keys of each binding on the whole page.
 *
 * @param {{codes: string[], run: (e: KeyboardEvent) => void}[]} bindings
 * @param {object} [options]
 * @param {() => boolean} [options.enabled] shortcuts act only while it says so
 * @returns {{stop: () => void}}
 */
export function shortcuts(bindings, { enabled = () => true } = {}) {
  function onKey(e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const binding = bindings.find((b) => b.codes.includes(e.code));
    if (!binding) return;
    if (document.querySelector("dialog[open]")) return;
    let focus = document.activeElement;
    // The focus can linger a moment in a dialog just closed: it is nobody's.
    if (focus instanceof HTMLElement && focus.closest("dialog:not([open])")) {
      focus.blur();
      focus = document.body;
    }
    if (typing(focus)) return; // the key is the field's (keydown's target is the focus)
    // The main keyboard's Enter and Space on a focused button are that button's.
    if ((e.code === "Enter" || e.code === "Space") && control(focus)) return;
    e.preventDefault(); // no scrolling on Space, no click of anything else
    if (e.repeat || !enabled()) return;
    binding.run(e);
  }
  window.addEventListener("keydown", onKey);
  return {
    stop() {
      window.removeEventListener("keydown", onKey);
    },
  };
}

// blurAfterClick takes the focus away from buttons under root once a mouse
// or a finger clicked them (not the keyboard: then the focus stays where
// the person put it).
export function blurAfterClick(root = document) {
  // In the capture phase: the button's own handler may replace what was
  // clicked inside it, and a detached element has no button around it.
  root.addEventListener(
    "click",
    (e) => {
      const b = e.target instanceof Element ? e.target.closest("button") : null;
      if (b && e.detail > 0 && !b.closest("dialog")) b.blur();
    },
    true,
  );
}
